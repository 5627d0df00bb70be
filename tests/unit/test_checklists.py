"""Review checklists through their service and the lifecycle's decision gate: what a reviewer's
answers record, when a decision waits for them, and what a bulk run reads to know."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import AuditEvent, ChecklistAnswer, Claim, ClaimItem
from app.services import checklists
from app.services.checklists import AnswerInput, record_answers, require_complete_checklist
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.services.lifecycle import perform, perform_bulk
from tests import factories


def user(name: str):
    return current_app.appbuilder.sm.find_user(username=name)


@pytest.fixture
def fund(ctx):
    factories.benefit_category("general", "250000.00")
    consult = factories.scale_item("GP_CONSULT", fee_cap=D("1800.00"))
    member = factories.member(user_id=factories.user_id("member1"),
                              contribution_receipt_date=date.today() - timedelta(days=400))
    items = factories.checklist("outpatient")
    factories.checklist("dental", (("Treatment is not cosmetic", True),))
    db.session.commit()
    return {"consult": consult, "member": member, "items": [i.id for i in items]}


def in_review(fund, claim_type: str = "outpatient") -> Claim:
    claim = factories.claim(of=fund["member"], items=0, claim_type=claim_type)
    claim.items.append(ClaimItem(description="GP consultation", quantity=1,
                                 unit_cost=D("2000.00"), receipt_number=f"R-{claim.id}",
                                 scale_item=fund["consult"]))
    db.session.commit()
    perform(claim.id, "submit", user("member1"), declaration=True)
    return perform(claim.id, "start_review", user("committee1"))


def answer(claim: Claim, item_ids, value: str = "yes", by: str = "committee1"):
    return record_answers(db.session, claim.id, {i: AnswerInput(value) for i in item_ids},
                          user(by))


def test_a_decision_waits_for_every_mandatory_item(fund):
    receipts, ninety_days, referral = fund["items"]
    claim = in_review(fund)
    with pytest.raises(ValidationFailed) as refused:
        perform(claim.id, "recommend", user("committee1"))
    assert refused.value.errors == {"checklist": "Answer the checklist's mandatory items first: "
                                                 "Original receipts attached; Claim within 90 "
                                                 "days of treatment."}
    assert db.session.get(Claim, claim.id).recommended_by_id is None  # nothing changed

    answer(claim, [receipts])
    with pytest.raises(ValidationFailed, match="Claim within 90 days") as refused:
        perform(claim.id, "reject", user("committee1"), reason="Late")
    assert "Original receipts" not in refused.value.message
    answer(claim, [ninety_days], "no")  # "no" is an answer: the committee weighs it
    perform(claim.id, "recommend", user("committee1"))  # the optional referral may stay open
    assert perform(claim.id, "approve", user("committee2")).status == "approved"


def test_approval_and_the_trustees_check_again(fund):
    receipts, ninety_days, _ = fund["items"]
    claim = in_review(fund)
    answer(claim, [receipts, ninety_days])
    perform(claim.id, "recommend", user("committee1"))
    new_item = factories.checklist("outpatient", (("Discharge note read", True),))[0]
    db.session.commit()
    with pytest.raises(ValidationFailed, match="Discharge note read"):
        perform(claim.id, "approve", user("committee2"))
    answer(claim, [new_item.id])
    perform(claim.id, "approve", user("committee2"))
    claim = db.session.get(Claim, claim.id)
    claim.status, claim.appeal_count = "trustee_review", 2
    new_item.active = False
    another = factories.checklist("outpatient", (("Trustees' file complete", True),))[0]
    db.session.commit()
    with pytest.raises(ValidationFailed, match="Trustees' file complete"):
        perform(claim.id, "trustee_decision", user("admin"), decision="approved", reason="Fair")
    with pytest.raises(ValidationFailed, match="Trustees' file complete"):
        perform(claim.id, "trustee_decision", user("admin"), decision="rejected", reason="No")
    answer(claim, [another.id], by="admin")
    assert perform(claim.id, "trustee_decision", user("admin"), decision="approved",
                   reason="Fair").status == "approved"


def test_a_claim_type_without_a_checklist_needs_nothing(fund):
    claim = factories.claim(of=fund["member"], claim_type="optical")
    db.session.commit()
    require_complete_checklist(db.session, claim)  # no items for optical
    assert checklists.completion_percent(db.session, claim) is None
    for item in factories.checklist("optical", (("Prescription attached", True),)):
        item.active = False  # retired items ask nothing either
    db.session.commit()
    require_complete_checklist(db.session, claim)


def test_answers_record_who_and_when_and_an_unchanged_answer_keeps_them(fund):
    receipts, ninety_days, _ = fund["items"]
    claim = in_review(fund)
    (first, created), = answer(claim, [receipts])
    assert created and first.answered_by_id == factories.user_id("committee1")
    answered_at = first.answered_at
    (same, created), = answer(claim, [receipts], by="committee2")
    assert not created and same.id == first.id
    assert (same.answered_by_id, same.answered_at) == (factories.user_id("committee1"),
                                                       answered_at)
    (changed, _), = record_answers(db.session, claim.id,
                                   {receipts: AnswerInput("no", " Copies only ")},
                                   user("committee2"))
    assert (changed.answer, changed.comment) == ("no", "Copies only")
    assert changed.answered_by_id == factories.user_id("committee2")
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "reviewchecklist.answer").order_by(AuditEvent.id)).all()
    assert len(events) == 2  # the unchanged answer wrote none
    assert '"Original receipts attached": "no"' in events[-1].details
    answer(claim, [ninety_days])
    assert checklists.completion_percent(db.session, claim) == 66  # 2 of 3, rounded down


def test_answers_are_refused_with_a_reason(fund):
    receipts = fund["items"][0]
    claim = in_review(fund)
    dental_item = checklists.items_for(db.session, "dental")[0].id
    with pytest.raises(ValidationFailed) as refused:
        answer(claim, [dental_item])
    assert refused.value.errors == {"item": "Choose an item of the outpatient checklist."}
    with pytest.raises(ValidationFailed, match="yes, no or not applicable"):
        answer(claim, [receipts], "maybe")
    with pytest.raises(Forbidden, match="Only the committee"):
        answer(claim, [receipts], by="finance")
    with pytest.raises(NotFound):  # another member's claim does not exist for member1
        answer(claim, [receipts], by="member2")
    fund["member"].user_id = factories.user_id("committee2")  # the reviewer's own claim
    db.session.commit()
    with pytest.raises(Forbidden, match="you or your dependant"):
        answer(claim, [receipts], by="committee2")
    draft = factories.claim(of=fund["member"])
    db.session.commit()
    with pytest.raises(Conflict, match="is draft: its checklist is answered while the committee"):
        answer(draft, [receipts])
    assert db.session.scalar(sa.select(sa.func.count(ChecklistAnswer.id))) == 0


def test_a_bulk_run_reads_the_answers_once_and_still_sees_new_ones(fund):
    receipts, ninety_days, _ = fund["items"]
    claims = [in_review(fund) for _ in range(4)]
    for claim in claims[:3]:
        answer(claim, [receipts, ninety_days])
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if "checklist_answer" in statement:
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        outcomes = perform_bulk([c.id for c in claims], "recommend", user("committee1"))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert [o.ok for o in outcomes] == [True, True, True, False]
    assert "Original receipts attached" in outcomes[3].message
    # One read for the run, one more for the claim the run found unanswered: none per claim.
    assert len(statements) == 2

    with checklists.checklist_snapshot([claims[3].id]):
        assert checklists.unanswered_mandatory(db.session, claims[3])  # read at the start
        answer(claims[3], [receipts, ninety_days], by="committee2")
        assert checklists.unanswered_mandatory(db.session, claims[3]) == []


def test_the_claims_list_reads_the_completion_of_a_page_at_once(fund):
    receipts = fund["items"][0]
    claims = [in_review(fund) for _ in range(2)]
    answer(claims[0], [receipts])
    optical = factories.claim(of=fund["member"], claim_type="optical")
    db.session.commit()
    page = db.session.scalars(sa.select(Claim).order_by(Claim.id)).all()
    checklists.keep_completion_percents(db.session, page)
    assert [c.checklist_percent for c in page] == [33, 0, None]
    db.session.expunge_all()  # without the page's reading, each claim reads its own
    assert db.session.get(Claim, claims[0].id).checklist_percent == 33
    assert db.session.get(Claim, optical.id).checklist_percent is None


def test_checklist_items_have_rules(fund):
    from app.models import ChecklistItem

    assert checklists.checklist_item_errors(
        ChecklistItem(claim_type="outpatient", text="  ", position=-1)) == {
        "text": "Write the question the reviewer answers.",
        "position": "Enter a position from 0 to 10000."}
    assert checklists.checklist_item_errors(
        ChecklistItem(claim_type="outpatient", text="Receipts", position=3)) == {}
