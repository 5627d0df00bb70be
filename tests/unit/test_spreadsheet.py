"""The one rule every CSV writer follows (app.services.spreadsheet): text that a spreadsheet
would run as a formula gets a leading quote; numbers, dates and other text are untouched."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal as D

import pytest

from app.services.reports.base import INT, MONEY, TEXT, Column, Report, ReportFilters
from app.services.reports.render.files import report_csv
from app.services.spreadsheet import csv_cell, csv_row


@pytest.mark.parametrize("typed", ["=1+1", "+254 call", "-Minus", "@SUM(A1)", "\tTab",
                                   "\rReturn", '=HYPERLINK("http://x","y")'])
def test_text_that_starts_like_a_formula_gets_a_quote(typed):
    assert csv_cell(typed) == "'" + typed


@pytest.mark.parametrize("value", ["Amina Otieno", "", "O'Brien", "a=b", "1-2", None, 7,
                                   D("-12.50"), D("0.00"), -3, date(2026, 1, 2)])
def test_other_text_numbers_and_dates_are_untouched(value):
    assert csv_cell(value) == value
    assert csv_row([value, "=x"]) == [value, "'=x"]


def test_a_report_csv_quotes_text_and_keeps_amounts_numbers():
    filters = ReportFilters(date_from=date(2026, 1, 1), date_to=date(2026, 12, 31))
    columns = (Column("name", "Name", TEXT), Column("claims", "Claims", INT),
               Column("amount", "Amount", MONEY))
    report = Report("t", "Test", "", filters, columns,
                    [{"name": "=cmd|' /C calc'!A0", "claims": 2, "amount": D("-12.50")},
                     {"name": "-10", "claims": 1, "amount": D("100.00")}],
                    {"name": "Total", "claims": 3, "amount": D("87.50")})
    rows = list(csv.reader(io.StringIO(report_csv(report).decode())))
    assert rows[1] == ["'=cmd|' /C calc'!A0", "2", "-12.50"]
    assert rows[2] == ["'-10", "1", "100.00"]
    assert sum(D(r[2]) for r in rows[1:-1]) == D(rows[-1][2]) == D("87.50")
