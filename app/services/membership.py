"""Membership terms: validity and the start of benefits (SPEC "Member")."""

from __future__ import annotations

from datetime import date, timedelta

from app.models import MembershipType

# Single, joint and family memberships run in the fund's two-year cycles from this date.
FUND_CYCLE_ANCHOR = date(2011, 4, 14)
FUND_CYCLE_YEARS = 2


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def cycle_end(receipt: date) -> date:
    """Last day of the fund cycle that contains ``receipt``."""
    start = FUND_CYCLE_ANCHOR
    while _add_years(start, FUND_CYCLE_YEARS) <= receipt:
        start = _add_years(start, FUND_CYCLE_YEARS)
    return _add_years(start, FUND_CYCLE_YEARS) - timedelta(days=1)


def validity(
    membership_type: MembershipType, receipt: date
) -> tuple[date, date | None, date]:
    """(valid from, valid to or None for life, benefits from) for a contribution received on
    ``receipt``."""
    if membership_type.follows_fund_cycle:
        valid_to: date | None = cycle_end(receipt)
    elif membership_type.term_years is None:
        valid_to = None
    else:
        valid_to = _add_years(receipt, membership_type.term_years) - timedelta(days=1)
    benefits_from = receipt + timedelta(days=membership_type.waiting_period_days)
    return receipt, valid_to, benefits_from
