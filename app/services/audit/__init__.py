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
from sqlalchemy.orm import Session

from app.models import AuditEvent
from app.services.audit import changes  # noqa: F401  (records every entity's changes)
from app.services.audit.chain import append_events

__all__ = ["append_events", "record", "record_run", "request_context"]


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
) -> AuditEvent:
    """Add an event to the session; it commits (or rolls back) with the change it describes.
    Without an actor, the request's user is the actor."""
    if actor is None:
        actor = request_actor()
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "username", None),
        resource_type=resource_type,
        resource_id=None if resource_id is None else str(resource_id),
        details=details_text(details),
        **request_context(),
    )
    session.add(event)
    # The record's changes in this transaction need no generic event besides this one.
    changes.note_covered(session, resource_type, event.resource_id)
    return event


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
