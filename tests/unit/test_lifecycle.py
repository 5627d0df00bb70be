"""The claim lifecycle through the service that every interface calls."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from flask import current_app

from app.extensions import db
from app.models import AuditEvent, Claim
from app.services.errors import Conflict, Forbidden, ValidationFailed
from app.services.lifecycle import perform, perform_bulk
from tests import factories
from tests.audit_support import workflow_events


def user(name: str):
    return current_app.appbuilder.sm.find_user(username=name)


@pytest.fixture
def fund(ctx):
    for key, limit in (("general", "250000.00"), ("dental", "50000.00")):
        factories.benefit_category(key, limit)
    consult = factories.scale_item("GP_CONSULT", fee_cap=D("1800.00"))
    member = factories.member(user_id=factories.user_id("member1"),
                              contribution_receipt_date=date.today() - timedelta(days=400))
    db.session.commit()
    return {"consult": consult, "member": member}


def draft(fund, unit_cost="2000.00", **kw) -> Claim:
    claim = factories.claim(of=fund["member"], items=0, **kw)
    from app.models import ClaimItem

    claim.items.append(ClaimItem(description="GP consultation", quantity=1,
                                 unit_cost=D(unit_cost), receipt_number=f"R-{claim.id}",
                                 scale_item=fund["consult"]))
    db.session.commit()
    return claim


def events(claim_id: int) -> list[str]:
    return [e.action for e in db.session.query(AuditEvent).filter_by(
        resource_type="claim", resource_id=str(claim_id)).filter(workflow_events())
        .order_by(AuditEvent.id)]


def decide(claim: Claim, first="committee1", second="committee2") -> Claim:
    perform(claim.id, "start_review", user(first))
    perform(claim.id, "recommend", user(first))
    return perform(claim.id, "approve", user(second))


def test_member_submits_and_two_committee_members_approve(fund):
    claim = draft(fund)
    claim = perform(claim.id, "submit", user("member1"), claim.version, declaration=True)
    assert claim.status == "submitted" and claim.declaration_source == "online"
    assert claim.recommended_outcome == "approved" and claim.total_eligible == D("1600.00")
    claim = decide(claim)
    assert claim.status == "approved" and claim.total_approved == D("1600.00")
    assert claim.awaiting_ratification is True  # threshold 0: every decision is ratified
    assert events(claim.id) == ["claim.submit", "claim.start_review", "claim.recommend",
                                "claim.approve"]
    last = db.session.query(AuditEvent).order_by(AuditEvent.id.desc()).first()
    details = json.loads(last.details)
    assert (details["from"], details["to"], details["approved"]) == (
        "under_review", "approved", "1600.00")


def test_submission_needs_the_declaration_and_receipts(fund):
    claim = draft(fund)
    with pytest.raises(ValidationFailed) as refused:
        perform(claim.id, "submit", user("member1"))
    assert "declaration" in refused.value.errors
    claim.items[0].receipt_number = None
    db.session.commit()
    with pytest.raises(ValidationFailed) as refused:
        perform(claim.id, "submit", user("member1"), declaration=True)
    assert "receipt number" in refused.value.errors["items"]
    assert db.session.get(Claim, claim.id).status == "draft" and events(claim.id) == []


def test_paper_claim_takes_the_date_the_form_was_received(fund):
    received = date.today() - timedelta(days=3)
    claim = draft(fund, first_visit_date=date.today() - timedelta(days=5))
    claim = perform(claim.id, "submit", user("committee1"), received_on=received,
                    declaration=True)
    assert claim.declaration_source == "paper" and claim.received_on == received
    assert claim.submitted_at.date() == received


def test_late_paper_claim_is_recommended_for_rejection(fund):
    claim = draft(fund, first_visit_date=date.today() - timedelta(days=200))
    claim = perform(claim.id, "submit", user("committee1"),
                    received_on=date.today() - timedelta(days=50), declaration=True)
    assert claim.recommended_outcome == "rejected" and claim.reason_codes == "LATE_SUBMISSION"


def test_the_same_person_cannot_sign_twice(fund):
    claim = draft(fund)
    perform(claim.id, "submit", user("member1"), declaration=True)
    perform(claim.id, "start_review", user("committee1"))
    perform(claim.id, "recommend", user("committee1"))
    with pytest.raises(Forbidden, match="different committee member"):
        perform(claim.id, "approve", user("committee1"))
    assert db.session.get(Claim, claim.id).status == "under_review"


def test_conflict_of_interest_is_refused(fund):
    own = factories.member(user_id=factories.user_id("committee2"))
    claim = factories.claim(of=own)
    db.session.commit()
    perform(claim.id, "submit", user("committee1"), received_on=date.today(), declaration=True)
    with pytest.raises(Forbidden, match="you or your dependant"):
        perform(claim.id, "start_review", user("committee2"))


def test_wrong_role_wrong_state_and_stale_version(fund):
    claim = draft(fund)
    with pytest.raises(Forbidden):
        perform(claim.id, "start_review", user("finance"))
    with pytest.raises(Conflict, match="is draft"):
        perform(claim.id, "start_review", user("committee1"))
    stale = claim.version
    perform(claim.id, "submit", user("member1"), declaration=True)
    with pytest.raises(Conflict, match="changed by someone else"):
        perform(claim.id, "start_review", user("committee1"), stale)


def test_rejection_needs_a_reason_and_records_codes(fund):
    claim = draft(fund)
    perform(claim.id, "submit", user("member1"), declaration=True)
    perform(claim.id, "start_review", user("committee1"))
    with pytest.raises(ValidationFailed):
        perform(claim.id, "reject", user("committee1"), reason=" ")
    claim = perform(claim.id, "reject", user("committee1"), reason="Not medically necessary",
                    reason_codes=["EXCLUDED"])
    assert claim.status == "rejected" and claim.total_approved == 0
    assert "EXCLUDED" in claim.reason_codes


def test_override_is_limited_and_clears_the_first_signature(fund):
    claim = draft(fund)
    perform(claim.id, "submit", user("member1"), declaration=True)
    perform(claim.id, "start_review", user("committee1"))
    perform(claim.id, "recommend", user("committee1"))
    item_id = claim.items[0].id
    claim = perform(claim.id, "override_line", user("committee1"), item_id=item_id,
                    amount="1900.00", reason="Specialist rate agreed")
    assert claim.items[0].approved_amount == D("1900.00")
    assert "DISCRETION" in claim.items[0].reason_codes and claim.recommended_by_id is None


def test_two_appeals_then_the_trustees_decide(fund):
    claim = draft(fund)
    perform(claim.id, "submit", user("member1"), declaration=True)
    perform(claim.id, "start_review", user("committee1"))
    perform(claim.id, "reject", user("committee1"), reason="No referral")
    claim = perform(claim.id, "appeal", user("member1"), reason="I was referred")
    assert claim.status == "appealed"
    with pytest.raises(Forbidden, match="did not decide"):
        perform(claim.id, "start_review", user("committee1"))
    perform(claim.id, "start_review", user("committee2"))
    perform(claim.id, "reject", user("committee2"), reason="Referral letter not valid")
    claim = perform(claim.id, "appeal", user("member1"), reason="To the trustees")
    assert claim.status == "trustee_review"
    with pytest.raises(Forbidden):
        perform(claim.id, "trustee_decision", user("committee1"), decision="approved",
                reason="x")
    claim = perform(claim.id, "trustee_decision", user("admin"), decision="approved",
                    reason="Trustees' meeting of 3 March")
    assert claim.status == "approved" and claim.total_approved == D("1600.00")
    with pytest.raises(Conflict):
        perform(claim.id, "appeal", user("member1"), reason="again")


def test_member_cannot_touch_another_members_claim(fund):
    other = factories.claim()
    db.session.commit()
    from app.services.errors import NotFound

    with pytest.raises(NotFound):
        perform(other.id, "withdraw", user("member1"))


def test_bulk_runs_each_claim_on_its_own(fund):
    good = [draft(fund) for _ in range(2)]
    for claim in good:
        perform(claim.id, "submit", user("member1"), declaration=True)
    bad = draft(fund)  # still a draft: cannot be taken into review
    outcomes = perform_bulk([good[0].id, bad.id, good[1].id], "start_review", user("committee1"))
    assert [o.ok for o in outcomes] == [True, False, True]
    assert "is draft" in outcomes[1].message
    assert {db.session.get(Claim, c.id).status for c in good} == {"under_review"}
