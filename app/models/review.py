"""The committee's review aids: checklists per claim type with their answers on each claim, and
the canned texts (review templates) that fill rejections, information requests and notes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_appbuilder.models.sqla import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from app.models.base import TimestampMixin, enum_column, utcnow
from app.models.claim import Claim
from app.models.enums import CLAIM_TYPES

CHECKLIST_ANSWERS = ("yes", "no", "not_applicable")
TEMPLATE_KINDS = ("rejection", "info_request", "note")


class ChecklistItem(TimestampMixin, Model):
    """One question of a claim type's review checklist (the fund's processing form)."""

    __tablename__ = "checklist_item"
    __table_args__ = (
        sa.UniqueConstraint("claim_type", "text", name="uq_checklist_item_text"),
        sa.CheckConstraint("position >= 0", name="ck_checklist_item_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_type: Mapped[str] = mapped_column(
        enum_column("checklist_claim_type", CLAIM_TYPES), nullable=False, index=True
    )
    text: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    # A decision waits for every mandatory item to be answered (yes, no or not applicable).
    mandatory: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    # Items are retired, never deleted once answered: old answers keep their question.
    active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)

    def __repr__(self) -> str:
        return self.text


class ChecklistAnswer(Model):
    """A reviewer's answer to one checklist item on one claim; changed, never removed."""

    __tablename__ = "checklist_answer"
    __table_args__ = (sa.UniqueConstraint("claim_id", "item_id", name="uq_checklist_answer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claim.id"), nullable=False, index=True)
    claim: Mapped[Claim] = relationship()
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("checklist_item.id"), nullable=False, index=True
    )
    item: Mapped[ChecklistItem] = relationship()
    answer: Mapped[str] = mapped_column(
        enum_column("checklist_answer", CHECKLIST_ANSWERS), nullable=False
    )
    comment: Mapped[str | None] = mapped_column(sa.Text)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ab_user.id"))
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    answered_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)

    def __repr__(self) -> str:
        return f"{self.item}: {self.answer}"


class ReviewTemplate(TimestampMixin, Model):
    """A canned text an admin maintains: a rejection reason, an information request, a note."""

    __tablename__ = "review_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(
        enum_column("review_template_kind", TEMPLATE_KINDS), nullable=False, index=True
    )
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)

    def __repr__(self) -> str:
        return self.name


def checklist_percent_expression() -> sa.ColumnElement:
    """Share of the claim type's active items answered on a claim, in whole percent (rounded
    down); NULL when the type has no checklist. Correlated to ``Claim``: select it with claims
    to read it for a whole page of them in one query."""
    active_items = sa.and_(ChecklistItem.active.is_(True),
                           ChecklistItem.claim_type == Claim.claim_type)
    total = (sa.select(sa.func.count(ChecklistItem.id)).where(active_items)
             .correlate(Claim).scalar_subquery())
    answered = (
        sa.select(sa.func.count(ChecklistAnswer.id))
        .join(ChecklistItem, ChecklistAnswer.item_id == ChecklistItem.id)
        .where(ChecklistAnswer.claim_id == Claim.id, active_items)
        .correlate(Claim).scalar_subquery()
    )
    return sa.case((total == 0, sa.null()), else_=answered * 100 // total)


PERCENT_KEPT = "_checklist_percent"  # where a list that read it with its page keeps it


def _claim_checklist_percent(claim: Claim) -> int | None:
    """The claims lists' column: the value read with the page (one query for all its claims),
    else read for this claim alone."""
    if PERCENT_KEPT in claim.__dict__:
        return claim.__dict__[PERCENT_KEPT]
    session = object_session(claim)
    if session is None or claim.id is None:
        return None
    return session.scalar(sa.select(checklist_percent_expression()).where(Claim.id == claim.id))


# A plain property, not a mapped column: claims load without it (the transitions never pay for
# it), and FAB's forms and schemas built from Claim's columns do not see it.
Claim.checklist_percent = property(_claim_checklist_percent)  # type: ignore[attr-defined]
