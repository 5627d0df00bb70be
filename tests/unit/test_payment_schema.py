"""What the database itself enforces about payments, whatever a service does: a claim in at
most one open batch and never paid twice, four eyes on a batch, amounts above zero."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Payment, PaymentBatch
from tests import factories


def _batch(number: str, **kw) -> PaymentBatch:
    batch = PaymentBatch(batch_number=number, method="bank",
                         created_by_id=factories.user_id("finance"), **kw)
    db.session.add(batch)
    db.session.flush()
    return batch


def _payment(batch: PaymentBatch, claim, reference: str, **kw) -> Payment:
    payment = Payment(batch=batch, line_no=kw.pop("line_no", 1), claim=claim,
                      member_id=claim.member_id, amount=kw.pop("amount", D("1200.00")),
                      reference=reference, payee_name="Amina Otieno", **kw)
    db.session.add(payment)
    return payment


def _refused(statement) -> None:
    with pytest.raises(IntegrityError):
        statement()
        db.session.flush()
    db.session.rollback()


def test_a_claim_is_in_at_most_one_open_batch(ctx):
    claim = factories.claim()
    first, second = _batch("PB-000001"), _batch("PB-000002")
    _payment(first, claim, "PB-000001-001")
    db.session.commit()
    _refused(lambda: _payment(second, claim, "PB-000002-001"))


def test_a_paid_claim_is_never_paid_again(ctx):
    claim = factories.claim()
    first, second = _batch("PB-000001"), _batch("PB-000002")
    _payment(first, claim, "PB-000001-001", status="paid", paid_on=date.today())
    db.session.commit()
    _refused(lambda: _payment(second, claim, "PB-000002-001"))


def test_a_cancelled_payment_frees_the_claim_for_another_batch(ctx):
    claim = factories.claim()
    first, second = _batch("PB-000001"), _batch("PB-000002")
    _payment(first, claim, "PB-000001-001", status="cancelled")
    _payment(second, claim, "PB-000002-001")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payment)) == 2


def test_the_builder_never_approves_his_own_batch(ctx):
    batch = _batch("PB-000001")
    db.session.commit()

    def approve_own():
        batch.approved_by_id = batch.created_by_id
        batch.status = "approved"
    _refused(approve_own)


def test_an_approved_batch_names_its_approver_and_a_paid_one_its_reference(ctx):
    batch = _batch("PB-000001")
    db.session.commit()

    def approve_anonymously():
        batch.status = "approved"
    _refused(approve_anonymously)
    batch = db.session.get(PaymentBatch, batch.id)

    def pay_without_reference():
        batch.approved_by_id = factories.user_id("admin")
        batch.status = "paid"
        batch.paid_on = date.today()
    _refused(pay_without_reference)


def test_a_payment_is_above_zero_and_its_reference_unique(ctx):
    claim, other = factories.claim(), factories.claim()
    batch = _batch("PB-000001")
    db.session.commit()
    _refused(lambda: _payment(batch, claim, "PB-000001-001", amount=D("0.00")))
    batch = db.session.get(PaymentBatch, batch.id)
    _payment(batch, db.session.merge(claim), "PB-000001-001")
    db.session.commit()
    _refused(lambda: _payment(db.session.get(PaymentBatch, batch.id), db.session.merge(other),
                              "PB-000001-001", line_no=2))
