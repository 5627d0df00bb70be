"""The reports' files parsed back (csv, openpyxl, json, pypdf) and their totals compared with
the database; the claims list's streams at several page sizes, and Excel's row limit."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from app.extensions import db
from app.services import reports
from app.services.errors import ValidationFailed
from app.services.reports import claims_list
from app.services.reports.render import EXCEL_MAX_ROWS, render_report, stream_rows
from tests.integration.report_support import build_report_fund, period_args

FUND = "Claimdesk Test Fund"


@pytest.fixture
def fund(ctx):
    return build_report_fund()


HEADING = ("Month of decision", "Claims", "Approved", "Paid", "Settled (reconciled)",
           "Paid, not reconciled", "Outstanding")
AMOUNTS = ("approved", "paid", "settled", "unreconciled", "outstanding")


def db_financial_totals(fund) -> tuple[int, list[D]]:
    """Claims decided in the period with an amount approved, joined to their paid payment."""
    n, *amounts = db.session.execute(sa.text(
        "SELECT COUNT(*), SUM(c.total_approved), "
        "SUM(CASE WHEN p.id IS NOT NULL THEN p.amount ELSE 0 END), "
        "SUM(CASE WHEN p.reconciled_at IS NOT NULL THEN p.amount ELSE 0 END), "
        "SUM(CASE WHEN p.id IS NOT NULL AND p.reconciled_at IS NULL THEN p.amount ELSE 0 END), "
        "SUM(CASE WHEN p.id IS NULL THEN c.total_approved ELSE 0 END) "
        "FROM claim c LEFT JOIN payment p ON p.claim_id = c.id AND p.status = 'paid' "
        "WHERE c.status IN ('approved', 'partially_approved', 'paid') "
        "AND c.decided_at >= :lo AND c.decided_at < :hi"), {"lo": fund.bounds[0],
                                                            "hi": fund.bounds[12]}).one()
    return n, [D(a) for a in amounts]


def test_csv_xlsx_json_of_a_summary_carry_its_rows_and_totals(fund):
    report = reports.run(db.session, "financial_summary", period_args(fund))
    n, amounts = db_financial_totals(fund)
    assert amounts[2] > 0 and amounts[3] > 0  # some settled, some paid and not reconciled

    lines = list(csv.reader(io.StringIO(render_report(report, "csv", FUND).body.decode())))
    assert lines[0] == list(HEADING)
    assert lines[-1] == ["Total", str(n), *(f"{a:.2f}" for a in amounts)]
    assert sum(D(line[2]) for line in lines[1:-1]) == amounts[0]
    assert len(lines) == len(report.rows) + 2

    book = load_workbook(io.BytesIO(render_report(report, "xlsx", FUND).body), read_only=True)
    values = [row for row in book.active.iter_rows(values_only=True)]
    assert values[0][0] == "Financial summary"
    heading = values.index(HEADING)
    assert values[-1][0] == "Total"
    assert [D(str(v)) for v in values[-1][2:]] == amounts
    assert sum(D(str(row[2])) for row in values[heading + 1:-1]) == amounts[0]

    document = json.loads(render_report(report, "json", FUND).body)
    assert document["totals"] == {"month": "Total", "decided": n,
                                  **{k: f"{a:.2f}" for k, a in zip(AMOUNTS, amounts,
                                                                   strict=True)}}
    assert document["filters"]["date_from"] == period_args(fund)["date_from"]
    assert len(document["rows"]) == len(report.rows)


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_pdf_of_a_summary_names_the_fund_period_filters_totals_and_pages(fund):
    args = period_args(fund, claim_type="outpatient")
    report = reports.run(db.session, "financial_summary", args)
    text = pdf_text(render_report(report, "pdf", FUND).body)
    assert FUND in text and "Financial summary" in text
    assert f"{report.filters.date_from:%d %b %Y} to {report.filters.date_to:%d %b %Y}" in text
    assert "Outpatient" in text
    approved = db.session.execute(sa.text(
        "SELECT SUM(total_approved) FROM claim WHERE claim_type = 'outpatient' AND status IN "
        "('approved', 'partially_approved', 'paid') AND decided_at >= :lo AND decided_at < :hi"),
        {"lo": fund.bounds[0], "hi": fund.bounds[12]}).scalar_one()
    assert f"{D(approved):,.2f}" in text
    assert "Page 1 of 1" in text


def test_a_long_pdf_numbers_every_page(fund, monkeypatch):
    report = reports.run(db.session, "claims_by_status", period_args(fund))
    report.rows = report.rows * 30  # a few pages' worth
    reader = PdfReader(io.BytesIO(render_report(report, "pdf", FUND).body))
    pages = len(reader.pages)
    assert pages > 1
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {pages}" in text
        assert "Claimed" in text  # the heading repeats on every page


def db_claims(fund) -> tuple[int, D, list[str]]:
    rows = db.session.execute(sa.text(
        "SELECT claim_number, total_claimed FROM claim WHERE submitted_at >= :lo "
        "AND submitted_at < :hi ORDER BY id"), {"lo": fund.bounds[0], "hi": fund.bounds[12]}
    ).all()
    return len(rows), sum((D(r[1]) for r in rows), D(0)), [r[0] for r in rows]


@pytest.mark.parametrize("page_size", [1, 4, 5000])
def test_claims_list_streams_every_row_once_in_pages(fund, page_size):
    f = reports.parse_filters(db.session, period_args(fund))
    n, claimed, numbers = db_claims(fund)
    assert claims_list.count(db.session, f) == n
    out = stream_rows("claims", "csv", claims_list.COLUMNS, n,
                      lambda: claims_list.rows(db.session, f, page_size))
    lines = list(csv.reader(io.StringIO("".join(out.body))))
    assert lines[0][0] == "Claim" and len(lines) == n + 1
    assert [line[0] for line in lines[1:]] == numbers
    assert sum(D(line[10]) for line in lines[1:]) == claimed


def test_claims_list_as_json_lines_and_excel(fund):
    f = reports.parse_filters(db.session, period_args(fund))
    n, claimed, numbers = db_claims(fund)
    out = stream_rows("claims", "jsonl", claims_list.COLUMNS, n,
                      lambda: claims_list.rows(db.session, f, 3))
    records = [json.loads(line) for line in "".join(out.body).splitlines()]
    assert [r["claim_number"] for r in records] == numbers
    assert sum(D(r["total_claimed"]) for r in records) == claimed

    out = stream_rows("claims", "xlsx", claims_list.COLUMNS, n,
                      lambda: claims_list.rows(db.session, f))
    book = load_workbook(io.BytesIO(b"".join(out.body)), read_only=True)
    values = list(book.active.iter_rows(values_only=True))
    assert values[0][0] == "Claim" and len(values) == n + 1
    assert sum(D(str(v[10])) for v in values[1:]) == claimed


def test_excel_refuses_more_rows_than_a_sheet_holds_before_reading_any():
    def never():
        raise AssertionError("no row may be read")

    with pytest.raises(ValidationFailed) as refused:
        stream_rows("claims", "xlsx", claims_list.COLUMNS, EXCEL_MAX_ROWS, never)
    assert "do not fit in an Excel sheet" in refused.value.errors["format"]
    # one row fewer fits, with the heading
    stream_rows("claims", "xlsx", claims_list.COLUMNS, EXCEL_MAX_ROWS - 1, never)
    with pytest.raises(ValidationFailed):
        stream_rows("claims", "pdf", claims_list.COLUMNS, 1, never)
