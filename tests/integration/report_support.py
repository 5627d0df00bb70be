"""The dashboard's fixture fund, made ready for the reports: paid claims carry what was paid
and their payment in a paid batch (reconciled some days after the decision, or not yet), an
approved claim waits in an open batch and another's batch was cancelled, several claims share
one provider, and members have different types and statuses.

The payments are written here directly (the reports only read them); the payment services'
own path to them is proven with the demo fund (tests/integration/test_demo.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import Claim, Member, Payment, PaymentBatch
from tests import factories
from tests.integration.dashboard_support import Fund, build_fund, month_start

# Days from the decision to the bank's payment, and to its reconciliation (None: not yet).
PAID_AFTER_DAYS = {"paid1": (2, 3), "paid_old": (8, 10), "paid_child": (1, None),
                   "paid_older": (35, 40)}


def build_report_fund() -> Fund:
    fund = build_fund()
    shared = factories.provider("Nairobi Hospital")
    for key in ("appr1", "part1", "paid1", "rev1"):
        db.session.get(Claim, fund.claims[key]).provider = shared
    fund.provider_id = shared.id  # type: ignore[attr-defined]
    _payments(fund)
    single = factories.membership_type("single")
    factories.member("Lapsed", "One", status="lapsed", membership_type=single)
    factories.member("Pending", "Two", status="pending", membership_type=single,
                     contribution_receipt_date=fund.today)
    db.session.commit()
    return fund


def _batch(fund: Fund, number: str, status: str, **paid) -> PaymentBatch:
    batch = PaymentBatch(batch_number=number, method="bank", status=status,
                         created_by_id=fund.users["admin"],
                         approved_by_id=None if status == "draft" else fund.users["committee1"],
                         **paid)
    db.session.add(batch)
    db.session.flush()
    return batch


def _pay(batch: PaymentBatch, claim: Claim, status: str, paid_on=None,
         reconciled_at: datetime | None = None) -> None:
    line = len(batch.payments) + 1
    batch.payments.append(Payment(
        line_no=line, claim_id=claim.id, member_id=claim.member_id, status=status,
        amount=claim.total_approved, reference=f"{batch.batch_number}-{line:03d}",
        payee_name="Payee", bank_account_number="1234567890", paid_on=paid_on,
        reconciled_at=reconciled_at))
    batch.payment_count, batch.total_amount = line, batch.total_amount + claim.total_approved


def _payments(fund: Fund) -> None:
    paid = _batch(fund, "PB-PAID", "paid", paid_on=fund.today, bank_reference="FT1",
                  total_amount=0)
    for key, (paid_days, reconciled_days) in PAID_AFTER_DAYS.items():
        claim = db.session.get(Claim, fund.claims[key])
        claim.total_paid = claim.total_approved
        _pay(paid, claim, "paid", paid_on=(claim.decided_at + timedelta(days=paid_days)).date(),
             reconciled_at=None if reconciled_days is None
             else claim.decided_at + timedelta(days=reconciled_days))
    # Approved claims whose payment is not made: one in an open batch, one cancelled with its
    # batch; both stay outstanding.
    _pay(_batch(fund, "PB-OPEN", "draft", total_amount=0),
         db.session.get(Claim, fund.claims["appr1"]), "pending")
    _pay(_batch(fund, "PB-CANCELLED", "cancelled", total_amount=0),
         db.session.get(Claim, fund.claims["appr2"]), "cancelled")
    db.session.flush()


def period_args(fund: Fund, **extra: str) -> dict[str, str]:
    return {"date_from": month_start(fund.today, 11).isoformat(),
            "date_to": fund.today.isoformat(), **extra}


def member_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Member.id)))
