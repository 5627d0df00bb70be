"""Files opened in a spreadsheet never run what people typed as a formula: the payout files
(which banks read too: their amounts and control totals parse back exactly) and the claims
export, downloaded as Finance and the committee download them."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal as D

import sqlalchemy as sa
from openpyxl import load_workbook

from app.extensions import db
from app.models import Payment
from app.services.payments.batches import build_batch, perform
from app.services.payments.eligibility import BatchFilters
from tests import factories
from tests.meeting_support import user
from tests.payment_support import BANK, payable_claim, payee, second_finance

EVIL_NAME = "=HYPERLINK(\"http://evil.example\",\"Click\")"


def _released(app, method: str, payees: list[dict], costs: list[str]) -> int:
    with app.app_context():
        for details, cost in zip(payees, costs, strict=True):
            payable_claim(payee(**details), cost)
        batch, _ = build_batch(BatchFilters.checked(method), user("finance"))
        perform(batch.id, "approve", second_finance())
        perform(batch.id, "release", user("finance"))
        batch_id = batch.id
        db.session.remove()
    return batch_id


def _download(app, api_headers, batch_id: int) -> list[list[str]]:
    response = app.test_client().get(f"/api/v1/paymentbatch/{batch_id}/payout_file",
                                     headers=api_headers("finance"))
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_bank_payout_file_quotes_typed_text_and_keeps_amounts_exact(app, api_headers):
    batch_id = _released(app, "bank", [
        {**BANK, "bank_account_name": EVIL_NAME},
        {**BANK, "bank_account_name": "-Otieno", "bank_name": "@Bank"},
        BANK], ["1500.00", "1234.00", "999.00"])
    header, *rows, control = _download(app, api_headers, batch_id)
    with app.app_context():
        stored = {p.reference: p for p in db.session.scalars(
            sa.select(Payment).where(Payment.batch_id == batch_id))}
        names = {p.reference: p.payee_name for p in stored.values()}
        amounts = {p.reference: p.amount for p in stored.values()}
        total = sum(amounts.values())
    assert header[4] == "amount"
    by_reference = {row[5]: row for row in rows}
    assert set(by_reference) == set(stored)
    for reference, row in by_reference.items():
        name = names[reference]
        assert row[0] == (f"'{name}" if name[0] in "=-@" else name)
        assert row[4] == f"{amounts[reference]:.2f}" and D(row[4]) == amounts[reference]
    assert {row[0] for row in rows} >= {f"'{EVIL_NAME}", "'-Otieno"}
    assert "'@Bank" in {row[2] for row in rows}
    assert control == ["CONTROL TOTAL", "3", "", "", f"{total:.2f}", ""]
    assert sum(D(row[4]) for row in rows) == D(control[4]) == total


def test_mobile_money_file_keeps_international_numbers_and_totals(app, api_headers):
    batch_id = _released(app, "mobile_money", [
        {"payout_method": "mobile_money", "mobile_money_number": "+254712345678"},
        {"payout_method": "mobile_money", "mobile_money_number": "0733 000 111"}],
        ["1000.00", "1500.00"])
    _, *rows, control = _download(app, api_headers, batch_id)
    assert sorted(row[0] for row in rows) == ["+254712345678", "+254733000111"]
    assert control[0] == "CONTROL TOTAL" and int(control[2]) == 2
    assert sum(D(row[1]) for row in rows) == D(control[1])
    assert control[1] == f"{D(control[1]):.2f}"


def test_the_claims_export_quotes_typed_names_in_csv_and_keeps_them_text_in_excel(
        app, api_headers):
    with app.app_context():
        member = factories.member(EVIL_NAME, "+Kamau")
        provider = factories.provider("@Clinic")
        claim = factories.claim(of=member, provider=provider, status="submitted",
                                submitted_at=datetime.utcnow() - timedelta(days=1))
        claim.total_claimed = D("1500.00")
        number = claim.claim_number
        db.session.commit()
        db.session.remove()
    query = {"date_from": (date.today() - timedelta(days=30)).isoformat(),
             "date_to": date.today().isoformat()}
    client = app.test_client()
    response = client.get("/api/v1/report/claims/export", headers=api_headers("finance"),
                          query_string={**query, "format": "csv"})
    assert response.status_code == 200
    header, *rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    row = dict(zip(header, next(r for r in rows if r[0] == number), strict=True))
    assert row["Member name"] == f"'{EVIL_NAME} +Kamau"
    assert row["Provider"] == "'@Clinic" and row["Claimed"] == "1500.00"

    response = client.get("/api/v1/report/claims/export", headers=api_headers("finance"),
                          query_string={**query, "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    heading = [c.value for c in sheet[1]]
    cells = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == number)
    name = cells[heading.index("Member name")]
    assert (name.value, name.data_type) == (f"{EVIL_NAME} +Kamau", "s")  # text, not a formula
