"""Review checklists as users meet them: Admin keeps the items, the reviewer answers them on the
claim's page, the lists show how far each claim is, and a decision waits for the mandatory
items on every path (the claim's page, the list's bulk actions, REST), saying which are open."""

from __future__ import annotations

import re
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.models import ChecklistAnswer, ChecklistItem, Claim
from tests import factories
from tests.helpers import csrf_token, submit_form
from tests.integration.test_web_lifecycle import IN_REVIEW, YEAR_AGO, claim_state, draft, press
from tests.integration.test_web_lifecycle_bulk import results, run_action
from tests.integration.web_support import text

MISSING = ("Answer the checklist&#39;s mandatory items first: Original receipts attached; "
           "Claim within 90 days of treatment.")
MISSING_TEXT = MISSING.replace("&#39;", "'")


@pytest.fixture
def fund(app: Flask) -> SimpleNamespace:
    """The claim-page tests' fund (member1, the GP consultation) with an outpatient checklist:
    two mandatory items and an optional one."""
    with app.app_context():
        factories.benefit_category("general", "250000.00")
        consult = factories.scale_item("GP_CONSULT", fee_cap=D("1800.00"))
        member = factories.member(user_id=factories.user_id("member1"),
                                  contribution_receipt_date=YEAR_AGO)
        items = [item.id for item in factories.checklist("outpatient")]
        db.session.commit()
        return SimpleNamespace(app=app, member_id=member.id, consult_id=consult.id, items=items)


def answer_on_page(client, pk: int, answers: dict[int, str], comments: dict | None = None):
    token = csrf_token(client, f"/claims/show/{pk}")
    data = {"csrf_token": token, **{f"answer_{i}": a for i, a in answers.items()},
            **{f"comment_{i}": c for i, c in (comments or {}).items()}}
    return client.post(f"/claims/checklist/{pk}", data=data, follow_redirects=True)


def test_the_reviewer_answers_on_the_claims_page_and_then_decides(fund, client_for):
    first, second = client_for("committee1"), client_for("committee2")
    pk = draft(fund, IN_REVIEW)
    receipts, ninety_days, referral = fund.items
    page = text(first.get(f"/claims/show/{pk}"))
    assert "Review checklist" in page and "0 of 3 answered (0%)" in page
    assert "2 mandatory unanswered" in page and f'name="answer_{receipts}"' in page

    page = text(press(first, pk, "recommend", page=f"/claims/show/{pk}"))
    assert MISSING in page  # the button answers with the items still open
    assert claim_state(fund.app, pk).recommended_by_id is None

    page = text(answer_on_page(first, pk, {receipts: "yes"}, {referral: "Sent by the GP"}))
    assert "Answer \u201cReferral letter attached\u201d to record a comment." in page
    page = text(answer_on_page(first, pk, {receipts: "yes", ninety_days: "no"},
                               {ninety_days: "Received on day 95"}))
    assert "saved: 2 answers" in page and "2 of 3 answered (66%)" in page
    assert "Received on day 95" in page and "Committee1 Test" in page
    assert "mandatory unanswered" not in page

    assert "is now under review" in text(press(first, pk, "recommend",
                                                page=f"/claims/show/{pk}"))
    assert "is now approved" in text(press(second, pk, "approve", page=f"/claims/show/{pk}"))
    page = text(first.get(f"/claims/show/{pk}"))
    assert f'name="answer_{receipts}"' not in page  # decided: the answers are its record
    refused = text(answer_on_page(first, pk, {referral: "yes"}))
    assert "its checklist is answered while the committee reviews it" in refused


def test_the_reject_form_says_which_items_are_open(fund, client_for):
    first = client_for("committee1")
    pk = draft(fund, IN_REVIEW)
    page = press(first, pk, "reject", {"reason": "Not covered"})
    assert MISSING in text(page) and claim_state(fund.app, pk).status == "under_review"


