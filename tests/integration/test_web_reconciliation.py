"""Reconciliation by web and REST (issue 7, point 4): Finance imports a statement, sees what
each line matched and what is left to follow up; the same file again changes nothing."""

from __future__ import annotations

import io
from datetime import date

import pytest

from app.extensions import db
from app.services.payments.batches import build_batch, perform
from app.services.payments.eligibility import BatchFilters
from tests.helpers import csrf_token
from tests.integration.web_support import text
from tests.meeting_support import user
from tests.payment_support import payable_claim, payee, second_finance


@pytest.fixture
def references(app):
    with app.app_context():
        for cost in ("1500.00", "2000.00"):
            payable_claim(payee(), cost)
        batch, _ = build_batch(BatchFilters.checked("bank"), user("finance"))
        perform(batch.id, "approve", second_finance())
        perform(batch.id, "release", user("finance"))
        perform(batch.id, "mark_paid", user("finance"), paid_on=date.today(),
                bank_reference="FT7")
        refs = [(p.reference, p.amount) for p in batch.payments]
        db.session.remove()
    return refs


def _statement(references) -> bytes:
    (first, amount), _ = references
    return (f"date,reference,amount\n{date.today()},{first},{amount}\n"
            f"{date.today()},UNKNOWN-77,10.00\n").encode()


def test_finance_imports_a_statement_on_the_web(client_for, references):
    finance = client_for("finance")
    token = csrf_token(finance, "/statements/import")
    answer = finance.post("/statements/import", data={
        "csrf_token": token, "source": "bank",
        "file": (io.BytesIO(_statement(references)), "june.csv")},
        content_type="multipart/form-data")
    assert answer.status_code == 302
    page = text(finance.get(answer.headers["Location"]))
    assert "1 matched to a payment" in page and "No payment has this reference." in page
    follow_up = text(finance.get("/statements/unmatched"))
    assert "UNKNOWN-77" in follow_up and references[1][0] in follow_up
    assert references[0][0] not in follow_up.split("Paid payments no statement line")[1]

    again = finance.post("/statements/import", data={
        "csrf_token": token, "source": "bank",
        "file": (io.BytesIO(_statement(references)), "june-again.csv")},
        content_type="multipart/form-data")
    assert "imported before: nothing changed" in text(finance.get(again.headers["Location"]))


def test_statement_import_over_rest(client, api_headers, references):
    def send(who: str):
        return client.post("/api/v1/statementimport/import", headers=api_headers(who),
                           data={"source": "bank",
                                 "file": (io.BytesIO(_statement(references)), "june.csv")},
                           content_type="multipart/form-data")

    assert send("auditor").status_code == 403
    first = send("finance")
    assert first.status_code == 201 and first.get_json()["matched"] == 1
    again = send("finance")
    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    left = client.get("/api/v1/statementimport/unmatched", headers=api_headers("auditor"))
    body = left.get_json()
    assert [line["reference"] for line in body["lines"]] == ["UNKNOWN-77"]
    assert [p["reference"] for p in body["payments"]] == [references[1][0]]
    bad = client.post("/api/v1/statementimport/import", headers=api_headers("finance"),
                      data={"source": "bank", "file": (io.BytesIO(b"x,y\n1,2\n"), "x.csv")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422
    assert client.get("/api/v1/statementimport/",
                      headers=api_headers("member1")).status_code == 403
