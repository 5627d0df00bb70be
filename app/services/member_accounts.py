"""Members' logins: Admin makes one from a member record (or for many at once) with a one-time
password that is shown once and stored only as FAB's hash; the member then has to set his own
password before he can do anything else (``PasswordChangeDue``, enforced in app.security)."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from typing import Any, Iterable

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from app.models import Member, PasswordChangeDue
from app.models.base import utcnow
from app.services import audit
from app.services.errors import Conflict, ValidationFailed

ONE_TIME_PASSWORD_LENGTH = 16
_SYMBOLS = "-_.!#%+="


@dataclass(frozen=True)
class NewLogin:
    member_number: str
    member_name: str
    username: str
    one_time_password: str


@dataclass(frozen=True)
class Skipped:
    member_number: str
    member_name: str
    reason: str


def one_time_password() -> str:
    """Random, and always meeting FAB's password complexity rule (two capitals, two digits,
    three small letters, one symbol), so that it works with the check on or off."""
    required = [
        *(secrets.choice(string.ascii_uppercase) for _ in range(2)),
        *(secrets.choice(string.digits) for _ in range(2)),
        *(secrets.choice(string.ascii_lowercase) for _ in range(3)),
        secrets.choice(_SYMBOLS),
    ]
    alphabet = string.ascii_letters + string.digits
    rest = [secrets.choice(alphabet) for _ in range(ONE_TIME_PASSWORD_LENGTH - len(required))]
    chars = required + rest
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def login_refusal(session: Session, member: Member) -> str | None:
    """Why ``member`` cannot be given a login now; None when he can."""
    sm = current_app.appbuilder.sm
    if member.user_id is not None:
        return "This member already has a login."
    if not member.email:
        return "This member has no e-mail address: add one first."
    if sm.find_user(username=member.member_number.lower()) is not None:
        return f"The username {member.member_number.lower()} is already taken."
    if sm.find_user(email=member.email) is not None:
        return "Another login already uses this member's e-mail address."
    return None


def create_login(session: Session, member: Member, actor: Any) -> NewLogin:
    """Give ``member`` a Member login named after his member number; flushed, not committed.

    The one-time password is returned for the admin to pass on and is never stored in clear.
    """
    from app.security import ROLE_MEMBER

    reason = login_refusal(session, member)
    if reason is not None:
        if member.user_id is not None:
            raise Conflict(reason)
        raise ValidationFailed({"email": reason})
    sm = current_app.appbuilder.sm
    password = one_time_password()
    user = sm.add_user(
        username=member.member_number.lower(),
        first_name=member.first_name,
        last_name=member.last_name,
        email=member.email,
        role=sm.find_role(ROLE_MEMBER),
        password=password,
        commit=False,
    )
    if not user:
        raise Conflict("The login could not be created.")
    session.flush()
    member.user_id = user.id
    session.add(PasswordChangeDue(user_id=user.id, since=utcnow()))
    audit.record(session, "member.login_created", actor=actor, resource_type="member",
                 resource_id=member.id, details={"username": user.username})
    session.flush()
    return NewLogin(member.member_number, member.full_name, user.username, password)


def create_logins(session: Session, members: Iterable[Member],
                  actor: Any) -> tuple[list[NewLogin], list[Skipped]]:
    """Logins for every member given that can have one; the others are reported with the
    reason, not failed. Commits once at the end."""
    created, skipped = [], []
    for member in members:
        reason = login_refusal(session, member)
        if reason is None:
            created.append(create_login(session, member, actor))
        else:
            skipped.append(Skipped(member.member_number, member.full_name, reason))
    session.commit()
    return created, skipped


def members_without_login(session: Session) -> list[Member]:
    """Members with an e-mail address and no login, for the bulk creation."""
    return list(session.scalars(
        sa.select(Member)
        .where(Member.user_id.is_(None), Member.email.is_not(None), Member.email != "")
        .order_by(Member.member_number)
    ))


def password_change_due(session: Session, user_id: int) -> bool:
    return session.get(PasswordChangeDue, user_id) is not None


def password_changed(session: Session, user_id: int) -> None:
    """The login's owner set his own password: he may use the application."""
    session.execute(sa.delete(PasswordChangeDue).where(PasswordChangeDue.user_id == user_id))
