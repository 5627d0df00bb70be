"""What every report shares: its filters (period, claim type, status, provider), the result a
renderer turns into CSV, Excel, JSON or PDF, and the small SQL pieces the reports use.

The period is two of the fund's local dates, both included; a claim falls in it when the
instant that report looks at (its submission, or its decision for the money) lies between the
fund's local midnight starting ``date_from`` and the one ending ``date_to``, converted to naive
UTC as every timestamp is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any, Mapping

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Claim, Provider
from app.models.enums import CLAIM_STATUSES, CLAIM_TYPES
from app.services.adjudication.loader import benefit_year
from app.services.calendar import fund_timezone, fund_today
from app.services.errors import BadParameters
from app.services.settings import get_setting

SECONDS_PER_DAY = 86400
# The longest period a report covers: ten years keeps month tables and PDFs readable.
MAX_PERIOD_DAYS = 3660
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)

MONEY, INT, TEXT, DAYS, PERCENT, DATE = "money", "int", "text", "days", "percent", "date"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT


@dataclass(frozen=True)
class ReportFilters:
    date_from: date
    date_to: date
    claim_type: str | None = None
    status: str | None = None
    provider_id: int | None = None
    provider_name: str | None = None

    def start(self) -> datetime:
        return local_midnight_utc(self.date_from)

    def end(self) -> datetime:
        return local_midnight_utc(self.date_to + timedelta(days=1))

    def as_json(self) -> dict[str, Any]:
        return {"date_from": self.date_from.isoformat(), "date_to": self.date_to.isoformat(),
                "claim_type": self.claim_type, "status": self.status,
                "provider_id": self.provider_id}

    def describe(self) -> list[tuple[str, str]]:
        """(label, value) pairs for a document's heading."""
        return [("Period", f"{self.date_from:%d %b %Y} to {self.date_to:%d %b %Y}"),
                ("Claim type", _word(self.claim_type)), ("Status", _word(self.status)),
                ("Provider", self.provider_name or "All")]


def _word(value: str | None) -> str:
    return "All" if value is None else value.replace("_", " ").capitalize()


@dataclass
class Report:
    """Rows of plain values (Decimal money, int counts, float days) and their totals."""

    name: str
    title: str
    description: str
    filters: ReportFilters
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    totals: dict[str, Any] = field(default_factory=dict)
    # Filters this report does not use (the membership statistics ignore the claims' filters).
    ignores: tuple[str, ...] = ()


# --- filters from a request's arguments ----------------------------------------------------------
def _date(raw: str | None, name: str, errors: dict[str, str]) -> date | None:
    if raw in (None, ""):
        return None
    try:
        day = date.fromisoformat(str(raw))
    except ValueError:
        errors[name] = "Give a date as YYYY-MM-DD."
        return None
    if not EARLIEST <= day <= LATEST:  # the fund's calendar, far from the calendar's ends
        errors[name] = f"Give a date between {EARLIEST.year} and {LATEST.year}."
        return None
    return day


def _choice(raw: str | None, name: str, allowed: tuple[str, ...],
            errors: dict[str, str]) -> str | None:
    if raw in (None, ""):
        return None
    if raw not in allowed:
        errors[name] = f"Choose one of: {', '.join(allowed)}."
        return None
    return str(raw)


def parse_filters(session: Session, args: Mapping[str, Any]) -> ReportFilters:
    """Filters from a form or query string; each bad value is named in ValidationFailed.
    Without dates the period is this benefit year up to today."""
    errors: dict[str, str] = {}
    today = fund_today()
    date_from = _date(args.get("date_from"), "date_from", errors)
    date_to = _date(args.get("date_to"), "date_to", errors)
    claim_type = _choice(args.get("claim_type"), "claim_type", CLAIM_TYPES, errors)
    status = _choice(args.get("status"), "status", CLAIM_STATUSES, errors)
    provider_id, provider_name = None, None
    raw_provider = args.get("provider_id")
    if raw_provider not in (None, ""):
        try:
            provider_id = int(raw_provider)
            if not 0 < provider_id < 2**31:
                raise ValueError
        except (TypeError, ValueError):
            errors["provider_id"] = "Give a provider's id."
        else:
            provider_name = session.scalar(sa.select(Provider.name)
                                           .where(Provider.id == provider_id))
            if provider_name is None:
                errors["provider_id"] = "No such provider."
    if errors:
        raise BadParameters(errors)
    date_to = date_to or today
    if date_from is None:
        date_from = benefit_year(date_to, int(get_setting("benefit_year_start_month")))[0]
    if date_from > date_to:
        raise BadParameters({"date_from": "The period starts after it ends."})
    if (date_to - date_from).days > MAX_PERIOD_DAYS:
        raise BadParameters({"date_from": "A report covers at most ten years."})
    return ReportFilters(date_from, date_to, claim_type, status, provider_id, provider_name)


# --- SQL pieces ----------------------------------------------------------------------------------
def local_midnight_utc(day: date) -> datetime:
    local = datetime.combine(day, time(), tzinfo=fund_timezone())
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def claim_conditions(f: ReportFilters, moment: Any = Claim.submitted_at) -> list[Any]:
    """The filters as WHERE conditions on ``claim``, the period applied to ``moment``."""
    conditions = [moment >= f.start(), moment < f.end()]
    if f.claim_type:
        conditions.append(Claim.claim_type == f.claim_type)
    if f.status:
        conditions.append(Claim.status == f.status)
    if f.provider_id:
        conditions.append(Claim.provider_id == f.provider_id)
    return conditions


def months_of(f: ReportFilters) -> list[date]:
    first, months = f.date_from.replace(day=1), []
    while first <= f.date_to:
        months.append(first)
        first = (first + timedelta(days=32)).replace(day=1)
    return months


def month_case(moment: Any, f: ReportFilters) -> Any:
    """The first day of the (fund-local) month ``moment`` falls in, as text 'YYYY-MM', by one
    CASE over the months' UTC bounds: the same on SQLite and PostgreSQL."""
    months = months_of(f)
    bounds = [local_midnight_utc((m + timedelta(days=32)).replace(day=1)) for m in months]
    return sa.case(*((moment < bound, m.strftime("%Y-%m")) for m, bound in zip(
        months, bounds, strict=True)), else_=None)


def seconds_between(session: Session, start: Any, end: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return sa.cast(sa.func.floor(sa.extract("epoch", end - start)), sa.BigInteger)
    return (sa.cast(sa.func.strftime("%s", end), sa.Integer)
            - sa.cast(sa.func.strftime("%s", start), sa.Integer))


def money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def person_name(first: str | None, middle: str | None, last: str | None) -> str:
    return " ".join(part for part in (first, middle, last) if part)
