"""Notes the fund's staff keep on a claim: internal working notes, or messages the member reads."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_appbuilder.models.sqla import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import TimestampMixin, enum_column
from app.models.claim import Claim

NOTE_CATEGORIES = ("query", "medical", "finance", "general")
NOTE_PRIORITIES = ("low", "normal", "high", "urgent")


class ClaimNote(TimestampMixin, Model):
    __tablename__ = "claim_note"
    __table_args__ = (
        # "My follow-ups due": one author's open follow-ups by date.
        sa.Index("ix_claim_note_follow_up", "author_id", "follow_up_done", "follow_up_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claim.id"), nullable=False, index=True)
    claim: Mapped[Claim] = relationship()
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ab_user.id"))
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    category: Mapped[str] = mapped_column(
        enum_column("note_category", NOTE_CATEGORIES), nullable=False, default="general"
    )
    priority: Mapped[str] = mapped_column(
        enum_column("note_priority", NOTE_PRIORITIES), nullable=False, default="normal"
    )
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    follow_up_on: Mapped[date | None] = mapped_column(sa.Date)
    follow_up_done: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    follow_up_done_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    # Comma-separated, lower case (app.services.notes.normalise_tags).
    tags: Mapped[str | None] = mapped_column(sa.String(255))
    # Internal unless the fund means the member to read it on his claim.
    visible_to_member: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)

    def __repr__(self) -> str:
        return f"Note #{self.id}"

    @property
    def summary(self) -> str:
        text = " ".join((self.body or "").split())
        return text if len(text) <= 80 else text[:77] + "..."
