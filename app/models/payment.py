"""Payment batches, their payments, and the statements that reconcile them (SPEC "PaymentBatch /
Payment"; by-law 4.3: an approved claim is settled within the payment SLA).

One payment settles one claim. The database itself keeps a claim out of two open batches and
from being paid twice: ``uq_payment_claim_open`` allows at most one payment per claim that is
not cancelled (pending in an open batch, or paid). Payee details are copied into the payment
when the batch is built: the payout file and the receipt say what was sent, whatever the member
record says later.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_appbuilder.models.sqla import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import MONEY, ZERO, TimestampMixin, enum_column
from app.models.claim import Claim
from app.models.enums import (
    BATCH_STATUSES,
    PAYMENT_STATUSES,
    PAYOUT_METHODS,
    STATEMENT_SOURCES,
)
from app.models.member import Member

OPEN_BATCH_STATUSES = ("draft", "approved", "released")


class PaymentBatch(TimestampMixin, Model):
    __tablename__ = "payment_batch"
    __table_args__ = (
        sa.UniqueConstraint("batch_number", name="uq_payment_batch_number"),
        sa.CheckConstraint("total_amount >= 0 AND payment_count >= 0",
                           name="ck_payment_batch_totals"),
        # Four eyes: the approver is never the one who built the batch.
        sa.CheckConstraint("approved_by_id IS NULL OR approved_by_id <> created_by_id",
                           name="ck_payment_batch_four_eyes"),
        sa.CheckConstraint(
            "status <> 'paid' OR (paid_on IS NOT NULL AND bank_reference IS NOT NULL)",
            name="ck_payment_batch_paid_details",
        ),
        sa.CheckConstraint(
            "status NOT IN ('approved', 'released', 'paid') OR approved_by_id IS NOT NULL",
            name="ck_payment_batch_approved",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_number: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    method: Mapped[str] = mapped_column(
        enum_column("batch_method", PAYOUT_METHODS), nullable=False, index=True
    )
    status: Mapped[str] = mapped_column(
        enum_column("batch_status", BATCH_STATUSES), nullable=False, default="draft", index=True
    )
    # The filters the batch was built with (JSON), so the record says what Finance asked for.
    criteria: Mapped[str | None] = mapped_column(sa.Text)
    total_amount: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=ZERO)
    payment_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    created_by_id: Mapped[int] = mapped_column(
        sa.ForeignKey("ab_user.id", name="fk_payment_batch_created_by"), nullable=False
    )
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    approved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("ab_user.id", name="fk_payment_batch_approved_by")
    )
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    approved_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    released_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("ab_user.id", name="fk_payment_batch_released_by")
    )
    released_by: Mapped[User | None] = relationship(foreign_keys=[released_by_id])
    released_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    paid_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("ab_user.id", name="fk_payment_batch_paid_by")
    )
    paid_by: Mapped[User | None] = relationship(foreign_keys=[paid_by_id])
    paid_on: Mapped[date | None] = mapped_column(sa.Date)
    bank_reference: Mapped[str | None] = mapped_column(sa.String(64))
    cancelled_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("ab_user.id", name="fk_payment_batch_cancelled_by")
    )
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])
    cancelled_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)

    payments: Mapped[list["Payment"]] = relationship(
        back_populates="batch", order_by="Payment.line_no"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return self.batch_number

    @property
    def reconciled_count(self) -> int:
        return sum(1 for p in self.payments if p.reconciled_at is not None)


class Payment(TimestampMixin, Model):
    __tablename__ = "payment"
    __table_args__ = (
        # A claim is in at most one open batch and is never paid twice (module docstring).
        sa.Index(
            "uq_payment_claim_open", "claim_id", unique=True,
            postgresql_where=sa.text("status <> 'cancelled'"),
            sqlite_where=sa.text("status <> 'cancelled'"),
        ),
        sa.UniqueConstraint("batch_id", "line_no", name="uq_payment_batch_line"),
        sa.UniqueConstraint("reference", name="uq_payment_reference"),
        sa.CheckConstraint("amount > 0", name="ck_payment_amount"),
        sa.CheckConstraint("status <> 'paid' OR paid_on IS NOT NULL",
                           name="ck_payment_paid_on"),
        sa.CheckConstraint("reconciled_at IS NULL OR status = 'paid'",
                           name="ck_payment_reconciled_paid"),
        sa.Index("ix_payment_member_status", "member_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        sa.ForeignKey("payment_batch.id", name="fk_payment_batch"), nullable=False, index=True
    )
    batch: Mapped[PaymentBatch] = relationship(back_populates="payments")
    line_no: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    claim_id: Mapped[int] = mapped_column(
        sa.ForeignKey("claim.id", name="fk_payment_claim"), nullable=False, index=True
    )
    claim: Mapped[Claim] = relationship()
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("member.id", name="fk_payment_member"), nullable=False
    )
    member: Mapped[Member] = relationship()
    status: Mapped[str] = mapped_column(
        enum_column("payment_status", PAYMENT_STATUSES), nullable=False, default="pending",
        index=True,
    )
    # The claim's approved amount when batched: the amount paid (never more, never less).
    amount: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    # What the payee sees on his statement, and what the bank's statement line carries back.
    reference: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    payee_name: Mapped[str] = mapped_column(sa.String(150), nullable=False)
    bank_name: Mapped[str | None] = mapped_column(sa.String(100))
    bank_branch_code: Mapped[str | None] = mapped_column(sa.String(20))
    bank_account_number: Mapped[str | None] = mapped_column(sa.String(34))
    phone: Mapped[str | None] = mapped_column(sa.String(20))  # international format
    cheque_number: Mapped[str | None] = mapped_column(sa.String(20))
    paid_on: Mapped[date | None] = mapped_column(sa.Date)
    reconciled_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    def __repr__(self) -> str:
        return self.reference

    @property
    def overdue(self) -> bool:
        """Not paid yet, and its claim has passed its payment date (app.services.sla_tick)."""
        return self.status == "pending" and self.claim is not None and (
            self.claim.payment_breached_at is not None or self.claim.sla_status == "breached")


class StatementImport(TimestampMixin, Model):
    """A bank or mobile-money statement as Finance imported it; the same file twice is one."""

    __tablename__ = "statement_import"
    __table_args__ = (sa.UniqueConstraint("sha256", name="uq_statement_import_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(
        enum_column("statement_source", STATEMENT_SOURCES), nullable=False
    )
    file_name: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    imported_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("ab_user.id", name="fk_statement_import_imported_by")
    )
    imported_by: Mapped[User | None] = relationship(foreign_keys=[imported_by_id])
    line_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    matched_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)

    lines: Mapped[list["StatementLine"]] = relationship(
        back_populates="statement", order_by="StatementLine.line_no"
    )

    def __repr__(self) -> str:
        return self.file_name


class StatementLine(Model):
    """One credit or debit on a statement. ``line_key`` names the transaction itself (source,
    date, reference, amount and its occurrence), so a second statement repeating it adds
    nothing; a payment is matched by at most one line."""

    __tablename__ = "statement_line"
    __table_args__ = (
        sa.UniqueConstraint("line_key", name="uq_statement_line_key"),
        sa.UniqueConstraint("statement_id", "line_no", name="uq_statement_line_no"),
        sa.Index("uq_statement_line_payment", "payment_id", unique=True,
                 postgresql_where=sa.text("payment_id IS NOT NULL"),
                 sqlite_where=sa.text("payment_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("statement_import.id", name="fk_statement_line_statement"),
        nullable=False, index=True,
    )
    statement: Mapped[StatementImport] = relationship(back_populates="lines")
    line_no: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    line_key: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    value_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    reference: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    description: Mapped[str | None] = mapped_column(sa.String(255))
    payment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("payment.id", name="fk_statement_line_payment")
    )
    payment: Mapped[Payment | None] = relationship()
    # Why the line matched no payment ("no payment with this reference", "amount differs").
    unmatched_reason: Mapped[str | None] = mapped_column(sa.String(255))

    def __repr__(self) -> str:
        return f"{self.value_date} {self.reference} {self.amount}"
