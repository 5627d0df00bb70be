"""The privacy tools and the payments: the subject-access export carries the member's payments
as they were sent, anonymisation replaces the payee details copied into them (keeping amounts,
dates and references), and a member with a payment in an open batch is refused. The payments
are made through the payment services, as Finance makes them."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.extensions import db
from app.models import Member, Payment, PaymentBatch, StatementLine
from app.services.payments.batches import build_batch, perform
from app.services.payments.eligibility import BatchFilters
from app.services.payments.reconciliation import import_statement
from app.services.reports import run
from tests.meeting_support import user
from tests.payment_support import BANK, payable_claim, payee, second_finance

PAID_ON = date(2026, 6, 2)


def _pay_and_reconcile(member: Member) -> PaymentBatch:
    """A bank batch paying ``member``'s claim, recorded paid and reconciled by a statement whose
    line names the payee (as banks' descriptions do)."""
    payable_claim(member, "1500.00")
    batch, _ = build_batch(BatchFilters.checked("bank"), user("finance"))
    perform(batch.id, "approve", second_finance())
    perform(batch.id, "release", user("finance"))
    perform(batch.id, "mark_paid", user("finance"), paid_on=PAID_ON, bank_reference="FT77")
    (payment,) = db.session.get(PaymentBatch, batch.id).payments
    statement = ("Date,Reference,Amount,Description\n"
                 f"2026-06-02,{payment.reference},-{payment.amount},"
                 f"Transfer to {payment.payee_name}\n").encode()
    import_statement("bank", "june.csv", statement, user("finance"))
    return db.session.get(PaymentBatch, batch.id)


@pytest.fixture
def paid(app):
    """A member who left, paid and reconciled while still a member."""
    with app.app_context():
        member = payee(**BANK)
        batch = _pay_and_reconcile(member)
        member = db.session.get(Member, member.id)
        member.status = "terminated"
        db.session.commit()
        (payment,) = batch.payments
        ids = {"member": member.id, "number": member.member_number, "payment": payment.id,
               "reference": payment.reference, "amount": f"{payment.amount:.2f}"}
        db.session.remove()
    return ids


def test_the_subject_access_export_carries_the_payments_as_sent(paid, admin_client):
    response = admin_client.get(f"/privacy/{paid['member']}/export?format=json")
    assert response.status_code == 200
    (payment,) = json.loads(response.get_data())["payments"]
    assert (payment["reference"], payment["amount"], payment["status"]) == (
        paid["reference"], paid["amount"], "paid")
    assert (payment["payee_name"], payment["bank_name"], payment["bank_branch_code"],
            payment["bank_account_number"]) == (BANK["bank_account_name"], BANK["bank_name"],
                                                BANK["bank_branch_code"],
                                                BANK["bank_account_number"])
    assert (payment["paid_on"], payment["bank_reference"], payment["method"]) == (
        PAID_ON.isoformat(), "FT77", "bank")
    assert payment["reconciled_at"] is not None and payment["batch_number"]
    (line,) = payment["statement_lines"]
    assert (line["reference"], line["amount"]) == (paid["reference"], paid["amount"])
    assert line["description"] == f"Transfer to {BANK['bank_account_name']}"

    pdf = admin_client.get(f"/privacy/{paid['member']}/export?format=pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_data())).pages)
    assert "Payments" in text and paid["reference"] in text
    assert BANK["bank_account_number"] in text


def test_anonymising_replaces_the_payee_details_and_keeps_the_accounts(app, paid,
                                                                       api_headers):
    with app.app_context():
        before = run(db.session, "financial_summary", {"date_from": "2026-01-01"}).totals
        kept = db.session.execute(sa.select(
            Payment.amount, Payment.reference, Payment.paid_on, Payment.reconciled_at,
            Payment.bank_name, Payment.bank_branch_code, Payment.status)
            .where(Payment.id == paid["payment"])).one()
    done = app.test_client().post(f"/api/v1/member/{paid['member']}/anonymise",
                                  headers=api_headers("admin"))
    assert done.status_code == 200, done.get_json()
    with app.app_context():
        payment = db.session.get(Payment, paid["payment"])
        assert payment.payee_name == f"Member {paid['number']}"
        assert (payment.bank_account_number, payment.phone) == (None, None)
        assert (payment.amount, payment.reference, payment.paid_on, payment.reconciled_at,
                payment.bank_name, payment.bank_branch_code, payment.status) == tuple(kept)
        line = db.session.scalars(sa.select(StatementLine).where(
            StatementLine.payment_id == payment.id)).one()
        assert line.description == "[anonymised]" and line.reference == paid["reference"]
        after = run(db.session, "financial_summary", {"date_from": "2026-01-01"}).totals
        assert after == before and after["settled"] == payment.amount
    exported = app.test_client().get(
        f"/api/v1/member/{paid['member']}/subject_access?format=json",
        headers=api_headers("admin"))
    assert BANK["bank_account_name"] not in exported.get_data(as_text=True)
    assert BANK["bank_account_number"] not in exported.get_data(as_text=True)


def test_a_member_with_a_payment_in_an_open_batch_is_refused(app, api_headers):
    with app.app_context():
        member = payee(**BANK)
        payable_claim(member, "1500.00")
        batch, _ = build_batch(BatchFilters.checked("bank"), user("finance"))
        perform(batch.id, "approve", second_finance())
        perform(batch.id, "release", user("finance"))
        db.session.get(Member, member.id).status = "lapsed"
        db.session.commit()
        ids = (member.id, batch.id, batch.batch_number)
        db.session.remove()
    member_id, batch_id, number = ids
    refused = app.test_client().post(f"/api/v1/member/{member_id}/anonymise",
                                     headers=api_headers("admin"))
    assert refused.status_code == 409
    assert number in refused.get_json()["message"] and "open batch" in refused.get_json()[
        "message"]
    with app.app_context():
        (payment,) = db.session.get(PaymentBatch, batch_id).payments
        assert payment.payee_name == BANK["bank_account_name"]
        assert payment.bank_account_number == BANK["bank_account_number"]
        assert db.session.get(Member, member_id).anonymised_at is None
