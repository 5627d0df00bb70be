"""Review checklists (SPEC "Claim lifecycle": a decision needs every mandatory item answered).

An admin keeps, per claim type, the items of the fund's processing form; reviewers answer them on
the claim (yes, no or not applicable, with an optional comment; who and when are kept). Answers
are changed, never removed: an item once answered stays answered, which is what lets a bulk run
trust answers it read at its start (see :func:`checklist_snapshot`).

A claim type with no active items needs nothing: the gate lets every decision through.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.access import is_restricted, scope_query
from app.models import ChecklistAnswer, ChecklistItem, Claim, Member
from app.models.base import utcnow
from app.models.review import CHECKLIST_ANSWERS, PERCENT_KEPT, checklist_percent_expression
from app.security import ROLE_ADMIN, ROLE_COMMITTEE
from app.services import audit
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed

# While a claim is with the committee its checklist is open; a decision closes it (the answers
# are the decision's evidence) until an appeal reopens the review.
ANSWERABLE_STATUSES = ("submitted", "under_review", "info_requested", "appealed",
                       "trustee_review")
ANSWER_LABELS = {"yes": "Yes", "no": "No", "not_applicable": "Not applicable"}
MAX_COMMENT = 2000
_PREFETCH_CHUNK = 900  # ids per IN (...) when a bulk run reads its claims' answers


@dataclass(frozen=True)
class Item:
    id: int
    text: str
    mandatory: bool


@dataclass(frozen=True)
class AnswerInput:
    answer: str
    comment: str | None = None


@dataclass
class _Snapshot:
    items: dict[str, tuple[Item, ...]] = field(default_factory=dict)
    claim_ids: tuple[int, ...] = ()
    answered: dict[int, set[int]] | None = None  # claim id -> answered item ids, read lazily


_current: ContextVar[_Snapshot | None] = ContextVar("checklist_snapshot", default=None)


@contextmanager
def checklist_snapshot(claim_ids: Iterable[int] = ()) -> Iterator[None]:
    """Read each claim type's items once for the block; for a bulk run over ``claim_ids``, read
    their answers in a few queries the first time a gated decision needs them. Nested blocks
    share the outer one."""
    if _current.get() is not None:
        yield
        return
    token = _current.set(_Snapshot(claim_ids=tuple(claim_ids)))
    try:
        yield
    finally:
        _current.reset(token)


def items_for(session: Session, claim_type: str) -> tuple[Item, ...]:
    """The claim type's active items in the order the reviewer reads them."""
    snapshot = _current.get()
    if snapshot is not None and claim_type in snapshot.items:
        return snapshot.items[claim_type]
    rows = session.execute(
        sa.select(ChecklistItem.id, ChecklistItem.text, ChecklistItem.mandatory)
        .where(ChecklistItem.claim_type == claim_type, ChecklistItem.active.is_(True))
        .order_by(ChecklistItem.position, ChecklistItem.id)
    ).all()
    found = tuple(Item(*row) for row in rows)
    if snapshot is not None:
        snapshot.items[claim_type] = found
    return found


def _answered(session: Session, claim_ids: Iterable[int]) -> dict[int, set[int]]:
    ids = list(claim_ids)
    found: dict[int, set[int]] = {claim_id: set() for claim_id in ids}
    for start in range(0, len(ids), _PREFETCH_CHUNK):
        rows = session.execute(
            sa.select(ChecklistAnswer.claim_id, ChecklistAnswer.item_id)
            .where(ChecklistAnswer.claim_id.in_(ids[start:start + _PREFETCH_CHUNK]))
        )
        for claim_id, item_id in rows:
            found[claim_id].add(item_id)
    return found


def unanswered_mandatory(session: Session, claim: Claim) -> list[Item]:
    mandatory = [item for item in items_for(session, claim.claim_type) if item.mandatory]
    if not mandatory:
        return []
    snapshot = _current.get()
    if snapshot is not None and claim.id in snapshot.claim_ids:
        if snapshot.answered is None:
            snapshot.answered = _answered(session, snapshot.claim_ids)
        missing = [i for i in mandatory if i.id not in snapshot.answered.get(claim.id, ())]
        if not missing:
            return []  # answers are never removed: complete at the start is complete now
    # Read in the decision's own transaction: answers given since the run began count.
    answered = _answered(session, [claim.id])[claim.id]
    return [item for item in mandatory if item.id not in answered]


def require_complete_checklist(session: Session, claim: Claim) -> None:
    """The decision gate: ValidationFailed naming the mandatory items still unanswered."""
    missing = unanswered_mandatory(session, claim)
    if missing:
        names = "; ".join(item.text for item in missing)
        raise ValidationFailed({"checklist": "Answer the checklist's mandatory items first: "
                                             f"{names}."})


def completion_percent(session: Session, claim: Claim) -> int | None:
    """Share of the claim type's active items answered, in whole percent (rounded down, as the
    claims list's column computes it); None when the type has no checklist."""
    items = items_for(session, claim.claim_type)
    if not items:
        return None
    answered = _answered(session, [claim.id])[claim.id]
    return sum(1 for item in items if item.id in answered) * 100 // len(items)


