"""Payout files of a released batch, for the bank's or the mobile-money provider's bulk upload.

Each file is CSV (UTF-8, comma separated, a header row), one row per payment in line order,
closed by a control-total row that the receiving system checks against the rows:

- bank: ``payee_name, account_number, bank_name, branch_code, amount, reference``; control row
  ``CONTROL TOTAL, <count>, , , <total>,``
- mobile money: ``phone, amount, reference`` (phone in international format); control row
  ``CONTROL TOTAL, <total>, <count>``
- cheque: the cheque register ``cheque_number, payee_name, amount, reference``; control row
  ``CONTROL TOTAL, <count>, <total>,``

Amounts are written with two decimals and no thousands separator. Text cells typed by people
(payee names, accounts, banks, branches, cheque numbers) go through
app.services.spreadsheet.csv_cell, so a spreadsheet opening the file never runs one as a
formula; amounts, counts and the validated international phone numbers (``+`` and digits, which
the provider expects as they are) are written untouched.
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
from app.services.payments.payees import is_international
from app.services.spreadsheet import csv_cell, csv_row

CONTROL = "CONTROL TOTAL"
HEADERS = {
    "bank": ["payee_name", "account_number", "bank_name", "branch_code", "amount", "reference"],
    "mobile_money": ["phone", "amount", "reference"],
    "cheque": ["cheque_number", "payee_name", "amount", "reference"],
}
AVAILABLE_WHEN = ("released", "paid")


CENTS = Decimal("0.01")


def _amount(value: Decimal) -> Decimal:
    """Two places; a Decimal (not text), so the CSV cell stays a number."""
    return value.quantize(CENTS)


def _phone(phone: str | None) -> str:
    """The payment's phone as the provider wants it (+254712345678); anything else is text."""
    if phone is not None and is_international(phone):
        return phone
    return csv_cell(phone or "")


def _rows(batch: PaymentBatch) -> list[list[Any]]:
    payments = [p for p in batch.payments if p.status != "cancelled"]
    total = _amount(sum((p.amount for p in payments), Decimal("0.00")))
    count = len(payments)
    if batch.method == "bank":
        rows = [[*csv_row((p.payee_name, p.bank_account_number or "", p.bank_name or "",
                           p.bank_branch_code or "")), _amount(p.amount), csv_cell(p.reference)]
                for p in payments]
        return [*rows, [CONTROL, count, "", "", total, ""]]
    if batch.method == "mobile_money":
        rows = [[_phone(p.phone), _amount(p.amount), csv_cell(p.reference)] for p in payments]
        return [*rows, [CONTROL, total, count]]
    rows = [[*csv_row((p.cheque_number or "", p.payee_name)), _amount(p.amount),
             csv_cell(p.reference)] for p in payments]
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
