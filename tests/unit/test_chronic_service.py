"""Decisions on chronic requests through the service every interface calls, and what they do to
a chronic claim's check (NO_CHRONIC_APPROVAL)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from flask import current_app

from app.extensions import db
from app.models import AuditEvent, ChronicRequest, Claim, ClaimItem
from app.services import chronic
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.services.lifecycle import perform as claim_step
from tests import factories
from tests.audit_support import workflow_events

TODAY = date.today()
VALIDITY = {"valid_from": TODAY - timedelta(days=60), "valid_to": TODAY + timedelta(days=300)}


def user(name: str):
    return current_app.appbuilder.sm.find_user(username=name)


@pytest.fixture
def member(ctx):
    factories.benefit_category("chronic", None)
    member = factories.member(user_id=factories.user_id("member1"),
                              contribution_receipt_date=TODAY - timedelta(days=400))
    db.session.commit()
    return member


def pending(member, **kw) -> ChronicRequest:
    request = factories.chronic_request(member, **kw)
    db.session.commit()
    return request


def stored(request_id: int) -> ChronicRequest:
    db.session.expire_all()
    return db.session.get(ChronicRequest, request_id)


def events(request_id: int) -> list[dict]:
    rows = db.session.query(AuditEvent).filter_by(resource_type="chronicrequest",
                                                  resource_id=str(request_id)
                                                  ).filter(workflow_events())
    return [{"action": e.action, **json.loads(e.details)} for e in rows.order_by(AuditEvent.id)]


def test_approve_records_the_amount_validity_and_decider(member):
    request = pending(member)
    done = chronic.perform(request.id, "approve", user("committee1"), request.version,
                           amount="4500.50", **VALIDITY)
    assert (done.status, done.approved_monthly_amount) == ("approved", D("4500.50"))
    assert (done.valid_from, done.valid_to) == (VALIDITY["valid_from"], VALIDITY["valid_to"])
    assert done.decided_by_id == user("committee1").id and done.decided_at is not None
    (event,) = events(request.id)
    assert event["action"] == "chronicrequest.approve"
    assert (event["from"], event["to"], event["approved_monthly_amount"]) == (
        "pending", "approved", "4500.50")


def test_bulk_approval_takes_the_requested_amount(member):
    request = pending(member, requested_monthly_amount="3200.00")
    (outcome,) = chronic.perform_bulk([request.id], "approve", user("committee1"), **VALIDITY)
    assert outcome.ok and outcome.status == "approved"
    assert stored(request.id).approved_monthly_amount == D("3200.00")


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"amount": "0", **VALIDITY}, "amount", "must be above 0"),
    ({"amount": "-5", **VALIDITY}, "amount", "cannot be negative"),
    ({"amount": "10.505", **VALIDITY}, "amount", "at most 2 decimal places"),
    ({"amount": "lots", **VALIDITY}, "amount", "such as 1500.00"),
    ({"amount": "100"}, "valid_from", "first day"),
    ({"amount": "100", "valid_from": TODAY, "valid_to": TODAY - timedelta(days=1)},
     "valid_to", "cannot be before its start"),
])
def test_approval_with_bad_terms_is_refused_and_changes_nothing(member, params, field, message):
    request = pending(member)
    with pytest.raises(ValidationFailed) as refused:
        chronic.perform(request.id, "approve", user("committee1"), **params)
    assert message in refused.value.errors[field]
    assert stored(request.id).status == "pending" and events(request.id) == []


def test_reject_needs_a_reason(member):
    request = pending(member)
    with pytest.raises(ValidationFailed) as refused:
        chronic.perform(request.id, "reject", user("committee1"), reason="  ")
    assert refused.value.errors == {"reason": "Write a reason."}
    done = chronic.perform(request.id, "reject", user("admin"), reason="No specialist report")
    assert (done.status, done.decision_reason) == ("rejected", "No specialist report")


def test_who_may_decide(member):
    request = pending(member)
    for name in ("member1", "finance", "auditor"):
        with pytest.raises(Forbidden):
            chronic.perform(request.id, "approve", user(name), amount="100", **VALIDITY)
    # A committee member who is this member (or his family) decides nothing about it.
    own = pending(factories.member(user_id=factories.user_id("committee2")))
    with pytest.raises(Forbidden, match="your own"):
        chronic.perform(own.id, "reject", user("committee2"), reason="x")
    assert stored(request.id).status == stored(own.id).status == "pending"


def test_state_version_and_visibility(member):
    request = pending(member)
    with pytest.raises(Conflict, match="changed by someone else"):
        chronic.perform(request.id, "reject", user("committee1"), request.version + 1,
                        reason="x")
    chronic.perform(request.id, "reject", user("committee1"), reason="x")
    with pytest.raises(Conflict, match="is rejected: it cannot be approved now"):
        chronic.perform(request.id, "approve", user("committee1"), amount="1", **VALIDITY)
    other = pending(factories.member(user_id=factories.user_id("member2")))
    with pytest.raises(NotFound):
        chronic.perform(other.id, "approve", user("member1"), amount="1", **VALIDITY)


def test_only_pending_requests_change_by_plain_edits(member):
    request = pending(member)
    assert chronic.change_refusal(request, "edit") is None
    chronic.perform(request.id, "reject", user("committee1"), reason="x")
    assert "only a pending request" in chronic.change_refusal(stored(request.id), "edit")
    assert chronic.change_refusal(stored(request.id), "delete")


def test_expiry_is_idempotent(member):
    lapsed = pending(member)
    current = pending(member)
    chronic.perform(lapsed.id, "approve", user("committee1"), amount="100",
                    valid_from=TODAY - timedelta(days=90), valid_to=TODAY - timedelta(days=1))
    chronic.perform(current.id, "approve", user("committee1"), amount="100", **VALIDITY)
    assert [r.id for r in chronic.expire_lapsed()] == [lapsed.id]
    assert chronic.expire_lapsed() == []
    assert (stored(lapsed.id).status, stored(current.id).status) == ("expired", "approved")
    assert [e["action"] for e in events(lapsed.id)][-1] == "chronicrequest.expire"


def chronic_claim_recommendation(member, request: ChronicRequest) -> list[str]:
    medicine = factories.scale_item("CHRONIC_MEDS", claim_types="chronic",
                                    rate_percent=D("40"), fee_cap=None,
                                    benefit_category=factories.benefit_category("chronic", None))
    claim = factories.claim(of=member, items=0, claim_type="chronic", chronic_request=request,
                            first_visit_date=TODAY - timedelta(days=5))
    claim.items.append(ClaimItem(description="Metformin", quantity=1, unit_cost=D("3000.00"),
                                 receipt_number=f"R-{claim.id}", scale_item=medicine))
    db.session.commit()
    claim_step(claim.id, "submit", user("member1"), declaration=True)
    return (db.session.get(Claim, claim.id).reason_codes or "").split(",")


@pytest.mark.parametrize(("decision", "blocked"), [
    ("approved", False), ("rejected", True), ("expired", True), ("pending", True),
])
def test_the_chronic_claim_check_follows_the_decision(member, decision, blocked):
    request = pending(member)
    if decision in ("approved", "expired"):
        chronic.perform(request.id, "approve", user("committee1"), amount="2000", **VALIDITY)
    if decision == "rejected":
        chronic.perform(request.id, "reject", user("committee1"), reason="x")
    if decision == "expired":
        # Its validity ended: the nightly command expires it.
        row = stored(request.id)
        row.valid_to = TODAY - timedelta(days=1)
        row.valid_from = TODAY - timedelta(days=30)
        db.session.commit()
        chronic.expire_lapsed()
    codes = chronic_claim_recommendation(member, stored(request.id))
    assert ("NO_CHRONIC_APPROVAL" in codes) is blocked
