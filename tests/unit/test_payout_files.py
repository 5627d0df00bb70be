"""Payout files parsed back: every row is a payment of the batch, and the control totals are
the database's (issue 7, point 2); member payout details are checked when entered."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Member, Payment
from app.services.errors import Conflict
from app.services.payments.batches import build_batch, perform
from app.services.payments.eligibility import BatchFilters
from app.services.payments.files import payout_file
from app.services.payments.payees import international_phone
from app.services.validation import member_errors
from tests.meeting_support import user
from tests.payment_support import MOBILE, payable_claim, payee, second_finance


def _released(method: str, members: list[Member], costs: list[str]):
    for member, cost in zip(members, costs, strict=True):
        payable_claim(member, cost)
    batch, _ = build_batch(BatchFilters.checked(method), user("finance"))
    with pytest.raises(Conflict):
        payout_file(db.session, batch.id, user("finance"))  # not before release
    perform(batch.id, "approve", second_finance())
    perform(batch.id, "release", user("finance"))
    return batch


def _parse(data: bytes) -> tuple[list[str], list[list[str]], list[str]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    return rows[0], rows[1:-1], rows[-1]


def _payments(batch_id: int) -> dict[str, Payment]:
    return {p.reference: p for p in db.session.scalars(
        sa.select(Payment).where(Payment.batch_id == batch_id))}


def test_bank_file_rows_and_control_total_match_the_database(ctx):
    members = [payee(), payee(bank_name="Equity Bank", bank_branch_code="68-020",
                              bank_account_number="0987654321", payout_method="bank")]
    batch = _released("bank", members, ["1500.00", "2000.00"])
    name, data = payout_file(db.session, batch.id, user("finance"))
    header, rows, control = _parse(data)
    assert name == f"{batch.batch_number}-bank.csv"
    assert header == ["payee_name", "account_number", "bank_name", "branch_code", "amount",
                      "reference"]
    stored = _payments(batch.id)
    assert sorted(r[5] for r in rows) == sorted(stored)
    for payee_name, account, bank, branch, amount, reference in rows:
        payment = stored[reference]
        assert (payee_name, account, bank, branch) == (
            payment.payee_name, payment.bank_account_number, payment.bank_name,
            payment.bank_branch_code)
        assert D(amount) == payment.amount
    assert control[0] == "CONTROL TOTAL" and int(control[1]) == len(stored)
    assert D(control[4]) == sum(D(r[4]) for r in rows) == batch.total_amount
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "paymentbatch.payout_file")) == 1


def test_mobile_money_file_has_international_numbers_and_its_control_total(ctx):
    members = [payee(**MOBILE), payee(payout_method="mobile_money",
                                      mobile_money_number="+254 733 000 111")]
    batch = _released("mobile_money", members, ["1000.00", "1500.00"])
    _, data = payout_file(db.session, batch.id, user("finance"))
    header, rows, control = _parse(data)
    assert header == ["phone", "amount", "reference"]
    assert sorted(r[0] for r in rows) == ["+254712345678", "+254733000111"]
    stored = _payments(batch.id)
    assert all(D(amount) == stored[ref].amount for _, amount, ref in rows)
    assert control == ["CONTROL TOTAL", f"{batch.total_amount:.2f}", "2"]
    assert batch.total_amount == D("2000.00")  # 800.00 + 1,200.00
    perform(batch.id, "mark_paid", user("finance"), paid_on=date.today(), bank_reference="MP1")
    assert payout_file(db.session, batch.id, user("finance"))[1] == data  # still the same


@pytest.mark.parametrize(("written", "international"), [
    ("0712345678", "+254712345678"),
    ("0712 345-678", "+254712345678"),
    ("254712345678", "+254712345678"),
    ("+256 772 123456", "+256772123456"),
    ("00254712345678", "+254712345678"),
    ("12", None),
    ("07123", None),
    ("phone", None),
    ("", None),
])
def test_phone_numbers_in_international_format(ctx, written, international):
    assert international_phone(written) == international


def test_payout_details_are_checked_when_entered(ctx):
    member = Member(first_name="A", last_name="B", date_of_birth=date(1980, 1, 1),
                    payout_method="mobile_money", mobile_money_number="0712")
    assert "mobile_money_number" in member_errors(member)
    member.mobile_money_number = "0712345678"
    assert member_errors(member) == {}
    member.payout_method = "bank"
    assert set(member_errors(member)) == {"bank_account_number", "bank_name",
                                          "bank_branch_code"}
    member.bank_account_number, member.bank_name, member.bank_branch_code = (
        "12 34", "KCB Bank", "01-091")
    assert "bank_account_number" in member_errors(member)  # too short to be an account
    member.bank_account_number = "1234567890"
    assert member_errors(member) == {}