def keep_completion_percents(session: Session, claims: list[Claim]) -> None:
    """Read the completion of a page of claims in one query and keep it on each claim, where
    ``Claim.checklist_percent`` finds it (the claims lists' column)."""
    if not claims:
        return
    percents = dict(session.execute(
        sa.select(Claim.id, checklist_percent_expression())
        .where(Claim.id.in_([claim.id for claim in claims]))).all())
    for claim in claims:
        claim.__dict__[PERCENT_KEPT] = percents.get(claim.id)


# --- The claim's checklist on its page ----------------------------------------------------------


@dataclass(frozen=True)
class Row:
    item: Item
    answer: ChecklistAnswer | None


def checklist_of(session: Session, claim: Claim) -> list[Row]:
    """The claim type's active items, each with its answer on ``claim`` (or None)."""
    items = items_for(session, claim.claim_type)
    answers = {
        a.item_id: a for a in session.scalars(
            sa.select(ChecklistAnswer).where(ChecklistAnswer.claim_id == claim.id))
    }
    return [Row(item, answers.get(item.id)) for item in items]


def check_may_answer(session: Session, claim: Claim, user: Any) -> None:
    """Forbidden (not a reviewer of this claim) or Conflict (its state) when ``user`` may not
    answer ``claim``'s checklist now."""
    roles = {role.name for role in getattr(user, "roles", [])}
    if is_restricted(user) or not roles & {ROLE_ADMIN, ROLE_COMMITTEE}:
        raise Forbidden("Only the committee answers a claim's checklist.")
    own = session.scalar(sa.select(Member.id).where(Member.user_id == user.id))
    if own is not None and own == claim.member_id:
        raise Forbidden(
            "You cannot review a claim in which you or your dependant is the member or patient.")
    if claim.status not in ANSWERABLE_STATUSES:
        state = claim.status.replace("_", " ")
        raise Conflict(f"Claim {claim.claim_number} is {state}: its checklist is answered while "
                       "the committee reviews it.")


def may_answer(session: Session, claim: Claim, user: Any) -> bool:
    try:
        check_may_answer(session, claim, user)
    except (Forbidden, Conflict):
        return False
    return True


def _answer_errors(claim: Claim, items: dict[int, Item],
                   answers: Mapping[int, AnswerInput]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for item_id, given in answers.items():
        if item_id not in items:
            errors["item"] = f"Choose an item of the {claim.claim_type} checklist."
        elif given.answer not in CHECKLIST_ANSWERS:
            errors[f"answer_{item_id}"] = "Answer yes, no or not applicable."
        elif given.comment is not None and len(given.comment) > MAX_COMMENT:
            errors[f"comment_{item_id}"] = f"Keep the comment under {MAX_COMMENT} characters."
        elif given.comment is not None and "\x00" in given.comment:
            errors[f"comment_{item_id}"] = "The comment contains a character that is not text."
    return errors


def record_answers(session: Session, claim_id: int, answers: Mapping[int, AnswerInput],
                   user: Any) -> list[tuple[ChecklistAnswer, bool]]:
    """Record answers (item id -> answer) on a claim in one transaction, with one audit event;
    returns each answer with True when it is new. Unchanged answers keep who and when."""
    try:
        claim = session.scalars(
            scope_query(sa.select(Claim).where(Claim.id == claim_id), Claim, user)).first()
        if claim is None:
            raise NotFound("There is no such claim.")
        check_may_answer(session, claim, user)
        items = {item.id: item for item in items_for(session, claim.claim_type)}
        errors = _answer_errors(claim, items, answers)
        if errors:
            raise ValidationFailed(errors)
        stored = {
            a.item_id: a for a in session.scalars(sa.select(ChecklistAnswer).where(
                ChecklistAnswer.claim_id == claim.id, ChecklistAnswer.item_id.in_(list(answers))))
        }
        recorded, changed = [], {}
        for item_id, given in answers.items():
            comment = (given.comment or "").strip() or None
            row = stored.get(item_id)
            is_new = row is None
            if is_new:
                row = ChecklistAnswer(claim_id=claim.id, item_id=item_id)
                session.add(row)
            if is_new or (row.answer, row.comment) != (given.answer, comment):
                row.answer, row.comment = given.answer, comment
                row.answered_by_id, row.answered_at = user.id, utcnow()
                changed[items[item_id].text] = given.answer
            recorded.append((row, is_new))
        if changed:
            session.flush()
            audit.record(session, "reviewchecklist.answer", actor=user,
                         resource_type="reviewchecklist", resource_id=claim.id,
                         details={"claim": claim.claim_number, "answers": changed})
        session.commit()
    except Exception:
        session.rollback()
        raise
    return recorded


def visible_answer(session: Session, answer_id: int, user: Any) -> ChecklistAnswer:
    found = session.scalars(scope_query(
        sa.select(ChecklistAnswer).where(ChecklistAnswer.id == answer_id), ChecklistAnswer, user)
    ).first()
    if found is None:
        raise NotFound("There is no such answer.")
    return found


def checklist_item_errors(item: ChecklistItem) -> dict[str, str]:
    """The rules of a checklist item, for the admin's form and the REST API."""
    errors: dict[str, str] = {}
    text = (item.text or "").strip()
    if not text:
        errors["text"] = "Write the question the reviewer answers."
    elif len(text) > 255:
        errors["text"] = "Use at most 255 characters."
    if item.position is not None and not 0 <= item.position <= 10_000:
        errors["position"] = "Enter a position from 0 to 10000."
    return errors
