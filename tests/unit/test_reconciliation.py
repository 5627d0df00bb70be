"""Statement import and matching (issue 7, point 4): lines matched to paid payments by reference
and amount, partial matches and strangers listed, the same statement twice changing nothing."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Payment, StatementImport, StatementLine
from app.services.errors import Forbidden, ValidationFailed
from app.services.payments.batches import build_batch, perform
from app.services.payments.eligibility import BatchFilters
from app.services.payments.reconciliation import (
    import_statement,
    unmatched_lines,
    unreconciled_payments,
)
from tests.meeting_support import user
from tests.payment_support import payable_claim, payee, second_finance


@pytest.fixture
def paid(ctx):
    """A paid bank batch of three payments (1,200.00, 1,600.00, 800.00)."""
    for cost in ("1500.00", "2000.00", "1000.00"):
        payable_claim(payee(), cost)
    batch, _ = build_batch(BatchFilters.checked("bank"), user("finance"))
    perform(batch.id, "approve", second_finance())
    perform(batch.id, "release", user("finance"))
    perform(batch.id, "mark_paid", user("finance"), paid_on=date.today(), bank_reference="FT9")
    return {p.reference: p.amount for p in batch.payments}


def _csv(*lines: tuple[str, str, str]) -> bytes:
    rows = ["Date,Reference,Amount,Description"]
    rows += [f"{d},{r},\"{a}\",Bulk transfer" for d, r, a in lines]
    return ("\n".join(rows) + "\n").encode()


def _refs(paid: dict) -> list[str]:
    return sorted(paid)


def test_lines_match_paid_payments_by_reference_and_amount(paid):
    first, second, third = _refs(paid)
    statement = _csv(("2026-06-02", first, f"-{paid[first]}"),  # a debit: its sign ignored
                     ("02/06/2026", second.lower(), "1,600.00"),
                     ("2026-06-02", third, "799.00"),  # partial: the amount differs
                     ("2026-06-02", "SALARY-JUNE", "50000.00"))  # not a payment at all
    result = import_statement("bank", "june.csv", statement, user("finance"))
    assert (result.duplicate, result.new_lines, result.matched) == (False, 4, 2)
    reconciled = {p.reference for p in db.session.scalars(
        sa.select(Payment).where(Payment.reconciled_at.is_not(None)))}
    assert reconciled == {first, second}
    reasons = {line.reference: line.unmatched_reason for line in unmatched_lines(db.session)}
    assert set(reasons) == {third, "SALARY-JUNE"}
    assert "799.00" in reasons[third] and "No payment" in reasons["SALARY-JUNE"]
    assert [p.reference for p in unreconciled_payments(db.session)] == [third]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "statement.import")) == 1


def test_the_same_statement_twice_changes_nothing(paid):
    first = _refs(paid)[0]
    statement = _csv(("2026-06-02", first, str(paid[first])))
    import_statement("bank", "june.csv", statement, user("finance"))
    stamp = db.session.scalar(sa.select(Payment.reconciled_at)
                              .where(Payment.reference == first))
    again = import_statement("bank", "june-copy.csv", statement, user("finance"))
    assert again.duplicate and again.new_lines == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StatementImport)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StatementLine)) == 1
    assert db.session.scalar(sa.select(Payment.reconciled_at)
                             .where(Payment.reference == first)) == stamp


def test_an_overlapping_statement_adds_only_its_new_lines(paid):
    first, second, _ = _refs(paid)
    import_statement("bank", "week1.csv", _csv(("2026-06-02", first, str(paid[first]))),
                     user("finance"))
    later = import_statement("bank", "month.csv", _csv(
        ("2026-06-02", first, str(paid[first])), ("2026-06-03", second, str(paid[second]))),
        user("finance"))
    assert (later.new_lines, later.already_imported, later.matched) == (1, 1, 1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StatementLine)) == 2
    assert unmatched_lines(db.session) == []


def test_a_payment_is_reconciled_by_one_line_only(paid):
    first = _refs(paid)[0]
    amount = str(paid[first])
    result = import_statement("bank", "twice.csv", _csv(("2026-06-02", first, amount),
                                                        ("2026-06-02", first, amount)),
                              user("finance"))
    assert (result.new_lines, result.matched) == (2, 1)
    assert "already reconciled" in unmatched_lines(db.session)[0].unmatched_reason


def test_a_statement_is_read_whole_or_refused(paid):
    with pytest.raises(ValidationFailed) as bad:
        import_statement("bank", "bad.csv", _csv(("yesterday", "X", "12"), ("2026-06-02", "Y",
                                                                            "1.234")),
                         user("finance"))
    assert set(bad.value.errors) == {"line 2", "line 3"}
    with pytest.raises(ValidationFailed, match="header"):
        import_statement("bank", "bad.csv", b"when,what\n2026-01-01,x\n", user("finance"))
    with pytest.raises(ValidationFailed):
        import_statement("bank", "bad.csv", b"\xff\xfe", user("finance"))
    with pytest.raises(Forbidden):
        import_statement("bank", "ok.csv", _csv(("2026-06-02", "X", "1")), user("auditor"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StatementImport)) == 0
