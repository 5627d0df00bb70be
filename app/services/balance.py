"""A member's benefit balance: for himself and each active dependent, per benefit category, the
annual limit, what was approved so far this benefit year, what remains, and what his claims in
progress ask for. Limits and approvals come from the adjudication's own computation
(`patient_limits`), so the balance says what the next decision will use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.access import scope_query
from app.models import BenefitCategory, Claim, ClaimItem, Dependent, Member, ScaleItem
from app.models.base import ZERO
from app.services.adjudication.engine import OVERRIDE_CATEGORY
from app.services.adjudication.loader import benefit_year, patient_limits
from app.services.calendar import fund_today
from app.services.errors import NotFound
from app.services.settings import get_setting

# Claims the fund has not decided yet: what they claim may still be approved.
IN_PROGRESS = ("submitted", "under_review", "info_requested", "appealed", "trustee_review")


@dataclass(frozen=True)
class CategoryBalance:
    key: str
    name: str
    limit: Decimal | None  # None: no annual limit (chronic: the request's allowance caps it)
    approved: Decimal
    remaining: Decimal | None
    in_progress: Decimal

    def as_json(self) -> dict[str, Any]:
        def text(value: Decimal | None) -> str | None:
            return None if value is None else f"{value:.2f}"

        return {"category": self.key, "name": self.name, "limit": text(self.limit),
                "approved": text(self.approved), "remaining": text(self.remaining),
                "in_progress": text(self.in_progress)}


@dataclass(frozen=True)
class PersonBalance:
    name: str
    relationship: str  # "member", "spouse" or "child"
    dependent_id: int | None
    categories: tuple[CategoryBalance, ...]

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "relationship": self.relationship,
                "dependent_id": self.dependent_id,
                "categories": [c.as_json() for c in self.categories]}


@dataclass(frozen=True)
class MemberBalance:
    member_id: int
    member_number: str
    year_start: date
    year_end: date
    people: tuple[PersonBalance, ...]

    def as_json(self) -> dict[str, Any]:
        return {"member_id": self.member_id, "member_number": self.member_number,
                "benefit_year": {"start": self.year_start.isoformat(),
                                 "end": self.year_end.isoformat()},
                "people": [p.as_json() for p in self.people]}


def _in_progress(session: Session, member_id: int, dependent_id: int | None,
                 start: date, end: date) -> dict[int | None, Decimal]:
    """Amounts claimed on undecided claims, by benefit category id. A line's category is the
    adjudication's once it ran, else its scale item's; unlisted items count as general, where
    the engine puts a committee's payment for them."""
    patient = (Claim.dependent_id.is_(None) if dependent_id is None
               else Claim.dependent_id == dependent_id)
    category = sa.func.coalesce(ClaimItem.benefit_category_id, ScaleItem.benefit_category_id)
    rows = session.execute(
        sa.select(category, sa.func.sum(ClaimItem.claimed_amount))
        .join(Claim, ClaimItem.claim_id == Claim.id)
        .outerjoin(ScaleItem, ClaimItem.scale_item_id == ScaleItem.id)
        .where(Claim.member_id == member_id, patient, Claim.status.in_(IN_PROGRESS),
               sa.or_(Claim.treatment_date.is_(None), Claim.treatment_date.between(start, end)))
        .group_by(category)
    ).all()
    return {category_id: Decimal(total or 0) for category_id, total in rows}


def _person(session: Session, member: Member, dependent: Dependent | None, on: date,
            names: dict[int, tuple[str, str]], start: date, end: date) -> PersonBalance:
    dependent_id = dependent.id if dependent is not None else None
    pending = _in_progress(session, member.id, dependent_id, start, end)
    general_id = next((cid for cid, (key, _) in names.items() if key == OVERRIDE_CATEGORY), None)
    if None in pending and general_id is not None:
        pending[general_id] = pending.get(general_id, ZERO) + pending.pop(None)
    rows = []
    for category, limit, approved in patient_limits(session, member.id, dependent_id, on):
        rows.append(CategoryBalance(
            key=category.key, name=names.get(category.id, (None, category.key))[1], limit=limit,
            approved=approved, remaining=None if limit is None else limit - approved,
            in_progress=pending.get(category.id, ZERO),
        ))
    if dependent is None:
        return PersonBalance(member.full_name, "member", None, tuple(rows))
    return PersonBalance(dependent.full_name, dependent.relationship_type, dependent.id,
                         tuple(rows))


def balance_of(session: Session, member: Member, on: date | None = None) -> MemberBalance:
    """The balance of ``member`` and his active dependents in the benefit year of ``on``."""
    on = on or fund_today()
    start, end = benefit_year(on, int(get_setting("benefit_year_start_month")))
    names = {cid: (key, name) for cid, key, name in session.execute(
        sa.select(BenefitCategory.id, BenefitCategory.key, BenefitCategory.name))}
    people = [_person(session, member, None, on, names, start, end)]
    for dependent in member.dependents:
        if dependent.status == "active":
            people.append(_person(session, member, dependent, on, names, start, end))
    return MemberBalance(member.id, member.member_number, start, end, tuple(people))


def visible_member(session: Session, member_id: Any, user: Any = None) -> Member:
    """The member ``user`` (the request's user by default) may see; NotFound otherwise, so that
    another member's id answers as if it did not exist."""
    try:
        member_id = int(member_id)
    except (TypeError, ValueError):
        raise NotFound("No such member.") from None
    member = session.scalars(
        scope_query(sa.select(Member).where(Member.id == member_id), Member, user)
    ).first()
    if member is None:
        raise NotFound("No such member.")
    return member


def member_of_login(session: Session, user: Any) -> Member | None:
    """The Member linked to a login, if any."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return session.scalars(sa.select(Member).where(Member.user_id == user.id)).first()


def recent_claims(session: Session, member: Member, limit: int = 10) -> list[Claim]:
    return list(session.scalars(
        sa.select(Claim).where(Claim.member_id == member.id).order_by(Claim.id.desc()).limit(limit)
    ))
