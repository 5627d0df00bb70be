"""A member's dependents (SPEC "Dependent"): the member adds one, pending until the committee
confirms it against the membership type's cover rules and the child age limit; he may change a
pending one only, and asks for the removal of one, which the committee then carries out.
"""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy.orm import Session

from app.models import Dependent
from app.models.base import utcnow
from app.services import record_transitions as steps
from app.services.errors import Conflict, ValidationFailed
from app.services.record_transitions import OFFICERS, Step, StepOutcome, Workflow
from app.services.validation import dependent_errors

EDITABLE_BY_MEMBER = "pending"
CURRENT = ("pending", "active")


def describe(dependent: Dependent) -> str:
    return f"Dependent {dependent.full_name}"


def change_refusal(dependent: Dependent, action: str, *, restricted: bool) -> str | None:
    """Why a plain edit (``action``: add, edit, delete) of ``dependent`` is refused, or None.
    ``restricted``: a Member login, who changes only dependents still pending."""
    if restricted and action != "add" and dependent.status != EDITABLE_BY_MEMBER:
        return (f"{dependent.full_name} is {dependent.status}: ask the fund to change a "
                "confirmed dependent.")
    return None


def prepare_new(dependent: Dependent) -> None:
    """Every new dependent waits for the committee's confirmation, whoever adds him."""
    dependent.status = EDITABLE_BY_MEMBER
    dependent.confirmed_by_id = dependent.confirmed_at = None
    dependent.removal_requested_at = dependent.removal_reason = dependent.removed_at = None


def confirm(session: Session, dependent: Dependent, actor: Any,
            params: dict[str, Any]) -> dict[str, Any]:
    # The cover rules as they stand today: a child may have outgrown the limit since he was
    # added, a spouse may have been confirmed meanwhile.
    errors = dependent_errors(dependent)
    if errors:
        raise ValidationFailed(errors)
    dependent.status = "active"
    dependent.confirmed_by_id = actor.id
    dependent.confirmed_at = utcnow()
    return {"dependent": dependent.full_name}


def request_removal(session: Session, dependent: Dependent, actor: Any,
                    params: dict[str, Any]) -> dict[str, Any]:
    if dependent.removal_requested_at is not None:
        raise Conflict(f"The removal of {dependent.full_name} was already asked for; the "
                       "committee will carry it out.")
    dependent.removal_requested_at = utcnow()
    dependent.removal_reason = (params.get("reason") or "").strip() or None
    return {"reason": dependent.removal_reason}


def remove(session: Session, dependent: Dependent, actor: Any,
           params: dict[str, Any]) -> dict[str, Any]:
    why = steps.reason(params)
    dependent.status = "removed"
    dependent.removal_reason = why
    dependent.removed_at = utcnow()
    return {"reason": why, "requested_by_member": dependent.removal_requested_at is not None}


WORKFLOW = Workflow(
    model=Dependent,
    resource="dependent",
    describe=describe,
    steps={
        s.name: s
        for s in (
            Step("confirm", "Confirm", "confirmed", ("pending",), OFFICERS, confirm),
            Step("request_removal", "Ask for removal", "asked for removal", CURRENT,
                 frozenset(), request_removal, by_owner=True, conflict_checked=False),
            Step("remove", "Remove", "removed", CURRENT, OFFICERS, remove),
        )
    },
    bulk_steps=("confirm", "remove"),
)


def perform(dependent_id: int, action: str, actor: Any, version: int | None = None,
            **params: Any) -> Dependent:
    return steps.perform(WORKFLOW, dependent_id, action, actor, version, **params)


def perform_bulk(dependent_ids: Iterable[int], action: str, actor: Any,
                 **params: Any) -> list[StepOutcome]:
    return steps.perform_bulk(WORKFLOW, dependent_ids, action, actor, **params)
