"""Payout files of a released batch, for the bank's or the mobile-money provider's bulk upload.

Each file is CSV (UTF-8, comma separated, a header row), one row per payment in line order,
closed by a control-total row that the receiving system checks against the rows:

- bank: ``payee_name, account_number, bank_name, branch_code, amount, reference``; control row
  ``CONTROL TOTAL, <count>, , , <total>,``
- mobile money: ``phone, amount, reference`` (phone in international format); control row
  ``CONTROL TOTAL, <total>, <count>``
- cheque: the cheque register ``cheque_number, payee_name, amount, reference``; control row
  ``CONTROL TOTAL, <count>, <total>,``

Amounts are written with two decimals and no thousands separator.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.models import PaymentBatch
from app.services import audit
from app.services import record_transitions as steps
from app.services.errors import Conflict
from app.services.lifecycle.rules import actor_snapshot
from app.services.payments.batches import WORKFLOW, describe

CONTROL = "CONTROL TOTAL"
HEADERS = {
    "bank": ["payee_name", "account_number", "bank_name", "branch_code", "amount", "reference"],
    "mobile_money": ["phone", "amount", "reference"],
    "cheque": ["cheque_number", "payee_name", "amount", "reference"],
}
AVAILABLE_WHEN = ("released", "paid")


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _rows(batch: PaymentBatch) -> list[list[str]]:
    payments = [p for p in batch.payments if p.status != "cancelled"]
    total = _amount(sum((p.amount for p in payments), Decimal("0.00")))
    count = str(len(payments))
    if batch.method == "bank":
        rows = [[p.payee_name, p.bank_account_number or "", p.bank_name or "",
                 p.bank_branch_code or "", _amount(p.amount), p.reference] for p in payments]
        return [*rows, [CONTROL, count, "", "", total, ""]]
    if batch.method == "mobile_money":
        rows = [[p.phone or "", _amount(p.amount), p.reference] for p in payments]
        return [*rows, [CONTROL, total, count]]
    rows = [[p.cheque_number or "", p.payee_name, _amount(p.amount), p.reference]
            for p in payments]
    return [*rows, [CONTROL, count, total, ""]]


def payout_file(session: Session, batch_id: int, actor: Any) -> tuple[str, bytes]:
    """(file name, CSV bytes) of a released or paid batch; the download is audited."""
    actor = actor_snapshot(session, actor)
    batch = steps.load_record(WORKFLOW, batch_id, actor)
    if batch.status not in AVAILABLE_WHEN:
        raise Conflict(f"{describe(batch)} is {batch.status}: its payout file exists once it "
                       "is approved and released.")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS[batch.method])
    writer.writerows(_rows(batch))
    audit.record(session, "paymentbatch.payout_file", actor=actor, resource_type="paymentbatch",
                 resource_id=batch.id, details={"method": batch.method,
                                                "total": batch.total_amount})
    session.commit()
    return f"{batch.batch_number}-{batch.method}.csv", buffer.getvalue().encode("utf-8")
