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


def fund_time(moment: datetime | None) -> str:
    """A stored moment (naive UTC, as every timestamp column keeps it) as people read it: in
    the fund's time zone, to the minute, with the zone's name ("06 Dec 2026 18:17 EAT")."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(fund_timezone()).strftime("%d %b %Y %H:%M %Z")


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
