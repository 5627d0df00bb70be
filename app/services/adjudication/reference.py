"""The fund's reference data the engine reads for every claim, read once per unit of work.

Benefit categories, a provider's rate overrides and the settings do not change while one
transition or one bulk run works; inside :func:`reference_snapshot` they are queried once and
kept, so a bulk run of thousands of claims does not query them thousands of times. Outside a
snapshot every call reads the database, as before.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import BenefitCategory, ProviderRateOverride, ScaleItem
from app.services.settings import settings_snapshot


@dataclass(frozen=True)
class Category:
    id: int
    key: str
    annual_limit: Decimal | None
    critical_illness_top_up: Decimal


@dataclass(frozen=True)
class ProviderRates:
    by_item_code: dict[str, Decimal]
    by_claim_type: dict[str, Decimal]


@dataclass
class _Snapshot:
    categories: tuple[Category, ...] | None = None
    rates: dict[int, ProviderRates] = field(default_factory=dict)


_current: ContextVar[_Snapshot | None] = ContextVar("adjudication_reference", default=None)


@contextmanager
def reference_snapshot() -> Iterator[None]:
    """Keep categories, provider rates and settings for the block; nested blocks share it."""
    if _current.get() is not None:
        yield
        return
    token = _current.set(_Snapshot())
    try:
        with settings_snapshot():
            yield
    finally:
        _current.reset(token)


def categories(session: Session) -> tuple[Category, ...]:
    snapshot = _current.get()
    if snapshot is not None and snapshot.categories is not None:
        return snapshot.categories
    rows = session.execute(
        sa.select(BenefitCategory.id, BenefitCategory.key, BenefitCategory.annual_limit,
                  BenefitCategory.critical_illness_top_up).order_by(BenefitCategory.id)
    ).all()
    found = tuple(Category(*row) for row in rows)
    if snapshot is not None:
        snapshot.categories = found
    return found


def provider_rates(session: Session, provider_id: int) -> ProviderRates:
    snapshot = _current.get()
    if snapshot is not None and provider_id in snapshot.rates:
        return snapshot.rates[provider_id]
    rows = session.execute(
        sa.select(ScaleItem.code, ProviderRateOverride.claim_type,
                  ProviderRateOverride.rate_percent)
        .select_from(ProviderRateOverride)
        .outerjoin(ScaleItem, ProviderRateOverride.scale_item_id == ScaleItem.id)
        .where(ProviderRateOverride.provider_id == provider_id)
    ).all()
    rates = ProviderRates(
        by_item_code={code: rate for code, _, rate in rows if code},
        by_claim_type={claim_type: rate for _, claim_type, rate in rows if claim_type},
    )
    if snapshot is not None:
        snapshot.rates[provider_id] = rates
    return rates
