"""Chronic-illness requests (the fund's requisition form) and their medicines."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_appbuilder.models.sqla import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import MONEY, TimestampMixin, enum_column
from app.models.enums import CHRONIC_STATUSES
from app.models.member import Dependent, Member


class ChronicRequest(TimestampMixin, Model):
    __tablename__ = "chronic_request"
    __table_args__ = (
        sa.CheckConstraint("requested_monthly_amount >= 0", name="ck_chronic_requested"),
        sa.CheckConstraint(
            "approved_monthly_amount IS NULL OR approved_monthly_amount >= 0",
            name="ck_chronic_approved",
        ),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from",
            name="ck_chronic_validity",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("member.id"), nullable=False, index=True)
    member: Mapped[Member] = relationship()
    # The patient is the member himself when no dependent is set.
    dependent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dependent.id"), index=True)
    dependent: Mapped[Dependent | None] = relationship()
    condition: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    doctor_name: Mapped[str] = mapped_column(sa.String(150), nullable=False)
    doctor_registration: Mapped[str | None] = mapped_column(sa.String(50))
    requested_monthly_amount: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    status: Mapped[str] = mapped_column(
        enum_column("chronic_status", CHRONIC_STATUSES),
        nullable=False,
        default="pending",
        index=True,
    )
    approved_monthly_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    valid_from: Mapped[date | None] = mapped_column(sa.Date)
    valid_to: Mapped[date | None] = mapped_column(sa.Date)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ab_user.id"))
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)
    # Optimistic locking: a decision on a request changed since it was read is refused.
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)

    medicines: Mapped[list["ChronicMedicine"]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="ChronicMedicine.id"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"#{self.id} {self.condition}"


class ChronicMedicine(Model):
    __tablename__ = "chronic_medicine"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("chronic_request.id", ondelete="CASCADE"), nullable=False, index=True
    )
    request: Mapped[ChronicRequest] = relationship(back_populates="medicines")
    name: Mapped[str] = mapped_column(sa.String(150), nullable=False)
    strength: Mapped[str | None] = mapped_column(sa.String(50))
    dosage: Mapped[str | None] = mapped_column(sa.String(100))
    duration: Mapped[str | None] = mapped_column(sa.String(50))

    def __repr__(self) -> str:
        return " ".join(p for p in (self.name, self.strength) if p)
