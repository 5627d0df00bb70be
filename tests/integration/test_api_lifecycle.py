"""The claim lifecycle over REST with a JWT: the whole path to an approved claim with its working,
each refusal with its status and message and nothing changed, bad bodies, bulk runs answering per
claim, and the paper claim keyed in by the claims officer."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from flask import Flask, current_app

from app.extensions import db
from app.models import AuditEvent, Claim, ClaimItem, Member, ScaleItem
from app.services.lifecycle import TRANSITIONS, perform
from tests import factories
from tests.audit_support import workflow_events

TODAY = date.today()
SUBMITTED = (("submit", "member1", {"declaration": True}),)
IN_REVIEW = (*SUBMITTED, ("start_review", "committee1", {}))
RECOMMENDED = (*IN_REVIEW, ("recommend", "committee1", {}))


@pytest.fixture
def fund(app: Flask) -> SimpleNamespace:
    """A general benefit, the GP consultation (80 %, capped at 1,800.00) and member1's record."""
    with app.app_context():
        factories.benefit_category("general", "250000.00")
        consult = factories.scale_item("GP_CONSULT", fee_cap=D("1800.00"))
        member = factories.member(user_id=factories.user_id("member1"),
                                  contribution_receipt_date=TODAY - timedelta(days=400))
        db.session.commit()
        return SimpleNamespace(app=app, member_id=member.id, consult_id=consult.id)


def user(username: str):
    return current_app.appbuilder.sm.find_user(username=username)


def draft(fund: SimpleNamespace, steps=(), member_id: int | None = None,
          unit_cost: str = "2500.00", **claim_fields) -> int:
    """A claim for one GP consultation, taken through ``steps`` by the service itself."""
    with fund.app.app_context():
        member = db.session.get(Member, member_id or fund.member_id)
        claim = factories.claim(of=member, items=0, **claim_fields)
        claim.items.append(ClaimItem(description="GP consultation", quantity=1,
                                     unit_cost=D(unit_cost), receipt_number=f"R-{claim.id}",
                                     scale_item=db.session.get(ScaleItem, fund.consult_id)))
        db.session.commit()
        for action, username, params in steps:
            perform(claim.id, action, user(username), **params)
        return claim.id


def state(app: Flask, claim_id: int) -> tuple:
    """What a refusal must leave as it was: status, version, amounts, events."""
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        return (claim.status, claim.version, claim.total_eligible, claim.total_approved,
                claim.recommended_by_id, claim.decided_by_id, events(claim_id))


def events(claim_id: int) -> list[str]:
    query = db.session.query(AuditEvent.action).filter_by(
        resource_type="claim", resource_id=str(claim_id)).filter(workflow_events()
                                                                 ).order_by(AuditEvent.id)
    return [action for (action,) in query]


def version_of(client, headers, claim_id: int) -> int:
    answer = client.get(f"/api/v1/claim/{claim_id}", headers=headers)
    assert answer.status_code == 200
    return answer.get_json()["result"]["version"]


def transition(client, headers, claim_id: int, action: str, version: int, **params):
    return client.post(f"/api/v1/claim/{claim_id}/transition", headers=headers,
                       json={"action": action, "version": version, **params})


