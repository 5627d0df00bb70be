"""The fund's named settings: what each one means, its type, its by-laws default.

One declarative table (:data:`SETTINGS`) is the only place a setting is defined. Values are kept
in the ``setting`` table as text with their type; :func:`get_setting` reads them typed and falls
back to the default, so a fund that never touched a setting still follows its by-laws.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Iterator, Union

import sqlalchemy as sa

from app.extensions import db
from app.models import Setting
from app.models.enums import SETTING_TYPES
from app.services.errors import NotFound, ValidationFailed

log = logging.getLogger(__name__)

SettingValue = Union[int, Decimal, bool, str]

INT, DECIMAL, BOOL, TEXT = SETTING_TYPES
TEXT_MAX = 255  # the width of setting.value
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
_TYPE_MESSAGES = {INT: "Enter a whole number.", DECIMAL: "Enter a number such as 1500.00."}


@dataclass(frozen=True)
class SettingDefinition:
    key: str
    value_type: str
    default: SettingValue
    description: str
    minimum: int | Decimal | None = None
    maximum: int | Decimal | None = None


def _int(key: str, default: int, description: str, minimum: int = 1, maximum: int | None = None):
    return SettingDefinition(key, INT, default, description, minimum, maximum)


SETTINGS: tuple[SettingDefinition, ...] = (
    _int(
        "late_submission_days",
        90,
        "Days after the first visit or the discharge within which a claim must reach the fund.",
        maximum=3650,
    ),
    _int(
        "abroad_submission_days",
        30,
        "Days after the return from treatment abroad within which a claim must reach the fund.",
        maximum=3650,
    ),
    _int(
        "admission_notice_hours",
        48,
        "Hours after an admission within which the fund must be told; later is flagged.",
        maximum=8760,
    ),
    _int(
        "decision_sla_days",
        30,
        "Days from submission within which a claim is decided.",
        maximum=365,
    ),
    _int("payment_sla_days", 30, "Days from approval within which a claim is paid.", maximum=365),
    _int(
        "sla_at_risk_percent",
        25,
        "A claim is at risk when less than this share of its SLA time is left.",
        maximum=99,
    ),
    _int(
        "reviewer_capacity",
        25,
        "Open claims a committee reviewer is assigned at most.",
        maximum=10000,
    ),
    _int(
        "benefit_year_start_month", 1, "Month (1-12) in which the benefit year starts.", maximum=12
    ),
    SettingDefinition(
        "ratification_threshold",
        DECIMAL,
        Decimal("0.00"),
        "Decisions with an approved total above this amount (KES) need ratification at a "
        "committee meeting; 0 ratifies every decision.",
        minimum=Decimal("0"),
        maximum=Decimal("999999999999.99"),
    ),
    SettingDefinition(
        "show_reviewer_names",
        BOOL,
        False,
        "Show members the names of the committee members who reviewed their claims.",
    ),
    _int(
        "committee_quorum",
        4,
        "Committee members present for a meeting to ratify decisions.",
        maximum=100,
    ),
    _int(
        "phone_country_code",
        254,
        "Country dialling code of mobile numbers written without one (0712 345678): payout "
        "files carry every number in international format.",
        maximum=999,
    ),
    _int("max_file_mb", 10, "Largest single attachment, in MB.", maximum=1024),
    _int("max_claim_files_mb", 50, "Largest total of a claim's attachments, in MB.", maximum=10240),
    _int("max_claim_files", 30, "Most attachments on one claim.", maximum=1000),
)

DEFINITIONS: dict[str, SettingDefinition] = {d.key: d for d in SETTINGS}


def definition(key: str) -> SettingDefinition:
    try:
        return DEFINITIONS[key]
    except KeyError:
        raise NotFound(f"There is no setting named {key!r}.") from None


# --- Parsing and validation ----------------------------------------------------------------


def _parse(value_type: str, value: Any) -> SettingValue:
    """The typed value, or ValueError with a message a user can read."""
    if value_type not in SETTING_TYPES:
        raise ValueError(f"Unknown setting type {value_type!r}.")
    if value_type == BOOL:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError("Enter true or false.")
    if value is None:
        raise ValueError(_TYPE_MESSAGES.get(value_type, "Enter a value."))
    if isinstance(value, bool) and value_type != TEXT:
        raise ValueError(_TYPE_MESSAGES[value_type])
    text = str(value).strip()
    if value_type == TEXT:
        if len(text) > TEXT_MAX:
            raise ValueError(f"Use at most {TEXT_MAX} characters.")
        return text
    if len(text) > 40:  # longer is never a sensible number, and int() of huge text is slow
        raise ValueError(_TYPE_MESSAGES[value_type])
    if value_type == INT:
        if isinstance(value, int):
            return value
        try:
            return int(text)
        except ValueError:
            raise ValueError(_TYPE_MESSAGES[INT]) from None
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValueError(_TYPE_MESSAGES[DECIMAL]) from None
    if not number.is_finite():
        raise ValueError(_TYPE_MESSAGES[DECIMAL])
    if number.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError("Use at most 2 decimal places.")
    return number


def _range_error(spec: SettingDefinition, value: SettingValue) -> str | None:
    low, high = spec.minimum, spec.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        if high is None:
            return f"Enter a number of at least {low}."
        if low is None:
            return f"Enter a number of at most {high}."
        return f"Enter a number from {low} to {high}."
    return None


def setting_value_error(key_or_type: str, value: Any) -> str | None:
    """Why ``value`` cannot be stored for a setting (by key, with its bounds) or a type; None
    when it can."""
    spec = DEFINITIONS.get(key_or_type)
    value_type = spec.value_type if spec else key_or_type
    if value_type not in SETTING_TYPES:
        return f"There is no setting or setting type named {key_or_type!r}."
    try:
        parsed = _parse(value_type, value)
    except ValueError as exc:
        return str(exc)
    if spec is not None and value_type in (INT, DECIMAL):
        return _range_error(spec, parsed)
    return None


def format_value(value_type: str, value: SettingValue) -> str:
    """The stored text of a typed value."""
    if value_type == BOOL:
        return "true" if value else "false"
    if value_type == DECIMAL:
        return format(Decimal(value), "f")
    return str(value)


def parse_value(value_type: str, text: str) -> SettingValue:
    return _parse(value_type, text)


# --- Reading and writing -------------------------------------------------------------------


def _row(key: str) -> Setting | None:
    return db.session.execute(sa.select(Setting).where(Setting.key == key)).scalar_one_or_none()


# Values already read in the current unit of work (see settings_snapshot); None outside one.
_snapshot: ContextVar[dict[str, SettingValue] | None] = ContextVar("settings", default=None)


@contextmanager
def settings_snapshot() -> Iterator[None]:
    """Read each setting at most once inside the block (a transition, a bulk run): one rule set
    for the whole run, and no query per claim. Nested blocks share the outer snapshot."""
    if _snapshot.get() is not None:
        yield
        return
    token = _snapshot.set({})
    try:
        yield
    finally:
        _snapshot.reset(token)


def get_setting(key: str) -> SettingValue:
    """The fund's value of a setting, typed; its default when the fund has not stored one."""
    cache = _snapshot.get()
    if cache is not None and key in cache:
        return cache[key]
    value = _read_setting(key)
    if cache is not None:
        cache[key] = value
    return value