def test_bulk_decisions_refuse_the_claims_with_open_items(fund, client_for):
    first, second = client_for("committee1"), client_for("committee2")
    ready, open_ = draft(fund, IN_REVIEW), draft(fund, IN_REVIEW)
    answer_on_page(first, ready, {fund.items[0]: "yes", fund.items[1]: "yes"})

    page = text(run_action(first, "bulk_recommend", [ready, open_]))
    assert "1 done, 1 refused." in page
    (done, _, _), (refused, outcome, _) = results(page)
    assert outcome == "Refused" and MISSING in page
    assert refused == claim_state(fund.app, open_).claim_number

    token = csrf_token(first, "/claims/list/")
    form = "/claims/transition/bulk/reject"
    page = text(first.post(form, data={"csrf_token": token, "ids": f"{open_}",
                                       "reason": "Not covered"}))
    assert "0 done, 1 refused." in page and MISSING in page
    page = text(run_action(second, "bulk_approve", [ready]))
    assert "1 done, 0 refused." in page


def test_rest_transitions_answer_422_naming_the_open_items(fund, client, api_headers):
    first = api_headers("committee1")
    pk = draft(fund, IN_REVIEW)
    version = claim_state(fund.app, pk).version
    answer = client.post(f"/api/v1/claim/{pk}/transition", headers=first,
                         json={"action": "recommend", "version": version})
    assert answer.status_code == 422
    assert answer.get_json() == {"message": {"checklist": [MISSING_TEXT]}}
    answer = client.post("/api/v1/claim/bulk_transition", headers=first,
                         json={"action": "reject", "ids": [pk], "reason": "Not covered"})
    assert answer.get_json()["result"][0]["message"] == f"checklist: {MISSING_TEXT}"
    assert claim_state(fund.app, pk).version == version  # nothing changed


def test_answers_over_rest(fund, client, api_headers):
    first, finance, member = (api_headers(n) for n in ("committee1", "finance", "member1"))
    pk = draft(fund, IN_REVIEW)
    receipts, ninety_days, _ = fund.items
    body = {"claim": pk, "item": receipts, "answer": "yes", "comment": "Originals seen"}
    answer = client.post("/api/v1/reviewchecklist/", headers=first, json=body)
    assert answer.status_code == 201, answer.get_json()
    created = answer.get_json()
    assert created["result"]["item"]["text"] == "Original receipts attached"
    assert created["result"]["answered_by"]["id"] == factories_user("committee1", fund.app)
    again = client.post("/api/v1/reviewchecklist/", headers=first, json={**body, "answer": "no"})
    assert again.status_code == 200 and again.get_json()["id"] == created["id"]
    changed = client.put(f"/api/v1/reviewchecklist/{created['id']}", headers=first,
                         json={"comment": "Copies only"})
    assert changed.status_code == 200
    assert (changed.get_json()["result"]["answer"], changed.get_json()["result"]["comment"]) == (
        "no", "Copies only")

    assert client.post("/api/v1/reviewchecklist/", headers=first,
                       json={**body, "answer": "perhaps"}).status_code == 422
    with fund.app.app_context():
        dental = factories.checklist("dental", (("Not cosmetic", True),))[0].id
        db.session.commit()
    wrong = client.post("/api/v1/reviewchecklist/", headers=first,
                        json={"claim": pk, "item": dental, "answer": "yes"})
    assert wrong.status_code == 422
    assert wrong.get_json() == {"message": {"item": ["Choose an item of the outpatient "
                                                     "checklist."]}}
    listed = client.get(f"/api/v1/reviewchecklist/?q=(filters:!((col:claim,opr:rel_o_m,"
                        f"value:{pk})))", headers=finance)
    assert listed.status_code == 200 and listed.get_json()["count"] == 1
    assert client.post("/api/v1/reviewchecklist/", headers=finance,
                       json={**body, "item": ninety_days}).status_code == 403
    # Members never see checklists, their own claims' included.
    assert client.get("/api/v1/reviewchecklist/", headers=member).status_code == 403
    assert client.get(f"/api/v1/reviewchecklist/{created['id']}",
                      headers=member).status_code == 403
    assert client.delete(f"/api/v1/reviewchecklist/{created['id']}",
                         headers=first).status_code in (404, 405)


def factories_user(username: str, app: Flask) -> int:
    with app.app_context():
        return factories.user_id(username)


