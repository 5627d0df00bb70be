"""Writing the audit trail: one event per thing that matters, in the caller's transaction.

Events are chained by hash as they are written (app.services.audit.chain); nothing in the
application changes or removes one.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.models import AuditEvent
from app.models.base import utcnow
from app.services.audit import changes  # noqa: F401  (records every entity's changes)
from app.services.audit.chain import append_events

__all__ = ["append_events", "collect_rows", "record", "record_run", "request_context",
           "take_rows"]
COLLECTED = "claimdesk_audit_collected"


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def details_text(details: dict[str, Any] | None) -> str:
    return json.dumps(details or {}, default=_plain, sort_keys=True)


def request_actor() -> Any | None:
    """The logged-in user of the current request, if any."""
    if not has_request_context():
        return None
    user = g.get("user")
    return user if getattr(user, "is_authenticated", False) else None


def request_context() -> dict[str, Any]:
    """The request's address and browser, as events store them."""
    if not has_request_context():
        return {"ip_address": None, "user_agent": None}
    return {"ip_address": (request.remote_addr or "")[:45] or None,
            "user_agent": (request.user_agent.string or "")[:255] or None}


def record(
    session: Session,
    action: str,
    *,
    actor: Any | None = None,
    resource_type: str | None = None,
    resource_id: Any = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent | None:
    """Add an event to the session; it commits (or rolls back) with the change it describes.
    Without an actor, the request's user is the actor."""
    if actor is None:
        actor = request_actor()
    fields = {"action": action, "actor_id": getattr(actor, "id", None),
              "actor_name": getattr(actor, "username", None), "resource_type": resource_type,
              "resource_id": None if resource_id is None else str(resource_id),
              "details": details_text(details), **request_context()}
    # The record's changes in this transaction need no generic event besides this one.
    changes.note_covered(session, resource_type, fields["resource_id"])
    collected = session.info.get(COLLECTED)
    if collected is not None:  # a bulk run writes the rows itself (see collect_rows)
        collected.append({**fields, "occurred_at": utcnow()})
        return None
    event = AuditEvent(**fields)
    session.add(event)
    return event


def collect_rows(session: Session) -> list[dict[str, Any]]:
    """From now until :func:`take_rows`, events recorded in the session become plain rows for
    the caller to append with :func:`append_events` in the same transaction, rather than ORM
    objects for the flush: a bulk run writes its claims with plain statements, and building,
    adding and removing an ORM object cost more than the rest of the event. A rollback drops
    them (they described changes that did not happen)."""
    return session.info.setdefault(COLLECTED, [])


def take_rows(session: Session) -> list[dict[str, Any]]:
    return session.info.pop(COLLECTED, None) or []


@event.listens_for(Session, "after_soft_rollback")
def _drop_collected(session: Session, previous_transaction: Any) -> None:
    session.info.pop(COLLECTED, None)


def record_run(session: Session, resource_type: str, action: str, actor: Any,
               outcomes: list[Any]) -> None:
    """The event of a bulk run, after its records' own events: which records it took the step
    on and which it could not (with why); committed at once."""
    done = [_outcome_id(outcome) for outcome in outcomes if outcome.ok]
    refused = {str(_outcome_id(outcome)): outcome.message for outcome in outcomes
               if not outcome.ok}
    record(session, f"{resource_type}.bulk_{action}", actor=actor, resource_type=resource_type,
           details={"action": action, "asked": len(outcomes), "done": done,
                    "refused": refused})
    session.commit()


def _outcome_id(outcome: Any) -> Any:
    return getattr(outcome, "claim_id", None) or getattr(outcome, "record_id", None)
