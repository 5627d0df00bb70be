"""In-app notifications: written in the caller's transaction, read through the row rule.

A notification goes to one login or to a role; a role's notifications are one shared inbox (read
by one holder, read for all). Who sees which is app.access's rule for ``Notification``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.access import scope_query
from app.models import Notification
from app.models.base import utcnow
from app.services.calendar import fund_timezone
from app.services.errors import NotFound


def fund_date_text(moment: datetime) -> str:
    """A stored (naive UTC) time as the fund's local date, e.g. "14 May 2026"."""
    local = moment.replace(tzinfo=timezone.utc).astimezone(fund_timezone())
    return f"{local.day} {local:%b %Y}"


def notify_role(session: Session, role: str, kind: str, message: str,
                claim_id: int | None = None) -> Notification:
    note = Notification(recipient_role=role, kind=kind, message=message, claim_id=claim_id)
    session.add(note)
    return note


def notify_user(session: Session, user_id: int, kind: str, message: str,
                claim_id: int | None = None) -> Notification:
    note = Notification(recipient_user_id=user_id, kind=kind, message=message, claim_id=claim_id)
    session.add(note)
    return note


def notify_role_many(session: Session, role: str, kind: str,
                     claims: Iterable[tuple[int, str]], now: datetime | None = None) -> int:
    """One notification per (claim id, message), inserted in one statement."""
    rows = [
        {"recipient_role": role, "kind": kind, "claim_id": claim_id, "message": message,
         "created_at": now or utcnow()}
        for claim_id, message in claims
    ]
    if rows:
        session.execute(sa.insert(Notification.__table__), rows)
    return len(rows)


def visible(session: Session, user: Any, ids: Iterable[int]) -> list[Notification]:
    query = sa.select(Notification).where(Notification.id.in_(list(ids)))
    return list(session.scalars(scope_query(query, Notification, user)))


def mark_read(session: Session, user: Any, ids: Iterable[int]) -> int:
    """Mark the notifications among ``ids`` that ``user`` may see as read (flushed); returns how
    many were unread. Raises NotFound when he may see none of them."""
    wanted = list(dict.fromkeys(ids))
    found = visible(session, user, wanted)
    if not found:
        raise NotFound("No such notification.")
    now = utcnow()
    unread = [note for note in found if note.read_at is None]
    for note in unread:
        note.read_at = now
    session.flush()
    return len(unread)
