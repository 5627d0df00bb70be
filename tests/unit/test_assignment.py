"""Assignment (SPEC "SLA and assignment"): the rule as a pure choice, then through submission,
start of review, reassignment and a first appeal, with capacities, amount ranges, conflicts and
nobody free."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Claim, Notification
from app.services.assignment import pick_reviewer
from app.services.errors import Forbidden, ValidationFailed
from app.services.lifecycle import perform
from app.services.reviewers import Reviewer
from app.services.settings import set_setting
from tests import factories
from tests.workload_support import (
    add_reviewer,
    draft,
    new_member,
    settings_for,
    submitted,
    user,
)


def reviewer(user_id: int, open_claims: int = 0, capacity: int = 25, active: bool = True,
             low: str | None = None, high: str | None = None) -> Reviewer:
    return Reviewer(user_id, f"r{user_id}", f"Reviewer {user_id}", active, open_claims, capacity,
                    Decimal(low) if low else None, Decimal(high) if high else None)


def test_the_rule_takes_the_fewest_open_then_the_lowest_id():
    candidates = [reviewer(7, 3), reviewer(4, 2), reviewer(9, 2)]
    assert pick_reviewer(candidates, Decimal("100")).user_id == 4
    assert pick_reviewer(reversed(candidates), Decimal("100")).user_id == 4  # order never matters


def test_the_rule_skips_the_inactive_the_full_the_excluded_and_those_whose_range_refuses():
    amount = Decimal("5000.00")
    assert pick_reviewer([reviewer(1, active=False), reviewer(2, 9)], amount).user_id == 2
    assert pick_reviewer([reviewer(1, 25, capacity=25), reviewer(2, 9)], amount).user_id == 2
    assert pick_reviewer([reviewer(1), reviewer(2, 9)], amount, {1}).user_id == 2
    assert pick_reviewer([reviewer(1, high="4999.99"), reviewer(2, 9)], amount).user_id == 2
    assert pick_reviewer([reviewer(1, low="5000.01"), reviewer(2, 9)], amount).user_id == 2
    assert pick_reviewer([reviewer(1, low="5000", high="5000")], amount).user_id == 1
    assert pick_reviewer([reviewer(1, capacity=0), reviewer(2, active=False)], amount) is None


def assigned(claim_id: int) -> str | None:
    claim = db.session.get(Claim, claim_id)
    db.session.refresh(claim)
    return claim.assigned_reviewer.username if claim.assigned_reviewer else None


def test_submission_spreads_claims_over_the_reviewers_fewest_open_first(ctx):
    first, second, third = (submitted() for _ in range(3))
    # Both start empty: the lower id first, then the one with fewer open claims.
    assert [assigned(first), assigned(second), assigned(third)] == [
        "committee1", "committee2", "committee1"]
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "claim.submit", AuditEvent.resource_id == str(second))).one()
    assert json.loads(event.details)["reviewer"] == "committee2"


def test_a_reviewer_is_never_given_a_claim_of_his_own_household(ctx):
    own = new_member(user_id=user("committee1").id)
    claim_id = submitted(own)  # committee1 has no claims open, yet it goes to committee2
    assert assigned(claim_id) == "committee2"
    assert assigned(submitted()) == "committee1"


def test_capacity_and_amount_range_come_from_the_reviewers_settings(ctx):
    settings_for("committee1", capacity=1)
    settings_for("committee2", min_amount=Decimal("2000.00"))
    assert assigned(submitted()) == "committee1"  # committee2 takes only 2,000.00 and more
    assert assigned(submitted(unit_cost="2500.00")) == "committee2"
    assert assigned(submitted(unit_cost="2500.00")) == "committee2"  # committee1 is full


def test_the_funds_capacity_applies_to_reviewers_without_settings(ctx):
    set_setting("reviewer_capacity", 1)
    db.session.commit()
    assert {assigned(submitted()) for _ in range(2)} == {"committee1", "committee2"}
    claim_id = submitted()
    assert assigned(claim_id) is None


def test_nobody_free_leaves_the_claim_unassigned_flagged_and_tells_the_committee(ctx):
    settings_for("committee1", active=False)
    settings_for("committee2", capacity=0)
    claim_id = submitted()
    claim = db.session.get(Claim, claim_id)
    assert claim.assigned_reviewer_id is None and claim.assignment_flagged
    note = db.session.scalars(sa.select(Notification)).one()
    assert (note.recipient_role, note.kind, note.claim_id) == (
        "Committee", "assignment_flagged", claim_id)
    assert claim.claim_number in note.message
    # Whoever starts the review takes it, and the flag is cleared.
    perform(claim_id, "start_review", user("committee1"))
    claim = db.session.get(Claim, claim_id)
    assert assigned(claim_id) == "committee1" and not claim.assignment_flagged


def test_starting_a_review_keeps_the_assigned_reviewer(ctx):
    claim_id = submitted()
    assert assigned(claim_id) == "committee1"
    perform(claim_id, "start_review", user("committee2"))
    assert assigned(claim_id) == "committee1"


def test_reassign_moves_the_claim_and_tells_the_new_reviewer(ctx):
    claim_id = submitted()
    perform(claim_id, "reassign", user("admin"), reviewer_id=user("committee2").id,
            reason="committee1 is on leave")
    assert assigned(claim_id) == "committee2"
    note = db.session.scalars(sa.select(Notification)).one()
    assert note.recipient_user_id == user("committee2").id and note.kind == "claim_reassigned"
    assert "committee1 is on leave" in note.message
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "claim.reassign")).one()
    details = json.loads(event.details)
    assert details == {"from": "submitted", "to": "submitted", "reviewer": "committee2",
                       "previous_reviewer": "committee1", "reason": "committee1 is on leave"}


@pytest.mark.parametrize("case", ["inactive", "full", "conflict", "same", "not a reviewer"])
def test_reassign_refuses_a_reviewer_who_may_not_take_the_claim(ctx, case):
    claim_id = submitted()  # to committee1
    target = "committee2"
    if case == "inactive":
        settings_for("committee2", active=False)
        expected = "inactive"
    elif case == "full":
        settings_for("committee2", capacity=1)
        submitted()  # committee2's one slot
        expected = "his capacity of 1"
    elif case == "conflict":
        claim = db.session.get(Claim, claim_id)
        claim.member.user_id = user("committee2").id
        db.session.commit()
        expected = "he or his dependant is its member or patient"
    elif case == "same":
        target, expected = "committee1", "assigned to Committee1 Test already"
    else:
        target, expected = "finance", "Choose an active committee member"
    before = db.session.get(Claim, claim_id).version
    with pytest.raises(ValidationFailed) as refused:
        perform(claim_id, "reassign", user("admin"), reviewer_id=user(target).id)
    assert expected in refused.value.errors["reviewer_id"]
    db.session.rollback()
    assert db.session.get(Claim, claim_id).version == before


def test_reassign_is_the_officers_and_never_on_a_decided_claim(ctx):
    member_login = user("member1")
    claim_id = draft(new_member(user_id=member_login.id))
    perform(claim_id, "submit", member_login, declaration=True)
    with pytest.raises(Forbidden):
        perform(claim_id, "reassign", member_login, reviewer_id=user("committee2").id)
    perform(claim_id, "start_review", user("committee1"))
    perform(claim_id, "reject", user("committee1"), reason="Not covered")
    from app.services.errors import Conflict

    with pytest.raises(Conflict):
        perform(claim_id, "reassign", user("admin"), reviewer_id=user("committee2").id)


def decided_by_both(member_login) -> int:
    claim_id = draft(new_member(user_id=member_login.id))
    perform(claim_id, "submit", member_login, declaration=True)
    perform(claim_id, "start_review", user("committee1"))
    perform(claim_id, "override_line", user("committee1"),
            item_id=db.session.get(Claim, claim_id).items[0].id, amount="100.00",
            reason="Half of it was not referred")
    perform(claim_id, "recommend", user("committee1"))
    perform(claim_id, "approve", user("committee2"))
    assert db.session.get(Claim, claim_id).status == "partially_approved"
    return claim_id


def test_a_first_appeal_goes_to_a_reviewer_who_neither_recommended_nor_decided(ctx):
    add_reviewer("committee3")
    member_login = user("member1")
    claim_id = decided_by_both(member_login)
    perform(claim_id, "appeal", member_login, reason="The referral letter is attached.")
    claim = db.session.get(Claim, claim_id)
    assert claim.status == "appealed" and assigned(claim_id) == "committee3"
    assert claim.sla_status == "on_track" and claim.payment_due_at is None


def test_a_first_appeal_with_nobody_else_free_is_flagged(ctx):
    member_login = user("member1")
    claim_id = decided_by_both(member_login)
    perform(claim_id, "appeal", member_login, reason="The referral letter is attached.")
    claim = db.session.get(Claim, claim_id)
    assert claim.assigned_reviewer_id is None and claim.assignment_flagged
    # Neither signatory may take it into review, nor be given it.
    with pytest.raises(Forbidden):
        perform(claim_id, "start_review", user("committee1"))
    with pytest.raises(ValidationFailed) as refused:
        perform(claim_id, "reassign", user("admin"), reviewer_id=user("committee2").id)
    assert "did not recommend or decide" in refused.value.errors["reviewer_id"]


def test_a_second_appeal_goes_to_the_trustees_and_keeps_no_clock(ctx):
    add_reviewer("committee3")
    member_login = user("member1")
    claim_id = decided_by_both(member_login)
    perform(claim_id, "appeal", member_login, reason="The referral letter is attached.")
    perform(claim_id, "start_review", user("committee3"))
    perform(claim_id, "reject", user("committee3"), reason="The letter post-dates it.")
    perform(claim_id, "appeal", member_login, reason="I ask the trustees to review it.")
    claim = db.session.get(Claim, claim_id)
    assert claim.status == "trustee_review" and claim.sla_status is None
    assert factories.user_id("committee3") == claim.assigned_reviewer_id
