"""Account lockout: after ``LOCKOUT_MAX_FAILURES`` failed logins in a row a username is refused
for ``LOCKOUT_MINUTES``, even with the right password. FAB counts failures but never acts on them.

The count lives in the database (``LoginThrottle``) and is changed with single UPDATE statements,
so that several app instances, and several attempts at once, agree on it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models.base import utcnow
from app.models.security import LoginThrottle

MAX_KEY_LENGTH = 320


def throttle_key(login_name: str, find_user: Callable[..., Any]) -> str:
    """The name a lock is kept under: the user's username when ``login_name`` is his username
    or e-mail address (so both ways in share one count), otherwise the name as typed."""
    name = login_name.strip()
    user = find_user(username=name) or find_user(email=name)
    return (user.username if user is not None else name).lower()[:MAX_KEY_LENGTH]


def _lock_duration() -> timedelta:
    return timedelta(minutes=current_app.config["LOCKOUT_MINUTES"])


def _max_failures() -> int:
    return int(current_app.config["LOCKOUT_MAX_FAILURES"])


def _clear_expired_lock(key: str, now: datetime) -> None:
    # An expired lock starts a fresh count: five more failures lock the name again.
    db.session.execute(
        sa.update(LoginThrottle)
        .where(LoginThrottle.username == key, LoginThrottle.locked_until <= now)
        .values(failures=0, locked_until=None)
    )


def is_locked(key: str) -> bool:
    now = utcnow()
    _clear_expired_lock(key, now)
    locked_until = db.session.execute(
        sa.select(LoginThrottle.locked_until).where(LoginThrottle.username == key)
    ).scalar_one_or_none()
    db.session.commit()
    return locked_until is not None and locked_until > now


def record_failed_login(key: str) -> bool:
    """Count one failed login; True when this failure locks the name."""
    now = utcnow()
    increment = (
        sa.update(LoginThrottle)
        .where(LoginThrottle.username == key)
        .values(failures=LoginThrottle.failures + 1, last_failure_at=now)
    )
    if db.session.execute(increment).rowcount == 0:
        try:
            with db.session.begin_nested():
                db.session.add(LoginThrottle(username=key, failures=1, last_failure_at=now))
        except IntegrityError:  # another instance counted this name's first failure meanwhile
            db.session.execute(increment)
    locked = db.session.execute(
        sa.update(LoginThrottle)
        .where(
            LoginThrottle.username == key,
            LoginThrottle.failures >= _max_failures(),
            LoginThrottle.locked_until.is_(None),
        )
        .values(locked_until=now + _lock_duration())
    ).rowcount
    db.session.commit()
    return bool(locked)


def record_successful_login(key: str) -> None:
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.username == key))
    db.session.commit()


def unlock(key: str) -> None:
    """Lift a lock before it expires (an admin's decision)."""
    record_successful_login(key)
