"""The fund's configuration: membership types, benefit categories with limits, settings."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask_appbuilder.models.sqla import Model
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import MONEY, TimestampMixin, enum_column
from app.models.enums import COVERS, SETTING_TYPES


class MembershipType(TimestampMixin, Model):
    __tablename__ = "membership_type"
    __table_args__ = (
        sa.CheckConstraint("contribution >= 0", name="ck_membership_type_contribution"),
        sa.CheckConstraint("term_years IS NULL OR term_years > 0", name="ck_membership_type_term"),
        sa.CheckConstraint("child_age_limit > 0", name="ck_membership_type_child_age"),
        sa.CheckConstraint("waiting_period_days >= 0", name="ck_membership_type_waiting"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(32), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    contribution: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=Decimal("0"))
    # None means the membership runs for life.
    term_years: Mapped[int | None] = mapped_column(sa.Integer)
    # Single, joint and family memberships follow the fund's two-year cycle.
    follows_fund_cycle: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    covers: Mapped[str] = mapped_column(enum_column("covers", COVERS), nullable=False)
    child_age_limit: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=18)
    waiting_period_days: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=90)
    active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)

    def __repr__(self) -> str:
        return self.name

    @property
    def covers_spouse(self) -> bool:
        return self.covers in ("member_spouse", "family")

    @property
    def covers_children(self) -> bool:
        return self.covers == "family"


class BenefitCategory(TimestampMixin, Model):
    __tablename__ = "benefit_category"
    __table_args__ = (
        sa.CheckConstraint(
            "annual_limit IS NULL OR annual_limit >= 0", name="ck_benefit_category_limit"
        ),
        sa.CheckConstraint(
            "critical_illness_top_up >= 0", name="ck_benefit_category_top_up"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(32), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    # Per covered person and benefit year; None means no annual limit (chronic by default).
    annual_limit: Mapped[Decimal | None] = mapped_column(MONEY)
    critical_illness_top_up: Mapped[Decimal] = mapped_column(
        MONEY, nullable=False, default=Decimal("0")
    )
    description: Mapped[str | None] = mapped_column(sa.Text)

    def __repr__(self) -> str:
        return self.name


class Setting(TimestampMixin, Model):
    """A named value an admin can change (deadlines, SLA days, thresholds, ...)."""

    __tablename__ = "setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    value: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    value_type: Mapped[str] = mapped_column(
        enum_column("setting_type", SETTING_TYPES), nullable=False, default="text"
    )
    description: Mapped[str | None] = mapped_column(sa.Text)

    def __repr__(self) -> str:
        return self.key
