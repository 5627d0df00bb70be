"""One value as text (CSV, PDF) or as JSON: money with two places, dates as ISO, no floats for
money ever; days and percentages with one decimal."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from app.services.reports.base import DAYS, MONEY, PERCENT, Column


def text(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == MONEY:
        return f"{Decimal(value):.2f}"
    if kind in (DAYS, PERCENT) and not isinstance(value, str):
        return f"{Decimal(str(value)):.1f}"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def display(value: Any, kind: str) -> str:
    """For people reading a PDF: thousands separated."""
    if value is not None and kind == MONEY:
        return f"{Decimal(value):,.2f}"
    return text(value, kind)


def json_value(value: Any, column: Column) -> Any:
    """Money as a string with two places (exact), counts as numbers, dates as ISO text."""
    if value is None or isinstance(value, (bool, int)) and column.kind != MONEY:
        return value
    if column.kind in (DAYS,) and isinstance(value, float):
        return value
    return text(value, column.kind)
