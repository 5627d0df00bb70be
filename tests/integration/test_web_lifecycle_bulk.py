"""Transitions for many claims at once from the claims list: each claim in its own transaction,
one refused claim never stopping the others, and the result of every claim shown after the run."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from app.extensions import db
from app.models import AuditEvent
from tests.audit_support import workflow_events
from tests.helpers import csrf_token
from tests.integration import test_web_lifecycle as single
from tests.integration.test_web_lifecycle import (
    IN_REVIEW,
    SUBMITTED,
    claim_state,
    draft,
    events,
)
from tests.integration.web_support import text

fund = single.fund  # the same reference data and member as the claim-page tests


def run_action(client: FlaskClient, action: str, ids: list[int], **kwargs):
    """Tick the claims in the list and choose the action, as the list page's form posts it."""
    token = csrf_token(client, "/claims/list/")
    return client.post("/claims/action_post", data={
        "csrf_token": token, "action": action, "rowid": [str(i) for i in ids]}, **kwargs)


def results(html: str) -> list[tuple[str, str, str]]:
    """(claim number, Done/Refused, status now) per row of the results page."""
    rows = re.findall(r'<tr class="(?:success|danger)">(.*?)</tr>', html, re.S)
    cells = [re.findall(r"<td>(.*?)</td>", row, re.S) for row in rows]
    return [(re.sub(r"<[^>]+>", "", c[0]).strip(), c[1], c[2]) for c in cells]


def numbers(app, ids: list[int]) -> list[str]:
    return [claim_state(app, pk).claim_number for pk in ids]


def test_bulk_review_recommend_and_approve(fund, client_for):
    first, second = client_for("committee1"), client_for("committee2")
    ready = [draft(fund, SUBMITTED) for _ in range(2)]
    still_draft = draft(fund)
    selected = [ready[0], still_draft, ready[1]]
    listing = text(first.get("/claims/list/"))
    assert "bulk_start_review" in listing and "bulk_reject" in listing

    page = text(run_action(first, "bulk_start_review", selected))
    assert "2 done, 1 refused." in page
    done, refused, done_too = results(page)
    assert done[1:] == ("Done", "Under review") and done_too[1] == "Done"
    assert refused[:2] == (claim_state(fund.app, still_draft).claim_number, "Refused")
    assert "is draft: it cannot be taken into review now" in page

    page = text(run_action(first, "bulk_recommend", ready))
    assert "2 done, 0 refused." in page
    page = text(run_action(first, "bulk_approve", ready))
    assert "0 done, 2 refused." in page
    assert page.count("The second signature must come from a different committee member.") == 2
    page = text(run_action(second, "bulk_approve", ready))
    assert results(page) == [(n, "Done", "Approved") for n in numbers(fund.app, ready)]

    for pk in ready:
        assert claim_state(fund.app, pk).status == "approved"
        assert events(fund.app, pk) == ["claim.submit", "claim.start_review",
                                        "claim.recommend", "claim.approve"]
    assert claim_state(fund.app, still_draft).status == "draft"
    assert events(fund.app, still_draft) == []
    awaiting = text(first.get("/claims/list/?_flt_0_awaiting_ratification=y"))
    assert "Awaiting ratification" in awaiting
    assert all(n in awaiting for n in numbers(fund.app, ready))
    assert numbers(fund.app, [still_draft])[0] not in awaiting


def test_bulk_reject_asks_one_reason_for_all(fund, client_for):
    first = client_for("committee1")
    reviewed = [draft(fund, IN_REVIEW) for _ in range(2)]
    submitted = draft(fund, SUBMITTED)
    selected = [*reviewed, submitted]
    response = run_action(first, "bulk_reject", selected)
    assert response.status_code == 302
    form_url = response.headers["Location"]
    assert form_url.startswith("/claims/transition/bulk/reject?ids=")
    form = text(first.get(form_url))
    assert "3 claim(s) selected" in form and "Reason codes" in form
    token = csrf_token(first, form_url)
    ids = ",".join(map(str, selected))
    page = text(first.post(form_url, data={"csrf_token": token, "ids": ids, "reason": " "}))
    assert "Write a reason." in page  # asked again, nothing run
    assert all(claim_state(fund.app, pk).status == "under_review" for pk in reviewed)

    page = text(first.post(form_url, data={"csrf_token": token, "ids": ids,
                                           "reason": "No referral letter",
                                           "reason_codes": ["EXCLUDED"]}))
    assert "2 done, 1 refused." in page and "is submitted: it cannot be rejected now" in page
    for pk in reviewed:
        claim = claim_state(fund.app, pk)
        assert claim.status == "rejected" and claim.decision_reason == "No referral letter"
        assert "EXCLUDED" in claim.reason_codes and events(fund.app, pk)[-1] == "claim.reject"
    assert claim_state(fund.app, submitted).status == "submitted"


def test_bulk_needs_the_review_permission(fund, client_for, app):
    pk = draft(fund, SUBMITTED)
    for username in ("auditor", "member1", "finance"):
        user = client_for(username)
        assert "bulk_start_review" not in text(user.get("/claims/list/"))
        token = csrf_token(user, "/resetmypassword/form")
        response = user.post("/claims/action_post", data={
            "csrf_token": token, "action": "bulk_start_review", "rowid": [str(pk)]})
        assert response.status_code == 403, username
        assert user.get(f"/claims/transition/bulk/reject?ids={pk}").status_code == 403
    assert claim_state(fund.app, pk).status == "submitted"
    with app.app_context():
        assert db.session.query(AuditEvent).filter(
            AuditEvent.action.like("claim.%"), workflow_events()
        ).count() == 1  # the submission only


def test_only_reviewers_are_offered_the_bulk_actions(client_for):
    for username, offered in (("committee1", True), ("admin", True), ("member1", False),
                              ("finance", False)):
        page = client_for(username).get("/claims/list/").get_data(as_text=True)
        assert ("Approve (second signature)" in page) is offered, username
