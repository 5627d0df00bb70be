"""Events about logins and looks, rather than changes: logins, failed logins (with the name
tried), logouts, password changes, and staff opening a member's claim or chronic-illness request
(who looked at whose).
Each is committed at once: nothing else of the request is to be written with it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.orm import Session

from app.access import is_restricted, member_id_of
from app.models import ChronicRequest, Claim
from app.services.audit import record

USERNAME_KEPT = 100  # characters of a name tried that are kept


def _via() -> str:
    return "api" if has_request_context() and request.path.startswith("/api/") else "web"


def logged_in(session: Session, user: Any) -> None:
    record(session, "user.login", actor=user, resource_type="user", resource_id=user.id,
           details={"via": _via()})
    session.commit()


def login_failed(session: Session, username: str | None, *, locked: bool) -> None:
    """A refused login: wrong password, no such user, or a name locked out."""
    record(session, "user.login_failed", resource_type="user",
           details={"username": (username or "")[:USERNAME_KEPT], "locked": locked,
                    "via": _via()})
    session.commit()


def logged_out(session: Session, user: Any, reason: str = "logout") -> None:
    record(session, "user.logout", actor=user, resource_type="user", resource_id=user.id,
           details={"reason": reason})
    session.commit()


def password_changed(session: Session, user_id: int, by: Any | None) -> None:
    """Before the change is committed (it commits with it); the password itself never."""
    record(session, "user.password_change", actor=by, resource_type="user",
           resource_id=user_id, details={"own": getattr(by, "id", None) == user_id})


def claim_viewed(session: Session, claim_id: int, viewer: Any | None) -> None:
    """Staff opened a member's claim (its diagnosis and treatment)."""
    medical_record_viewed(session, Claim, claim_id, viewer)


def chronic_request_viewed(session: Session, request_id: int, viewer: Any | None) -> None:
    """Staff opened a member's chronic-illness request (his condition and medicines)."""
    medical_record_viewed(session, ChronicRequest, request_id, viewer)


def medical_record_viewed(session: Session, model: type, record_id: int,
                          viewer: Any | None) -> None:
    """Recorded as ``<resource>.view`` with whose record it is, unless the viewer is its own
    member (a member sees only his own records)."""
    if viewer is None or is_restricted(viewer):
        return
    member_id = session.execute(sa.select(model.member_id).where(model.id == record_id)
                                ).scalar_one_or_none()
    if member_id is None or member_id == member_id_of(viewer):
        return
    resource = model.__name__.lower()
    record(session, f"{resource}.view", actor=viewer, resource_type=resource,
           resource_id=record_id, details={"member_id": member_id, "via": _via()})
    session.commit()
