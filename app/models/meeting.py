"""Committee meetings: who attended, and the agenda of decisions put to them for ratification.

An agenda item keeps, once the meeting acts on it, the decision as the meeting saw it (amounts,
reason codes, the two signatures): a claim sent back is decided again later, and a closed
meeting's minutes must still say what that meeting ratified or sent back.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_appbuilder.models.sqla import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import MONEY, TimestampMixin, enum_column
from app.models.claim import Claim
from app.models.enums import AGENDA_OUTCOMES, MEETING_STATUSES, MEETING_TYPES

meeting_attendee = sa.Table(
    "committee_meeting_attendee",
    Model.metadata,
    sa.Column("meeting_id", sa.ForeignKey("committee_meeting.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("user_id", sa.ForeignKey("ab_user.id"), primary_key=True, index=True),
)

PENDING = "pending"


class CommitteeMeeting(TimestampMixin, Model):
    __tablename__ = "committee_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_date: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    meeting_type: Mapped[str] = mapped_column(
        enum_column("meeting_type", MEETING_TYPES), nullable=False, default="monthly"
    )
    status: Mapped[str] = mapped_column(
        enum_column("meeting_status", MEETING_STATUSES), nullable=False, default="draft",
        index=True,
    )
    # The fund's quorum setting when the meeting opened: its minutes tell the rule that held.
    quorum: Mapped[int | None] = mapped_column(sa.Integer)
    minutes: Mapped[str | None] = mapped_column(sa.Text)
    opened_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)

    attendees: Mapped[list[User]] = relationship(
        secondary=meeting_attendee, order_by=lambda: (User.first_name, User.last_name)
    )
    agenda: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def title(self) -> str:
        when = f"{self.meeting_date:%d %b %Y}" if self.meeting_date else "(no date)"
        return f"{(self.meeting_type or 'monthly').capitalize()} meeting of {when}"

    @property
    def present(self) -> int:
        return len(self.attendees)

    @property
    def agenda_size(self) -> int:
        return len(self.agenda)

    def __repr__(self) -> str:
        return self.title


class AgendaItem(TimestampMixin, Model):
    __tablename__ = "meeting_agenda_item"
    __table_args__ = (
        # A claim waits on at most one agenda at a time (SPEC: ratified at a meeting).
        sa.Index(
            "uq_agenda_item_pending_claim", "claim_id", unique=True,
            postgresql_where=sa.text("outcome = 'pending'"),
            sqlite_where=sa.text("outcome = 'pending'"),
        ),
        sa.CheckConstraint(
            "total_claimed IS NULL OR (total_claimed >= 0 AND total_eligible >= 0 "
            "AND total_approved >= 0)",
            name="ck_agenda_item_amounts",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("committee_meeting.id", ondelete="CASCADE"), nullable=False, index=True
    )
    meeting: Mapped[CommitteeMeeting] = relationship(back_populates="agenda")
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claim.id"), nullable=False, index=True)
    claim: Mapped[Claim] = relationship()
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ab_user.id"))
    outcome: Mapped[str] = mapped_column(
        enum_column("agenda_outcome", AGENDA_OUTCOMES), nullable=False, default=PENDING
    )
    outcome_reason: Mapped[str | None] = mapped_column(sa.Text)
    outcome_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    outcome_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ab_user.id"))
    # The decision as the meeting saw it (app.services.ratification.keep_decision).
    member_label: Mapped[str | None] = mapped_column(sa.String(255))
    decision: Mapped[str | None] = mapped_column(sa.String(32))
    total_claimed: Mapped[Decimal | None] = mapped_column(MONEY)
    total_eligible: Mapped[Decimal | None] = mapped_column(MONEY)
    total_approved: Mapped[Decimal | None] = mapped_column(MONEY)
    reason_codes: Mapped[str | None] = mapped_column(sa.String(255))
    recommended_by_name: Mapped[str | None] = mapped_column(sa.String(255))
    decided_by_name: Mapped[str | None] = mapped_column(sa.String(255))
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    def __repr__(self) -> str:
        return f"{self.claim.claim_number if self.claim else self.claim_id} ({self.outcome})"
