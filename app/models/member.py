"""Members of the fund and their dependents."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_appbuilder.models.sqla import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import TimestampMixin, enum_column
from app.models.enums import DEPENDENT_STATUSES, MEMBER_STATUSES, PAYOUT_METHODS, RELATIONSHIPS
from app.models.fund import MembershipType


class Member(TimestampMixin, Model):
    __tablename__ = "member"
    __table_args__ = (
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from",
            name="ck_member_validity",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_number: Mapped[str] = mapped_column(sa.String(16), unique=True, nullable=False)
    # At most one Member per login: members who log in, and staff who are fund members too.
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("ab_user.id", ondelete="SET NULL"), unique=True
    )
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    first_name: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    middle_name: Mapped[str | None] = mapped_column(sa.String(80))
    last_name: Mapped[str] = mapped_column(sa.String(80), nullable=False, index=True)
    national_id: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    date_of_birth: Mapped[date] = mapped_column(sa.Date, nullable=False)
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(120), index=True)
    membership_type_id: Mapped[int] = mapped_column(
        sa.ForeignKey("membership_type.id"), nullable=False, index=True
    )
    membership_type: Mapped[MembershipType] = relationship()
    status: Mapped[str] = mapped_column(
        enum_column("member_status", MEMBER_STATUSES), nullable=False, default="pending", index=True
    )
    contribution_receipt_date: Mapped[date | None] = mapped_column(sa.Date)
    valid_from: Mapped[date | None] = mapped_column(sa.Date)
    valid_to: Mapped[date | None] = mapped_column(sa.Date)
    benefits_from: Mapped[date | None] = mapped_column(sa.Date)
    statutory_insurer_number: Mapped[str | None] = mapped_column(sa.String(30))
    other_medical_scheme: Mapped[str | None] = mapped_column(sa.String(150))
    payout_method: Mapped[str | None] = mapped_column(enum_column("payout_method", PAYOUT_METHODS))
    bank_name: Mapped[str | None] = mapped_column(sa.String(100))
    bank_branch_code: Mapped[str | None] = mapped_column(sa.String(20))
    bank_account_number: Mapped[str | None] = mapped_column(sa.String(34))
    bank_account_name: Mapped[str | None] = mapped_column(sa.String(150))
    mobile_money_number: Mapped[str | None] = mapped_column(sa.String(20))
    # When the member's personal data was replaced after he left (app.services.privacy).
    anonymised_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    dependents: Mapped[list["Dependent"]] = relationship(
        back_populates="member", order_by="Dependent.id"
    )

    def __repr__(self) -> str:
        return f"{self.member_number} {self.full_name}"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_name, self.last_name) if p)


class Dependent(TimestampMixin, Model):
    __tablename__ = "dependent"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("member.id"), nullable=False, index=True
    )
    member: Mapped[Member] = relationship(back_populates="dependents")
    first_name: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    last_name: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    relationship_type: Mapped[str] = mapped_column(
        "relationship", enum_column("relationship", RELATIONSHIPS), nullable=False
    )
    date_of_birth: Mapped[date] = mapped_column(sa.Date, nullable=False)
    statutory_insurer_number: Mapped[str | None] = mapped_column(sa.String(30))
    status: Mapped[str] = mapped_column(
        enum_column("dependent_status", DEPENDENT_STATUSES), nullable=False, default="pending"
    )
    # Who confirmed the cover, and the member's request to end it (app.services.dependents).
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ab_user.id"))
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
    confirmed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    removal_requested_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    removal_reason: Mapped[str | None] = mapped_column(sa.Text)
    removed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    # Optimistic locking: a decision on a dependent changed since it was read is refused.
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"{self.full_name} ({self.relationship_type})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"
