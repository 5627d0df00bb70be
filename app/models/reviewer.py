"""A committee reviewer's settings for the assignment of claims (SPEC "SLA and assignment")."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask_appbuilder.models.sqla import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from app.models.base import MONEY, TimestampMixin
from app.models.claim import Claim

# The claims a reviewer is working on: they count against his capacity and fill his queue.
OPEN_REVIEW = ("submitted", "under_review", "info_requested", "appealed")


class ReviewerSetting(TimestampMixin, Model):
    """One committee member's part in the assignment. A committee member without a row is an
    active reviewer with the fund's capacity (setting ``reviewer_capacity``) and any amount."""

    __tablename__ = "reviewer_setting"
    __table_args__ = (
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="ck_reviewer_capacity"),
        sa.CheckConstraint(
            "(min_amount IS NULL OR min_amount >= 0) AND (max_amount IS NULL OR max_amount >= 0)",
            name="ck_reviewer_amounts",
        ),
        sa.CheckConstraint(
            "min_amount IS NULL OR max_amount IS NULL OR min_amount <= max_amount",
            name="ck_reviewer_amount_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("ab_user.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    user: Mapped[User] = relationship()
    active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    # None: the fund's setting reviewer_capacity.
    capacity: Mapped[int | None] = mapped_column(sa.Integer)
    # The claimed totals he is given on submission; None: no bound.
    min_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    max_amount: Mapped[Decimal | None] = mapped_column(MONEY)

    def __repr__(self) -> str:
        return f"Reviewer settings of {self.user}" if self.user else "Reviewer settings"


# Shown in the settings' list and API; the assignment counts for itself under its lock.
ReviewerSetting.open_claims = column_property(
    sa.select(sa.func.count(Claim.id))
    .where(Claim.assigned_reviewer_id == ReviewerSetting.user_id,
           Claim.status.in_(OPEN_REVIEW))
    .correlate_except(Claim)
    .scalar_subquery()
)
