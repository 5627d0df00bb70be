"""Named steps on records other than claims (chronic requests, dependents), run the way the
claim lifecycle runs its transitions (app.services.lifecycle): one table of steps with roles and
source states, one entry point for the web pages, bulk actions, REST routes and commands.

Each step runs in its own transaction: load the record through the row rule, check its version,
the role, separation of duties and the state, apply, write one audit event, commit. A refusal
rolls the step back and raises a domain error with a message for the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.access import scope_query
from app.extensions import db
from app.security import ROLE_ADMIN, ROLE_COMMITTEE, ROLE_MEMBER
from app.services import audit
from app.services.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from app.services.lifecycle.rules import actor_snapshot, linked_member_id, role_names

OFFICERS = frozenset({ROLE_COMMITTEE, ROLE_ADMIN})

# (session, record, actor, params) -> details for the audit event
StepAction = Callable[[Session, Any, Any, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    past: str  # "approved": what the record "cannot be ... now"
    sources: tuple[str, ...]
    roles: frozenset[str]
    action: StepAction
    # The member himself may take it on his own record.
    by_owner: bool = False
    # Refused to staff linked to the record's member (he decides nothing about his own family).
    conflict_checked: bool = True


@dataclass(frozen=True)
class Workflow:
    """The steps of one kind of record and how to name it to the user."""

    model: type
    resource: str  # the REST resource name: the audit events' resource type
    steps: dict[str, Step]
    describe: Callable[[Any], str]  # "Chronic request #12 (Asthma)"
    bulk_steps: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class StepOutcome:
    """What one step did to one record (a bulk run reports one per record)."""

    record_id: int
    name: str | None  # None when the id names no record the login may see
    ok: bool
    status: str | None
    message: str


def check_allowed(session: Session, workflow: Workflow, step: Step, record: Any,
                  actor: Any) -> None:
    """Raise Forbidden or Conflict when ``actor`` may not take ``step`` on ``record`` now."""
    roles = role_names(actor)
    own_member = linked_member_id(session, actor)
    # A record of no member (a committee meeting) has no owner.
    is_owner = own_member is not None and own_member == getattr(record, "member_id", None)
    allowed = bool(roles & step.roles) or (step.by_owner and is_owner and ROLE_MEMBER in roles)
    if not allowed:
        raise Forbidden(f"You may not {step.label.lower()}: {workflow.describe(record)}.")
    if step.conflict_checked and is_owner:
        raise Forbidden("You cannot decide on a record of your own or of your dependants.")
    if record.status not in step.sources:
        raise Conflict(f"{workflow.describe(record)} is {record.status}: it cannot be "
                       f"{step.past} now.")


def available_steps(workflow: Workflow, record: Any, user: Any) -> list[Step]:
    """The steps ``user`` may take on ``record`` now (the service checks again when posted)."""
    found = []
    for step in workflow.steps.values():
        if record.status not in step.sources:
            continue
        try:
            check_allowed(db.session, workflow, step, record, user)
        except DomainError:
            continue
        found.append(step)
    return found


def load_record(workflow: Workflow, record_id: int, actor: Any) -> Any:
    """The record ``record_id`` as ``actor`` may see it (the row rule), or NotFound."""
    return _load(workflow, record_id, actor)


def _load(workflow: Workflow, record_id: int, actor: Any) -> Any:
    model = workflow.model
    record = db.session.scalars(
        scope_query(sa.select(model).where(model.id == record_id), model, actor)
    ).first()
    if record is None:
        raise NotFound("No such record.")
    return record


def perform(workflow: Workflow, record_id: int, action: str, actor: Any,
            version: int | None = None, **params: Any) -> Any:
    """Take one step. ``version`` is the record's version the caller saw (None: current)."""
    return _perform(workflow, record_id, action, actor, version, params)[0]


def _perform(workflow: Workflow, record_id: int, action: str, actor: Any, version: int | None,
             params: dict[str, Any]) -> tuple[Any, StepOutcome]:
    step = workflow.steps.get(action)
    if step is None:
        raise ValidationFailed({"action": f"Unknown action {action!r}."})
    session = db.session
    try:
        actor = actor_snapshot(session, actor)
        record = _load(workflow, record_id, actor)
        if version is not None and version != record.version:
            raise Conflict(f"{workflow.describe(record)} was changed by someone else since you "
                           "opened it; reload it and try again.")
        check_allowed(session, workflow, step, record, actor)
        before = record.status
        details = step.action(session, record, actor, params)
        audit.record(session, f"{workflow.resource}.{action}", actor=actor,
                     resource_type=workflow.resource, resource_id=record.id,
                     details={"from": before, "to": record.status, **details})
        outcome = StepOutcome(record.id, workflow.describe(record), True, record.status, "Done.")
        session.commit()
    except StaleDataError:
        session.rollback()
        raise Conflict("The record was changed by someone else meanwhile; reload and try "
                       "again.") from None
    except Exception:
        session.rollback()
        raise
    return record, outcome


def perform_bulk(workflow: Workflow, record_ids: Iterable[int], action: str, actor: Any,
                 **params: Any) -> list[StepOutcome]:
    """Take one step on many records, each in its own transaction and checked at that moment;
    one refusal never undoes the others."""
    outcomes = []
    actor = actor_snapshot(db.session, actor)
    model = workflow.model
    for record_id in dict.fromkeys(record_ids):
        try:
            outcomes.append(_perform(workflow, record_id, action, actor, None, params)[1])
        except DomainError as error:
            record = db.session.scalars(
                scope_query(sa.select(model).where(model.id == record_id), model, actor)
            ).first()
            name = workflow.describe(record) if record is not None else None
            outcomes.append(StepOutcome(record_id, name, False, None, error.message))
    audit.record_run(db.session, workflow.resource, action, actor, outcomes)
    return outcomes


def reason(params: dict[str, Any], what: str = "a reason") -> str:
    text = (params.get("reason") or "").strip()
    if not text:
        raise ValidationFailed({"reason": f"Write {what}."})
    return text