def test_members_never_see_the_checklist(fund, client_for):
    first, member = client_for("committee1"), client_for("member1")
    pk = draft(fund, IN_REVIEW)
    answer_on_page(first, pk, {fund.items[0]: "yes"})
    page = text(member.get(f"/claims/show/{pk}"))
    assert claim_state(fund.app, pk).claim_number in page
    assert "Review checklist" not in page and "Original receipts attached" not in page
    listing = text(member.get("/claims/list/"))
    assert claim_state(fund.app, pk).claim_number in listing and "Checklist" not in listing
    assert "33%" not in listing
    assert member.post(f"/claims/checklist/{pk}", data={
        "csrf_token": csrf_token(member, "/claims/list/")}).status_code == 403


def test_the_claims_list_shows_completion_in_one_query(fund, client_for, app):
    first = client_for("committee1")
    reviewed = [draft(fund, IN_REVIEW) for _ in range(3)]
    answer_on_page(first, reviewed[0], {fund.items[0]: "yes"})
    answer_on_page(first, reviewed[1], dict.fromkeys(fund.items, "not_applicable"))
    listing = text(first.get("/claims/list/"))
    assert "<th>" in listing and "Checklist" in listing
    cells = re.findall(r"<td>\s*(\d+%)\s*</td>", listing)
    assert sorted(cells) == ["0%", "100%", "33%"]

    def queries_for_list() -> int:
        seen: list[str] = []

        def count(conn, cursor, statement, *args):
            if "checklist" in statement:
                seen.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert first.get("/claims/list/").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    with app.app_context():
        few = queries_for_list()
    for _ in range(5):
        draft(fund, IN_REVIEW)
    with app.app_context():
        assert queries_for_list() == few == 1  # one for the page, however many rows


def test_admin_keeps_the_checklists_and_others_read_them(app, fund, client_for, client,
                                                         api_headers):
    admin, committee = client_for("admin"), client_for("committee1")
    response = submit_form(admin, "/checklist-items/add", {
        "claim_type": "inpatient", "text": "Discharge summary attached", "mandatory": "y",
        "position": "10", "active": "y"})
    assert response.status_code == 302
    page = text(submit_form(admin, "/checklist-items/add", {
        "claim_type": "inpatient", "text": " ", "position": "-5", "active": "y"}))
    assert "Write the question the reviewer answers." in page
    listing = text(committee.get("/checklist-items/list/"))
    assert "Discharge summary attached" in listing
    assert committee.get("/checklist-items/add").status_code == 403
    admin_api, committee_api = api_headers("admin"), api_headers("committee1")
    created = client.post("/api/v1/checklistitem/", headers=admin_api, json={
        "claim_type": "inpatient", "text": "SHIF rebate deducted", "mandatory": True,
        "position": 20})
    assert created.status_code == 201
    assert client.post("/api/v1/checklistitem/", headers=committee_api, json={
        "claim_type": "inpatient", "text": "x"}).status_code == 403
    # An answered item is retired, never deleted: its answers keep their question.
    pk = draft(fund, IN_REVIEW)
    answer_on_page(committee, pk, {fund.items[0]: "yes"})
    refused = client.delete(f"/api/v1/checklistitem/{fund.items[0]}", headers=admin_api)
    assert refused.status_code == 409 and "1 answer refer to it" in refused.get_json()["message"]
    retired = client.put(f"/api/v1/checklistitem/{fund.items[1]}", headers=admin_api,
                         json={"active": False})
    assert retired.status_code == 200
    with app.app_context():
        assert db.session.get(ChecklistItem, fund.items[1]).active is False
        assert db.session.scalar(sa.select(sa.func.count(ChecklistAnswer.id))) == 1
    page = text(committee.get(f"/claims/show/{pk}"))
    assert "1 of 2 answered (50%)" in page  # the retired item no longer counts
    assert client.delete(f"/api/v1/checklistitem/{created.get_json()['id']}",
                         headers=admin_api).status_code == 200
    with app.app_context():
        assert db.session.get(Claim, pk).status == "under_review"
