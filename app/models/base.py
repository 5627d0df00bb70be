"""Column types and mixins shared by every aggregate."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

# Money is Decimal with two places everywhere (SPEC "Adjudication"); never float.
MONEY = sa.Numeric(14, 2, asdecimal=True)
PERCENT = sa.Numeric(5, 2, asdecimal=True)
ZERO = Decimal("0.00")


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def enum_column(name: str, values: tuple[str, ...]) -> sa.Enum:
    """A string enumeration that the database constrains with a CHECK on every dialect."""
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime, default=utcnow, onupdate=utcnow, nullable=False
    )
