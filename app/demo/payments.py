"""The demo fund's payments, made through the real services: the ratified decisions paid in a
bank batch and a mobile-money batch, each built by one Finance login and approved by the other,
released, recorded as paid and reconciled against the provider's statement. The mobile-money
statement leaves one payment out and carries the provider's charge, so Finance's follow-up list
has a line and a payment on it.

Only a fund without batches gets them, so a second run adds and changes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import PaymentBatch
from app.services.payments.batches import NothingToPay, build_batch, perform
from app.services.payments.eligibility import BatchFilters
from app.services.payments.reconciliation import import_statement

BUILDER, APPROVER = "finance", "finance2"
CHARGE_REFERENCE = "B2C-CHARGES"


def _user(username: str) -> Any:
    user = current_app.appbuilder.sm.find_user(username=username)
    if user is None:
        raise LookupError(f"the demo login {username} is missing")
    return user


def _statement(batch: PaymentBatch, today: date, complete: bool) -> bytes:
    """The provider's statement of the payout: a debit per payment (the last one missing when
    not ``complete``), and for mobile money the provider's charge."""
    payments = batch.payments if complete else batch.payments[:-1]
    rows = ["Date,Reference,Amount,Description"]
    rows += [f"{today:%Y-%m-%d},{p.reference},-{p.amount},Payout {batch.batch_number}"
             for p in payments]
    if not complete:
        rows.append(f"{today:%Y-%m-%d},{CHARGE_REFERENCE},-{len(batch.payments) * 33}.00,"
                    "Bulk payment charges")
    return ("\n".join(rows) + "\n").encode()


def pay_ratified_claims(today: date) -> int:
    """Pay and reconcile the ratified decisions; how many batches were added."""
    if db.session.scalar(sa.select(sa.func.count(PaymentBatch.id))):
        return 0
    builder, approver = _user(BUILDER), _user(APPROVER)
    added = 0
    for method, complete in (("bank", True), ("mobile_money", False)):
        try:
            batch, _ = build_batch(BatchFilters.checked(method), builder)
        except NothingToPay:
            continue
        perform(batch.id, "approve", approver)
        perform(batch.id, "release", approver)
        reference = f"{'FT' if method == 'bank' else 'MPB2C'}{today:%y%m%d}{batch.id:03d}"
        perform(batch.id, "mark_paid", builder, paid_on=today, bank_reference=reference)
        batch = db.session.get(PaymentBatch, batch.id)
        import_statement(method, f"{method}-statement-{today:%Y-%m-%d}.csv",
                         _statement(batch, today, complete), builder)
        added += 1
    return added
