"""Providers (hospitals, clinics, ...) and their negotiated rate overrides."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask_appbuilder.models.sqla import Model
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import PERCENT, TimestampMixin, enum_column
from app.models.enums import CLAIM_TYPES, PROVIDER_TYPES
from app.models.scale import ScaleItem


class Provider(TimestampMixin, Model):
    __tablename__ = "provider"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(150), nullable=False, index=True)
    provider_type: Mapped[str] = mapped_column(
        enum_column("provider_type", PROVIDER_TYPES), nullable=False
    )
    registration_code: Mapped[str] = mapped_column(sa.String(50), unique=True, nullable=False)
    country: Mapped[str] = mapped_column(sa.String(2), nullable=False, default="KE")
    active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    rate_overrides: Mapped[list["ProviderRateOverride"]] = relationship(
        back_populates="provider", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return self.name


class ProviderRateOverride(TimestampMixin, Model):
    """A provider's own rate for one claim type or one scale item (item wins over type)."""

    __tablename__ = "provider_rate_override"
    __table_args__ = (
        sa.CheckConstraint(
            "(claim_type IS NULL) <> (scale_item_id IS NULL)",
            name="ck_provider_rate_override_target",
        ),
        sa.CheckConstraint(
            "rate_percent >= 0 AND rate_percent <= 100", name="ck_provider_rate_override_rate"
        ),
        sa.UniqueConstraint(
            "provider_id", "claim_type", "scale_item_id", name="uq_provider_rate_override"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        sa.ForeignKey("provider.id", ondelete="CASCADE"), nullable=False, index=True
    )
    provider: Mapped[Provider] = relationship(back_populates="rate_overrides")
    claim_type: Mapped[str | None] = mapped_column(enum_column("claim_type", CLAIM_TYPES))
    scale_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("scale_item.id"))
    scale_item: Mapped[ScaleItem | None] = relationship()
    rate_percent: Mapped[Decimal] = mapped_column(PERCENT, nullable=False)

    def __repr__(self) -> str:
        target = self.claim_type or (self.scale_item.code if self.scale_item else "?")
        return f"{self.provider}: {target} {self.rate_percent}%"
