"""The fund's local dates: rules speak of dates in the fund's time zone, not the server's."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Africa/Nairobi"


def fund_timezone() -> ZoneInfo:
    name = DEFAULT_TIMEZONE
    if has_app_context():
        name = current_app.config.get("FUND_TIMEZONE", DEFAULT_TIMEZONE)
    return ZoneInfo(name)


def fund_today() -> date:
    return datetime.now(timezone.utc).astimezone(fund_timezone()).date()


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