def test_member_submits_and_two_committee_members_approve(app, client, api_headers, fund):
    claim_id = draft(fund)
    member, first, second = (api_headers(n) for n in ("member1", "committee1", "committee2"))
    version = version_of(client, member, claim_id)

    answer = transition(client, member, claim_id, "submit", version, declaration=True)
    assert answer.status_code == 200, answer.get_json()
    result = answer.get_json()["result"]
    assert (result["status"], result["declaration_source"]) == ("submitted", "online")
    # The engine's working is the committee's until the claim is decided.
    assert result["version"] > version and result["recommended_outcome"] is None
    assert (result["total_claimed"], result["total_eligible"]) == ("2500.00", None)
    working = client.get(f"/api/v1/claim/{claim_id}/adjudication", headers=first).get_json()
    assert working["result"]["recommended_outcome"] == "approved"
    assert working["result"]["total_eligible"] == "1800.00"

    result = transition(client, first, claim_id, "start_review",
                        result["version"]).get_json()["result"]
    result = transition(client, first, claim_id, "recommend", result["version"]).get_json()[
        "result"]
    assert (result["status"], result["recommended_by"]) == ("under_review", "committee1")
    answer = transition(client, second, claim_id, "approve", result["version"])
    assert answer.status_code == 200
    result = answer.get_json()["result"]
    assert result["status"] == "approved" and result["total_approved"] == "1800.00"
    assert (result["recommended_by"], result["decided_by"]) == ("committee1", "committee2")
    assert result["awaiting_ratification"] is True and result["decided_at"]

    working = client.get(f"/api/v1/claim/{claim_id}/adjudication", headers=member)
    assert working.status_code == 200
    claim = working.get_json()["result"]
    # Reviewers' names reach a member only when the fund's setting shows them.
    assert (claim["status"], claim["total_approved"], claim["decided_by"]) == (
        "approved", "1800.00", None)
    staff_view = client.get(f"/api/v1/claim/{claim_id}/adjudication", headers=first)
    assert staff_view.get_json()["result"]["decided_by"] == "committee2"
    with app.app_context():
        from app.services.settings import set_setting

        set_setting("show_reviewer_names", True)
        db.session.commit()
    shown = client.get(f"/api/v1/claim/{claim_id}/adjudication", headers=member)
    assert shown.get_json()["result"]["recommended_by"] == "committee1"
    [line] = claim["lines"]
    assert {k: line[k] for k in ("line_no", "scale_item_code", "claimed_amount", "net_claimed",
                                 "rate_percent", "rated_amount", "fee_cap_total",
                                 "eligible_amount", "limit_cut", "approved_amount")} == {
        "line_no": 1, "scale_item_code": "GP_CONSULT", "claimed_amount": "2500.00",
        "net_claimed": "2500.00", "rate_percent": "80.00", "rated_amount": "2000.00",
        "fee_cap_total": "1800.00", "eligible_amount": "1800.00", "limit_cut": "0.00",
        "approved_amount": "1800.00"}
    assert line["reason_codes"] == [
        {"code": "SCALE_CAP", "text": "The fund pays up to its scale fee for this item."}]
    with app.app_context():
        assert events(claim_id) == ["claim.submit", "claim.start_review", "claim.recommend",
                                    "claim.approve"]


REFUSALS = {
    # name: (steps before, who, action, params, status, what the message says)
    "wrong role": (SUBMITTED, "finance", "start_review", {}, 403,
                   "You may not start review this claim."),
    "a role without transitions": (SUBMITTED, "auditor", "start_review", {}, 403, None),
    "wrong state": ((), "committee1", "start_review", {}, 409, "is draft"),
    "same approver twice": (RECOMMENDED, "committee1", "approve", {}, 403,
                            "must come from a different committee member"),
    "approval without a recommendation": (IN_REVIEW, "committee2", "approve", {}, 422,
                                          {"recommendation": [
                                              "A first committee member must recommend the "
                                              "claim first."]}),
    "missing declaration": ((), "member1", "submit", {}, 422,
                            {"declaration": ["Accept the declaration and consent to submit."]}),
    "declaration refused": ((), "member1", "submit", {"declaration": False}, 422,
                            {"declaration": ["Accept the declaration and consent to submit."]}),
    "rejection without a reason": (IN_REVIEW, "committee2", "reject", {"reason": "  "}, 422,
                                   {"reason": ["Write a reason."]}),
    "override of a line of another claim": (IN_REVIEW, "committee2", "override_line",
                                            {"item_id": 999999, "amount": "10.00",
                                             "reason": "agreed"}, 422,
                                            {"item_id": ["Choose a line of this claim."]}),
    "member reviewing": (SUBMITTED, "member1", "start_review", {}, 403,
                         "You may not start review this claim."),
}


@pytest.mark.parametrize("case", REFUSALS.values(), ids=REFUSALS.keys())
def test_refusals_answer_their_status_and_change_nothing(app, client, api_headers, fund, case):
    steps, who, action, params, status, message = case
    claim_id = draft(fund, steps)
    before = state(app, claim_id)
    answer = transition(client, api_headers(who), claim_id, action, before[1], **params)
    assert answer.status_code == status, answer.get_json()
    if isinstance(message, dict):
        assert answer.get_json() == {"message": message}
    elif message:
        assert message in answer.get_json()["message"]
    assert state(app, claim_id) == before


def test_a_stale_version_is_refused(app, client, api_headers, fund):
    claim_id = draft(fund)
    seen = version_of(client, api_headers("committee1"), claim_id)
    transition(client, api_headers("member1"), claim_id, "submit", seen, declaration=True)
    before = state(app, claim_id)
    answer = transition(client, api_headers("committee1"), claim_id, "start_review", seen)
    assert answer.status_code == 409
    assert "was changed by someone else since you opened it" in answer.get_json()["message"]
    assert state(app, claim_id) == before and before[0] == "submitted"


