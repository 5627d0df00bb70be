"""Reconciliation (issue 7, point 4): Finance imports the bank's or the mobile-money provider's
statement (CSV) and each line is matched to a paid payment by its reference and amount.

A matched payment is reconciled: only then does its claim count as settled. Lines that match no
payment and paid payments no line matched are listed for follow-up. Importing is idempotent: the
same file (its SHA-256) is recognised and changes nothing, and a line already imported from an
overlapping statement (its identity: source, date, reference, amount and how many times that
combination occurs in the file) is not imported twice.

The statement CSV has a header row naming at least ``date``, ``reference`` and ``amount``
(``description`` optional; other columns ignored). Dates are YYYY-MM-DD or DD/MM/YYYY; amounts
may carry thousands separators, and payouts may appear as debits (negative): the amount matched
is the value without its sign.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from app.extensions import db
from app.models import Payment, StatementImport, StatementLine
from app.models.base import utcnow
from app.models.enums import STATEMENT_SOURCES
from app.services import audit
from app.services.errors import Conflict, ValidationFailed
from app.services.lifecycle.rules import actor_snapshot
from app.services.payments.batches import require_finance

MAX_BYTES = 5 * 1024 * 1024
MAX_LINES = 20_000
REQUIRED = ("date", "reference", "amount")


@dataclass(frozen=True)
class ParsedLine:
    line_no: int
    value_date: date
    reference: str
    amount: Decimal
    description: str | None


@dataclass(frozen=True)
class ImportResult:
    statement: StatementImport
    duplicate: bool  # the same file was imported before: nothing changed
    new_lines: int
    matched: int
    already_imported: int  # lines an earlier statement had already brought


def _date(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError("a date such as 2026-05-31 or 31/05/2026")


def _amount(text: str) -> Decimal:
    try:
        value = abs(Decimal(text.strip().replace(",", "")))
    except InvalidOperation:
        raise ValueError("an amount such as 1500.00") from None
    if not value.is_finite() or value.as_tuple().exponent < -2 or value > Decimal("1e12"):
        raise ValueError("an amount such as 1500.00")
    return value


def parse_statement(data: bytes) -> list[ParsedLine]:
    """The statement's lines, or ValidationFailed naming each line that cannot be read (the
    whole file is refused: a statement is imported complete or not at all)."""
    if len(data) > MAX_BYTES:
        raise ValidationFailed({"file": "The statement is larger than 5 MB."})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed({"file": "The statement must be a UTF-8 CSV file."}) from None
    reader = csv.DictReader(io.StringIO(text))
    columns = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ValidationFailed({"file": "The header row needs the columns date, reference and "
                                "amount (missing: " + ", ".join(missing) + ")."})
    lines, errors = [], {}
    for line_no, row in enumerate(reader, start=2):
        if len(lines) >= MAX_LINES:
            raise ValidationFailed({"file": f"At most {MAX_LINES} lines per statement."})
        cell = {key: (row.get(name) or "").strip() for key, name in columns.items()}
        if not any(cell.values()):
            continue  # a blank line
        try:
            reference = cell["reference"]
            if not reference or len(reference) > 64:
                raise ValueError("a reference of 1 to 64 characters")
            lines.append(ParsedLine(line_no, _date(cell["date"]), reference,
                                    _amount(cell["amount"]),
                                    (cell.get("description") or "")[:255] or None))
        except ValueError as problem:
            errors[f"line {line_no}"] = f"Expected {problem}."
        if len(errors) >= 20:
            break
    if errors:
        raise ValidationFailed(errors)
    if not lines:
        raise ValidationFailed({"file": "The statement has no lines."})
    return lines


def _line_keys(source: str, lines: list[ParsedLine]) -> list[str]:
    seen: Counter = Counter()
    keys = []
    for line in lines:
        identity = (line.value_date.isoformat(), line.reference.upper(), f"{line.amount:.2f}")
        seen[identity] += 1
        raw = "|".join((source, *identity, str(seen[identity])))
        keys.append(hashlib.sha256(raw.encode()).hexdigest())
    return keys


def _match(session: Session, line: StatementLine) -> None:
    """Match one new line to the paid payment with its reference and amount, or say why not."""
    payment = session.scalars(
        sa.select(Payment).where(sa.func.upper(Payment.reference) == line.reference.upper())
        .with_for_update()
    ).first()
    if payment is None:
        line.unmatched_reason = "No payment has this reference."
    elif payment.status != "paid":
        line.unmatched_reason = f"Payment {payment.reference} is {payment.status}, not paid."
    elif payment.reconciled_at is not None:
        line.unmatched_reason = f"Payment {payment.reference} is already reconciled."
    elif payment.amount != line.amount:
        line.unmatched_reason = (f"Payment {payment.reference} is {payment.amount:,.2f}, the "
                                 f"line {line.amount:,.2f}.")
    else:
        line.payment_id = payment.id
        payment.reconciled_at = utcnow()


def import_statement(source: str, file_name: str, data: bytes, actor: Any) -> ImportResult:
    """Import one statement in its own transaction with one audit event, matching its new
    lines; the same file again changes nothing (``duplicate``)."""
    session = db.session
    try:
        actor = actor_snapshot(session, actor)
        require_finance(actor)
        if source not in STATEMENT_SOURCES:
            raise ValidationFailed({"source": "Choose bank or mobile_money."})
        digest = hashlib.sha256(data).hexdigest()
        earlier = session.scalars(sa.select(StatementImport)
                                  .where(StatementImport.sha256 == digest)).first()
        if earlier is not None:
            return ImportResult(earlier, True, 0, 0, 0)
        parsed = parse_statement(data)
        keys = _line_keys(source, parsed)
        known = set(session.scalars(sa.select(StatementLine.line_key)
                                    .where(StatementLine.line_key.in_(keys))))
        statement = StatementImport(source=source, file_name=(file_name or "statement.csv")[:255],
                                    sha256=digest, imported_by_id=actor.id,
                                    line_count=len(parsed))
        session.add(statement)
        new = []
        for line, key in zip(parsed, keys, strict=True):
            if key in known:
                continue
            row = StatementLine(statement=statement, line_no=line.line_no, line_key=key,
                                value_date=line.value_date, reference=line.reference,
                                amount=line.amount, description=line.description)
            session.add(row)
            _match(session, row)
            new.append(row)
        statement.matched_count = sum(1 for row in new if row.payment_id is not None)
        session.flush()
        audit.record(session, "statement.import", actor=actor, resource_type="statement",
                     resource_id=statement.id, details={
                         "file": statement.file_name, "sha256": digest, "lines": len(parsed),
                         "new": len(new), "matched": statement.matched_count})
        session.commit()
    except IntegrityError:
        session.rollback()  # the same file or lines imported at this very moment
        statement = session.scalars(sa.select(StatementImport)
                                    .where(StatementImport.sha256 == digest)).first()
        if statement is None:
            raise Conflict("Another statement with some of these lines was imported at the "
                           "same moment: import this one again.") from None
        return ImportResult(statement, True, 0, 0, 0)
    except Exception:
        session.rollback()
        raise
    return ImportResult(statement, False, len(new), statement.matched_count,
                        len(parsed) - len(new))


def unmatched_lines(session: Session) -> list[StatementLine]:
    return list(session.scalars(
        sa.select(StatementLine).options(joinedload(StatementLine.statement))
        .where(StatementLine.payment_id.is_(None))
        .order_by(StatementLine.value_date, StatementLine.id)))


def unreconciled_payments(session: Session) -> list[Payment]:
    """Paid payments no statement line has matched yet (the money may not have left)."""
    return list(session.scalars(
        sa.select(Payment).options(joinedload(Payment.batch), joinedload(Payment.claim))
        .where(Payment.status == "paid", Payment.reconciled_at.is_(None))
        .order_by(Payment.paid_on, Payment.id)))
