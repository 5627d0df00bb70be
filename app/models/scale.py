"""The reimbursement scale: what the fund pays per item, versioned by effective date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_appbuilder.models.sqla import Model
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import MONEY, PERCENT, TimestampMixin, enum_column
from app.models.enums import CLAIM_TYPES, SCALE_ROLES, SCALE_UNITS
from app.models.fund import BenefitCategory


class ScaleItem(TimestampMixin, Model):
    __tablename__ = "scale_item"
    __table_args__ = (
        sa.UniqueConstraint("code", "effective_from", name="uq_scale_item_code_from"),
        sa.CheckConstraint(
            "rate_percent >= 0 AND rate_percent <= 100", name="ck_scale_item_rate"
        ),
        sa.CheckConstraint("fee_cap IS NULL OR fee_cap >= 0", name="ck_scale_item_fee_cap"),
        sa.CheckConstraint("max_per_day IS NULL OR max_per_day > 0", name="ck_scale_item_per_day"),
        sa.CheckConstraint(
            "effective_to IS NULL OR effective_to >= effective_from", name="ck_scale_item_dates"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), nullable=False, index=True)
    description: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    benefit_category_id: Mapped[int] = mapped_column(
        sa.ForeignKey("benefit_category.id"), nullable=False, index=True
    )
    benefit_category: Mapped[BenefitCategory] = relationship()
    # The claim types the item applies to, as "outpatient|inpatient" (demo scale notation).
    claim_types: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    unit: Mapped[str] = mapped_column(enum_column("scale_unit", SCALE_UNITS), nullable=False)
    rate_percent: Mapped[Decimal] = mapped_column(PERCENT, nullable=False, default=Decimal("80"))
    fee_cap: Mapped[Decimal | None] = mapped_column(MONEY)
    max_per_day: Mapped[int | None] = mapped_column(sa.Integer)
    excluded: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    role: Mapped[str | None] = mapped_column(enum_column("scale_role", SCALE_ROLES))
    bylaw: Mapped[str | None] = mapped_column(sa.String(32))
    effective_from: Mapped[date] = mapped_column(sa.Date, nullable=False)
    effective_to: Mapped[date | None] = mapped_column(sa.Date)

    def __repr__(self) -> str:
        return f"{self.code} {self.description}"

    @property
    def claim_type_list(self) -> list[str]:
        return [t for t in self.claim_types.split("|") if t]

    def applies_to(self, claim_type: str) -> bool:
        return claim_type in self.claim_type_list

    @staticmethod
    def valid_claim_types(value: str) -> bool:
        parts = [p for p in value.split("|") if p]
        distinct = len(set(parts)) == len(parts)
        return bool(parts) and distinct and all(p in CLAIM_TYPES for p in parts)