def test_conflict_of_interest_is_refused(app, client, api_headers, fund):
    with app.app_context():
        own = factories.member(first_name="Reviewer", user_id=factories.user_id("committee2"))
        db.session.commit()
        own_id = own.id
    claim_id = draft(fund, (("submit", "committee1", {"received_on": TODAY,
                                                      "declaration": True}),), member_id=own_id)
    before = state(app, claim_id)
    answer = transition(client, api_headers("committee2"), claim_id, "start_review", before[1])
    assert answer.status_code == 403
    assert answer.get_json()["message"] == (
        "You cannot act on a claim in which you or your dependant is the member or patient.")
    assert state(app, claim_id) == before


def test_a_member_cannot_reach_another_members_claim(app, client, api_headers, fund):
    with app.app_context():
        other = factories.member(first_name="Other")
        db.session.commit()
        other_id = other.id
    claim_id = draft(fund, member_id=other_id)
    before = state(app, claim_id)
    member = api_headers("member1")
    answer = transition(client, member, claim_id, "withdraw", before[1])
    assert (answer.status_code, answer.get_json()) == (404, {"message": "No such claim."})
    working = client.get(f"/api/v1/claim/{claim_id}/adjudication", headers=member)
    assert working.status_code == 404 and working.get_json() == {"message": "Not found"}
    assert state(app, claim_id) == before


BAD_BODIES = {
    # name: (body, the field the message names)
    "unknown action": ({"action": "pay", "version": 1}, "action"),
    "no action": ({"version": 1}, "action"),
    "missing version": ({"action": "start_review"}, "version"),
    "version as text": ({"action": "start_review", "version": "1"}, "version"),
    "another action's parameter": ({"action": "start_review", "version": 1,
                                    "amount": "10.00"}, "amount"),
    "amount not money": ({"action": "override_line", "version": 1, "item_id": 1,
                          "amount": "ten", "reason": "x"}, "amount"),
    "unknown reason code": ({"action": "reject", "version": 1, "reason": "x",
                             "reason_codes": ["BECAUSE"]}, "reason_codes"),
    "received on not a date": ({"action": "submit", "version": 1, "declaration": True,
                                "received_on": "yesterday"}, "received_on"),
    "trustees' decision not a decision": ({"action": "trustee_decision", "version": 1,
                                           "decision": "maybe", "reason": "x"}, "decision"),
}


@pytest.mark.parametrize("case", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_bodies_of_the_wrong_form_answer_400_naming_the_field(app, client, api_headers, fund,
                                                              case):
    body, field = case
    claim_id = draft(fund, SUBMITTED)
    before = state(app, claim_id)
    answer = client.post(f"/api/v1/claim/{claim_id}/transition",
                         headers=api_headers("committee1"), json=body)
    assert answer.status_code == 400
    assert list(answer.get_json()["message"]) == [field]
    assert state(app, claim_id) == before


def test_not_json_and_ids_that_name_no_claim(client, api_headers, fund):
    headers = api_headers("committee1")
    answer = client.post("/api/v1/claim/1/transition", headers=headers, data="action=submit")
    assert answer.status_code == 400
    assert answer.get_json() == {
        "message": "Send the record as JSON (Content-Type: application/json)."}
    for pk in ("abc", "0", str(2**64)):
        answer = client.post(f"/api/v1/claim/{pk}/transition", headers=headers,
                             json={"action": "start_review", "version": 1})
        assert answer.status_code == 404
        assert client.get(f"/api/v1/claim/{pk}/adjudication", headers=headers).status_code == 404


def test_the_claims_officer_submits_a_paper_claim(app, client, api_headers, fund):
    claim_id = draft(fund, first_visit_date=TODAY - timedelta(days=9))
    officer = api_headers("committee1")
    version = version_of(client, officer, claim_id)
    answer = transition(client, officer, claim_id, "submit", version, declaration=True)
    assert answer.status_code == 422
    assert answer.get_json()["message"] == {
        "received_on": ["Enter the date the fund received the paper form."]}

    received = TODAY - timedelta(days=4)
    answer = transition(client, officer, claim_id, "submit", version, declaration=True,
                        received_on=received.isoformat())
    assert answer.status_code == 200
    result = answer.get_json()["result"]
    assert (result["status"], result["declaration_source"], result["received_on"]) == (
        "submitted", "paper", received.isoformat())
    with app.app_context():
        assert events(claim_id) == ["claim.submit"]


def test_every_transition_of_the_service_is_offered(app, client, api_headers):
    """A transition added to the lifecycle service needs its parameters declared for REST,
    except those only another service takes (a payment batch marks its claims paid)."""
    document = client.get("/api/v1/_openapi", headers=api_headers("admin")).get_json()
    body = document["paths"]["/api/v1/claim/{pk}/transition"]["post"]["requestBody"]
    offered = body["content"]["application/json"]["schema"]["discriminator"]["mapping"]
    assert set(offered) == {name for name, t in TRANSITIONS.items() if not t.internal}
