"""Committee reviewers as the assignment sees them: who reviews, how much he has open, and the
rules of his settings (maintained by Admin, SPEC "SLA and assignment")."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_appbuilder.security.sqla.models import Role, User, assoc_user_role
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Claim, ReviewerSetting
from app.models.reviewer import OPEN_REVIEW
from app.security import ROLE_COMMITTEE
from app.services.settings import get_setting
from app.services.validation import money_error


@dataclass(frozen=True)
class Reviewer:
    """A committee member's standing for the assignment, read in one query."""

    user_id: int
    username: str
    name: str
    active: bool
    open_claims: int
    capacity: int
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None

    @property
    def has_room(self) -> bool:
        return self.open_claims < self.capacity

    def takes_amount(self, amount: Decimal) -> bool:
        return ((self.min_amount is None or amount >= self.min_amount)
                and (self.max_amount is None or amount <= self.max_amount))

    @property
    def label(self) -> str:
        state = "" if self.active else ", inactive"
        return f"{self.name} ({self.open_claims} open of {self.capacity}{state})"


def committee_members() -> Any:
    """SQL: the ids of active logins holding the Committee role."""
    return (
        sa.select(User.id)
        .join(assoc_user_role, assoc_user_role.c.user_id == User.id)
        .join(Role, Role.id == assoc_user_role.c.role_id)
        .where(Role.name == ROLE_COMMITTEE, User.active.is_(True))
    )


def reviewers(session: Session, user_ids: list[int] | None = None) -> list[Reviewer]:
    """Every committee member with his settings and open claims, by user id."""
    open_claims = (
        sa.select(sa.func.count(Claim.id))
        .where(Claim.assigned_reviewer_id == User.id, Claim.status.in_(OPEN_REVIEW))
        .correlate(User)
        .scalar_subquery()
    )
    query = (
        sa.select(User.id, User.username, User.first_name, User.last_name,
                  ReviewerSetting.active, ReviewerSetting.capacity,
                  ReviewerSetting.min_amount, ReviewerSetting.max_amount, open_claims)
        .outerjoin(ReviewerSetting, ReviewerSetting.user_id == User.id)
        .where(User.id.in_(committee_members()))
        .order_by(User.id)
    )
    if user_ids is not None:
        query = query.where(User.id.in_(user_ids))
    default_capacity = int(get_setting("reviewer_capacity"))
    return [
        Reviewer(
            user_id=row.id, username=row.username,
            name=f"{row.first_name} {row.last_name}".strip() or row.username,
            active=row.active is not False,
            open_claims=row[-1] or 0,
            capacity=default_capacity if row.capacity is None else row.capacity,
            min_amount=row.min_amount, max_amount=row.max_amount,
        )
        for row in session.execute(query)
    ]


def reviewer_setting_errors(record: ReviewerSetting) -> dict[str, str]:
    """What is wrong with a reviewer's settings, by field (the web form's and the API's rule)."""
    errors: dict[str, str] = {}
    user_id = record.user.id if record.user is not None else record.user_id
    if user_id is None:
        errors["user"] = "Choose a committee member."
    elif db.session.scalar(committee_members().where(User.id == user_id)) is None:
        errors["user"] = "Only an active committee member reviews claims."
    elif db.session.scalar(
        sa.select(ReviewerSetting.id).where(ReviewerSetting.user_id == user_id,
                                            ReviewerSetting.id != (record.id or 0))
    ) is not None:
        errors["user"] = "This committee member has reviewer settings already: change those."
    if record.capacity is not None and record.capacity < 0:
        errors["capacity"] = "Enter 0 or more (empty: the fund's setting reviewer_capacity)."
    for field in ("min_amount", "max_amount"):
        problem = money_error(getattr(record, field), allow_none=True)
        if problem:
            errors[field] = problem
    low, high = record.min_amount, record.max_amount
    if not errors.keys() & {"min_amount", "max_amount"} and low is not None and high is not None:
        if Decimal(low) > Decimal(high):
            errors["max_amount"] = "The largest amount cannot be below the smallest."
    return errors
