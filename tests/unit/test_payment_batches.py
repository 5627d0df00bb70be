"""Building, approving, releasing, paying and cancelling payment batches (issue 7, points 1
and 3), through the payment services and the claim lifecycle."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Claim, Member, Payment, PaymentBatch
from app.services.errors import Conflict, Forbidden, ValidationFailed
from app.services.lifecycle import perform as claim_step
from app.services.payments.batches import NothingToPay, build_batch, perform
from app.services.payments.eligibility import BatchFilters
from tests.meeting_support import user
from tests.payment_support import MOBILE, payable_claim, payee, second_finance

BANK_ONLY = BatchFilters.checked("bank")


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def test_a_batch_pays_exactly_the_approved_amounts_and_reports_every_exclusion(ctx):
    good = payable_claim(payee(), "1500.00")  # 80%: 1,200.00 approved
    other = payable_claim(payee(), "2000.00")  # 80%: 1,600.00
    unratified = payable_claim(payee(), ratified=False)
    nothing = payable_claim(payee(payout_method=None))
    broken = payee(**MOBILE)
    db.session.execute(sa.update(Member).where(Member.id == broken.id)
                       .values(mobile_money_number="12"))  # entered before the rule existed
    db.session.commit()
    blocked = payable_claim(db.session.get(Member, broken.id))
    own = payee()
    own.user_id = user("finance").id  # the Finance user is himself this claim's member
    db.session.commit()
    conflicted = payable_claim(own)
    first, _ = build_batch(BatchFilters.checked("bank", min_amount="1440.00"), user("finance"))
    assert [p.claim_id for p in first.payments] == [other.id]

    batch, excluded = build_batch(BANK_ONLY, user("finance"))
    reasons = {e.claim_number: e.reason for e in excluded}
    assert [p.claim_id for p in batch.payments] == [good.id]
    assert reasons[unratified.claim_number] == "not_ratified"
    assert reasons[nothing.claim_number] == "payout_details"
    assert reasons[conflicted.claim_number] == "conflict_of_interest"
    assert reasons[other.claim_number] == "already_batched"
    assert blocked.claim_number not in reasons  # a mobile-money member: not a bank batch's
    mobile = [e for e in build_batch_or_none(BatchFilters.checked("mobile_money"))
              if e.claim_number == blocked.claim_number]
    assert mobile[0].reason == "payout_details" and mobile[0].blocking
    assert "mobile number" in mobile[0].message
    for payment in batch.payments:
        claim = db.session.get(Claim, payment.claim_id)
        assert payment.amount == claim.total_approved and payment.status == "pending"
        assert payment.reference.startswith(batch.batch_number)
        assert payment.bank_account_number == "1234567890"
        assert payment.payee_name == "Amina W. Otieno"
    assert batch.total_amount == sum(p.amount for p in batch.payments)
    assert batch.status == "draft" and batch.created_by_id == user("finance").id
    details = json.loads(_events("paymentbatch.build")[-1].details)
    assert details["excluded"][unratified.claim_number] == "not_ratified"


def build_batch_or_none(filters: BatchFilters) -> list:
    with pytest.raises(NothingToPay) as refused:
        build_batch(filters, user("finance"))
    return refused.value.excluded


def test_only_finance_builds_and_nothing_to_pay_says_why(ctx):
    payable_claim(payee(), ratified=False)
    with pytest.raises(Forbidden):
        build_batch(BANK_ONLY, user("committee1"))
    excluded = build_batch_or_none(BANK_ONLY)
    assert [e.reason for e in excluded] == ["not_ratified"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentBatch)) == 0


def test_filters_are_checked_and_applied(ctx):
    small = payable_claim(payee(), "1000.00")  # 800.00
    large = payable_claim(payee(), "2000.00")  # 1,600.00
    with pytest.raises(ValidationFailed) as bad:
        BatchFilters.checked("gold", min_amount="abc", max_amount="-1", sla_status="late")
    assert set(bad.value.errors) == {"method", "min_amount", "max_amount", "sla_status"}
    batch, _ = build_batch(BatchFilters.checked("bank", max_amount="900"), user("finance"))
    assert [p.claim_id for p in batch.payments] == [small.id]
    soon = date.today() + timedelta(days=29)
    assert build_batch_or_none(BatchFilters.checked("bank", due_by=soon)) == []
    batch, _ = build_batch(BatchFilters.checked("bank", due_by=soon + timedelta(days=2),
                                                sla_status="on_track"), user("finance"))
    assert [p.claim_id for p in batch.payments] == [large.id]


def test_four_eyes_then_release_then_paid_moves_each_claim_to_paid(ctx):
    claims = [payable_claim(payee()), payable_claim(payee(), "2000.00")]
    batch, _ = build_batch(BANK_ONLY, user("finance"))
    with pytest.raises(Forbidden, match="Four eyes"):
        perform(batch.id, "approve", user("finance"))
    with pytest.raises(Conflict):
        perform(batch.id, "release", second_finance())  # not approved yet
    with pytest.raises(Forbidden):
        perform(batch.id, "approve", user("committee1"))
    perform(batch.id, "approve", second_finance())
    perform(batch.id, "release", user("finance"))
    with pytest.raises(ValidationFailed) as bad:
        perform(batch.id, "mark_paid", user("finance"), paid_on=date.today() + timedelta(days=3))
    assert set(bad.value.errors) == {"paid_on", "bank_reference"}
    paid = perform(batch.id, "mark_paid", user("finance"), paid_on=date.today(),
                   bank_reference="FT26340XYZ")
    assert paid.status == "paid" and paid.bank_reference == "FT26340XYZ"
    for claim in claims:
        claim = db.session.get(Claim, claim.id)
        assert claim.status == "paid" and claim.total_paid == claim.total_approved
        assert claim.sla_status is None  # the payment clock stopped
    assert {p.status for p in paid.payments} == {"paid"}
    events = _events("claim.pay")
    assert sorted(int(e.resource_id) for e in events) == sorted(c.id for c in claims)
    assert {json.loads(e.details)["to"] for e in events} == {"paid"}
    assert [json.loads(e.details)["amount_paid"] for e in events] == [
        str(p.amount) for p in paid.payments]
    with pytest.raises(Conflict):
        perform(batch.id, "cancel", user("finance"), reason="Too late.")
    assert build_batch_or_none(BANK_ONLY) == []  # paid claims are never paid again


def test_a_claim_is_marked_paid_only_through_its_batch(ctx):
    claim = payable_claim(payee())
    with pytest.raises(Conflict, match="payment batch"):
        claim_step(claim.id, "pay", user("finance"))
    assert db.session.get(Claim, claim.id).status == "approved"


def test_cancel_frees_the_claims_for_another_batch(ctx):
    claim = payable_claim(payee())
    batch, _ = build_batch(BANK_ONLY, user("finance"))
    assert build_batch_or_none(BANK_ONLY)[0].reason == "already_batched"
    with pytest.raises(ValidationFailed):
        perform(batch.id, "cancel", user("finance"))
    perform(batch.id, "cancel", second_finance(), reason="Wrong bank file date.")
    assert db.session.get(PaymentBatch, batch.id).payments[0].status == "cancelled"
    again, _ = build_batch(BANK_ONLY, user("finance"))
    assert [p.claim_id for p in again.payments] == [claim.id]


def test_a_claim_changed_after_building_stops_the_batch(ctx):
    member = payee()
    claim = payable_claim(member)
    batch, _ = build_batch(BANK_ONLY, user("finance"))
    # The claim moves on after the batch was built (straight in the database here, as a
    # send-back at a meeting would leave it).
    db.session.execute(sa.update(Claim).where(Claim.id == claim.id)
                       .values(status="under_review"))
    db.session.commit()
    with pytest.raises(Conflict, match=claim.claim_number):
        perform(batch.id, "approve", second_finance())
    assert db.session.get(PaymentBatch, batch.id).status == "draft"


def test_nobody_pays_a_claim_of_his_own_household(ctx):
    member = payee()
    claim = payable_claim(member)
    batch, _ = build_batch(BANK_ONLY, user("finance"))
    approver = second_finance()
    db.session.get(Member, member.id).user_id = approver.id
    db.session.commit()
    with pytest.raises(Forbidden, match=claim.claim_number):
        perform(batch.id, "approve", approver)
    db.session.get(Member, member.id).user_id = None
    db.session.commit()
    perform(batch.id, "approve", second_finance())
    perform(batch.id, "release", second_finance())
    db.session.get(Member, member.id).user_id = user("finance").id
    db.session.commit()
    with pytest.raises(Forbidden):
        perform(batch.id, "mark_paid", user("finance"), paid_on=date.today(),
                bank_reference="FT1")
    assert db.session.get(Claim, claim.id).status == "approved"
    assert not _events("claim.pay")


def test_cheque_batches_record_a_cheque_per_payment_before_paid(ctx):
    from app.services.payments.batches import record_cheques

    payable_claim(payee(payout_method="cheque"))
    payable_claim(payee(payout_method="cheque"), "2000.00")
    batch, _ = build_batch(BatchFilters.checked("cheque"), user("finance"))
    ids = [p.id for p in batch.payments]
    with pytest.raises(Conflict):
        record_cheques(batch.id, {ids[0]: "000101"}, user("finance"))  # still a draft
    perform(batch.id, "approve", second_finance())
    perform(batch.id, "release", second_finance())
    with pytest.raises(ValidationFailed, match="cheque number"):
        perform(batch.id, "mark_paid", user("finance"), paid_on=date.today(),
                bank_reference="CHQ-RUN-7")
    with pytest.raises(ValidationFailed):
        record_cheques(batch.id, {ids[0]: "000101", ids[1]: "000101"}, user("finance"))
    record_cheques(batch.id, {ids[0]: "000101", ids[1]: "000102"}, user("finance"))
    paid = perform(batch.id, "mark_paid", user("finance"), paid_on=date.today(),
                   bank_reference="CHQ-RUN-7")
    assert [p.cheque_number for p in paid.payments] == ["000101", "000102"]
    assert sum((p.amount for p in paid.payments), D("0")) == paid.total_amount


def test_payments_carry_mobile_numbers_in_international_format(ctx):
    payable_claim(payee(**MOBILE))
    batch, _ = build_batch(BatchFilters.checked("mobile_money"), user("finance"))
    assert [p.phone for p in batch.payments] == ["+254712345678"]
    assert db.session.scalar(sa.select(Payment.bank_account_number)) is None
