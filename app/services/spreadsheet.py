"""Cells of the files the fund opens in a spreadsheet, safe from formula injection.

A CSV cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
formula by Excel, LibreOffice and Google Sheets; a member's name, a provider's name or a payee
typed as ``=HYPERLINK(...)`` would then act on the machine of whoever opens the export. Every
CSV writer of the app passes its cells through ``csv_cell``: text gets a leading single quote
(the spreadsheets' own "this is text" mark), anything else is left as it is. So the writers
keep numbers as numbers (Decimal, int) until the csv module writes them: a negative amount is
still ``-12.50``, and a bank reading a payout file reads its amounts and control totals exactly.
"""

from __future__ import annotations

from typing import Any, Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """``value`` as a CSV writer should get it: text that a spreadsheet would run as a formula
    prefixed with ``'``; numbers, dates and None unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(value) for value in values]