def _read_setting(key: str) -> SettingValue:
    spec = DEFINITIONS.get(key)
    row = _row(key)
    if row is None:
        if spec is None:
            raise NotFound(f"There is no setting named {key!r}.")
        return spec.default
    value_type = spec.value_type if spec else row.value_type
    try:
        return _parse(value_type, row.value)
    except ValueError:
        # A value edited outside the application must not stop claims from being processed.
        log.warning("setting %s holds %r, not a %s; using the default", key, row.value, value_type)
        if spec is None:
            raise
        return spec.default


def set_setting(key: str, value: Any) -> Setting:
    """Store a new value for a defined setting (flushed, not committed)."""
    spec = definition(key)
    error = setting_value_error(key, value)
    if error:
        raise ValidationFailed({"value": error})
    text = format_value(spec.value_type, _parse(spec.value_type, value))
    row = _row(key)
    if row is None:
        row = Setting(key=key, value_type=spec.value_type, description=spec.description)
        db.session.add(row)
    row.value = text
    row.value_type = spec.value_type
    db.session.flush()
    cache = _snapshot.get()
    if cache is not None:
        cache.pop(key, None)
    return row


def ensure_settings() -> list[str]:
    """Insert a row, with its default, for every defined setting the fund does not have yet.

    Existing rows are left as they are. Returns the keys added (flushed, not committed)."""
    existing = set(db.session.execute(sa.select(Setting.key)).scalars())
    added = []
    for spec in SETTINGS:
        if spec.key not in existing:
            db.session.add(
                Setting(
                    key=spec.key,
                    value=format_value(spec.value_type, spec.default),
                    value_type=spec.value_type,
                    description=spec.description,
                )
            )
            added.append(spec.key)
    if added:
        db.session.flush()
    return added
