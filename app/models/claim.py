"""Claims and their items (the claim aggregate)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_appbuilder.models.sqla import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import MONEY, ZERO, TimestampMixin, enum_column
from app.models.chronic import ChronicRequest
from app.models.enums import (
    CLAIM_STATUSES,
    CLAIM_TYPES,
    DECLARATION_SOURCES,
    EXCLUDED_CAUSES,
    PRIORITIES,
    SLA_STATUSES,
)
from app.models.member import Dependent, Member
from app.models.provider import Provider
from app.models.scale import ScaleItem


class Claim(TimestampMixin, Model):
    __tablename__ = "claim"
    __table_args__ = (
        sa.CheckConstraint(
            "discharge_date IS NULL OR admission_date IS NULL OR discharge_date >= admission_date",
            name="ck_claim_discharge_after_admission",
        ),
        sa.CheckConstraint(
            "total_claimed >= 0 AND total_eligible >= 0 AND total_approved >= 0 "
            "AND total_paid >= 0",
            name="ck_claim_totals",
        ),
        sa.CheckConstraint(
            "statutory_rebate_per_day >= 0 AND other_insurance_benefit >= 0 "
            "AND hospital_discount >= 0",
            name="ck_claim_deductions",
        ),
        sa.Index("ix_claim_status_submitted", "status", "submitted_at"),
        sa.Index("ix_claim_sla_clock", "status", "sla_due_at"),
        # A patient's claims of a benefit year (limits used, at every decision): found
        # without walking the fund's claims of the year.
        sa.Index("ix_claim_patient_year", "member_id", "treatment_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_number: Mapped[str] = mapped_column(sa.String(20), unique=True, nullable=False)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("member.id"), nullable=False, index=True)
    member: Mapped[Member] = relationship()
    # The patient is the member himself when no dependent is set.
    dependent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dependent.id"), index=True)
    dependent: Mapped[Dependent | None] = relationship()
    claim_type: Mapped[str] = mapped_column(
        enum_column("claim_type", CLAIM_TYPES), nullable=False, index=True
    )
    provider_id: Mapped[int] = mapped_column(
        sa.ForeignKey("provider.id"), nullable=False, index=True
    )
    provider: Mapped[Provider] = relationship()
    first_visit_date: Mapped[date | None] = mapped_column(sa.Date)
    admission_date: Mapped[date | None] = mapped_column(sa.Date)
    discharge_date: Mapped[date | None] = mapped_column(sa.Date)
    # First visit, or admission: the date scale rows and limits are taken from. Kept for indexing.
    treatment_date: Mapped[date | None] = mapped_column(sa.Date, index=True)
    treated_abroad: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    return_date: Mapped[date | None] = mapped_column(sa.Date)
    admission_notified_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    diagnosis: Mapped[str | None] = mapped_column(sa.Text)
    icd10_code: Mapped[str | None] = mapped_column(sa.String(10))
    excluded_cause: Mapped[str | None] = mapped_column(
        enum_column("excluded_cause", EXCLUDED_CAUSES)
    )
    chronic_request_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("chronic_request.id"), index=True
    )
    chronic_request: Mapped[ChronicRequest | None] = relationship()
    statutory_rebate_per_day: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=ZERO)
    other_insurance_benefit: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=ZERO)
    hospital_discount: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=ZERO)
    critical_illness: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    received_on: Mapped[date | None] = mapped_column(sa.Date)
    declaration_accepted_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    declaration_source: Mapped[str | None] = mapped_column(
        enum_column("declaration_source", DECLARATION_SOURCES)
    )
    status: Mapped[str] = mapped_column(
        enum_column("claim_status", CLAIM_STATUSES), nullable=False, default="draft", index=True
    )
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime, index=True)
    # Eligibility asks whether the member was pending or suspended when the claim was submitted.
    member_status_at_submission: Mapped[str | None] = mapped_column(sa.String(32))
    priority: Mapped[str] = mapped_column(
        enum_column("priority", PRIORITIES), nullable=False, default="P3"
    )
    assigned_reviewer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("ab_user.id"), index=True
    )
    assigned_reviewer: Mapped[User | None] = relationship(foreign_keys=[assigned_reviewer_id])
    sla_due_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    sla_status: Mapped[str | None] = mapped_column(enum_column("sla_status", SLA_STATUSES))
    # The SLA clocks (app.services.sla): the decision's breach, the clock stopped while the
    # member is asked for information, the payment's promise once decided and its breach.
    sla_breached_at: Mapped[datetime | None] = mapped_column(sa.DateTime, index=True)
    sla_paused_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    payment_due_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    payment_breached_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    # Nobody was free to review it when it came in (app.services.assignment).
    assignment_flagged: Mapped[bool] = mapped_column(
        sa.Boolean, nullable=False, default=False, index=True
    )
    # Totals are derived from the items (see app.services.claims), never typed in.
    total_claimed: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=ZERO)
    total_eligible: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=ZERO)
    total_approved: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=ZERO)
    total_paid: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=ZERO)
    reason_codes: Mapped[str | None] = mapped_column(sa.String(255))
    # The adjudication's claim-level working and the decision (two signatures, SPEC lifecycle).
    days_admitted: Mapped[int | None] = mapped_column(sa.Integer)
    statutory_rebate_total: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=ZERO)
    adjudicated_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    late_admission_notice: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    recommended_outcome: Mapped[str | None] = mapped_column(
        enum_column("recommended_outcome", ("approved", "partially_approved", "rejected"))
    )
    recommended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ab_user.id"))
    recommended_by: Mapped[User | None] = relationship(foreign_keys=[recommended_by_id])
    recommended_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ab_user.id"))
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime, index=True)
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)
    awaiting_ratification: Mapped[bool] = mapped_column(
        sa.Boolean, nullable=False, default=False, index=True
    )
    # When, and at which committee meeting, the decision was ratified (app.services.agenda).
    ratified_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    ratified_meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("committee_meeting.id"), index=True
    )
    ratified_meeting: Mapped["CommitteeMeeting | None"] = relationship(  # noqa: F821
        foreign_keys=[ratified_meeting_id]
    )
    appeal_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    # The committee's open question to the member and his answer (info_requested).
    info_request: Mapped[str | None] = mapped_column(sa.Text)
    info_response: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ab_user.id"))
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)

    items: Mapped[list["ClaimItem"]] = relationship(
        back_populates="claim", cascade="all, delete-orphan", order_by="ClaimItem.line_no"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return self.claim_number

    @property
    def patient_name(self) -> str:
        if self.dependent is not None:
            return self.dependent.full_name
        return self.member.full_name if self.member else ""


class ClaimItem(TimestampMixin, Model):
    __tablename__ = "claim_item"
    __table_args__ = (
        sa.UniqueConstraint("claim_id", "line_no", name="uq_claim_item_line"),
        sa.CheckConstraint("quantity > 0", name="ck_claim_item_quantity"),
        sa.CheckConstraint("unit_cost >= 0", name="ck_claim_item_unit_cost"),
        sa.CheckConstraint(
            "claimed_amount >= 0 AND (eligible_amount IS NULL OR eligible_amount >= 0) "
            "AND (approved_amount IS NULL OR approved_amount >= 0)",
            name="ck_claim_item_amounts",
        ),
        sa.Index("ix_claim_item_receipt", "receipt_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        sa.ForeignKey("claim.id", ondelete="CASCADE"), nullable=False, index=True
    )
    claim: Mapped[Claim] = relationship(back_populates="items")
    # Item order drives every "in item order" rule of the adjudication.
    line_no: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    scale_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("scale_item.id"), index=True)
    scale_item: Mapped[ScaleItem | None] = relationship()
    description: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    quantity: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    unit_cost: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    # quantity x unit cost, derived; kept so the working and totals never recompute history.
    claimed_amount: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=ZERO)
    receipt_number: Mapped[str | None] = mapped_column(sa.String(50))
    eligible_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    approved_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    reason_codes: Mapped[str | None] = mapped_column(sa.String(255))
    # The adjudication's working for this line (the fund's processing form), see
    # app.services.adjudication; a committee override replaces the approved amount with a reason.
    benefit_category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("benefit_category.id"))
    allowed_quantity: Mapped[int | None] = mapped_column(sa.Integer)
    after_quantity: Mapped[Decimal | None] = mapped_column(MONEY)
    rebate_deduction: Mapped[Decimal | None] = mapped_column(MONEY)
    other_insurance_deduction: Mapped[Decimal | None] = mapped_column(MONEY)
    net_claimed: Mapped[Decimal | None] = mapped_column(MONEY)
    rate_percent: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2, asdecimal=True))
    rated_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    fee_cap_total: Mapped[Decimal | None] = mapped_column(MONEY)
    discount_deduction: Mapped[Decimal | None] = mapped_column(MONEY)
    chronic_cut: Mapped[Decimal | None] = mapped_column(MONEY)
    limit_cut: Mapped[Decimal | None] = mapped_column(MONEY)
    override_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    override_reason: Mapped[str | None] = mapped_column(sa.Text)

    def __repr__(self) -> str:
        return f"{self.line_no}. {self.description}"
