"""The demo fund's logins: one per role, two members linked to their member records.

They share one password: ``CLAIMDESK_DEMO_PASSWORD`` when set, else a random one generated once
and kept in the instance folder, so no password is ever written in the repository. Logins that
exist already are left as they are.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import generate_password_hash

from app.demo.members import Household
from app.extensions import db
from app.models import Member
from app.security import ROLE_ADMIN, ROLE_AUDITOR, ROLE_COMMITTEE, ROLE_FINANCE, ROLE_MEMBER
from app.services.errors import DomainError
from config import instance_secret

DEMO_URL = "http://127.0.0.1:5000"
# username, role, first name, last name (members take their member record's names)
STAFF_LOGINS = (
    ("admin", ROLE_ADMIN, "Grace", "Wairimu"),
    ("committee1", ROLE_COMMITTEE, "Joseph", "Otieno"),
    ("committee2", ROLE_COMMITTEE, "Fatuma", "Hassan"),
    # Four committee members make the by-laws' quorum at the demo's meetings.
    ("committee3", ROLE_COMMITTEE, "Wanjiku", "Mwangi"),
    ("committee4", ROLE_COMMITTEE, "Kamau", "Njoroge"),
    ("finance", ROLE_FINANCE, "Peter", "Mwangi"),
    # A payment batch is approved by another Finance user than its builder (four eyes).
    ("finance2", ROLE_FINANCE, "Halima", "Said"),
    ("auditor", ROLE_AUDITOR, "Esther", "Chebet"),
)
# Linked, in this order, to the first demo households (app.demo.members.LINKED_HOUSEHOLDS).
MEMBER_LOGINS = ("member1", "member2")
DEMO_LOGINS: tuple[tuple[str, str], ...] = (
    *((username, role) for username, role, _, _ in STAFF_LOGINS),
    *((username, ROLE_MEMBER) for username in MEMBER_LOGINS),
)
CLAIMS_OFFICER = "committee1"


def demo_password() -> str:
    configured = current_app.config.get("DEMO_PASSWORD")
    if configured:
        return configured
    return instance_secret(Path(current_app.config["INSTANCE_PATH"]), "demo_password", nbytes=12)


def _password_hash(password: str) -> str:
    # As FAB's add_user hashes, with the same configuration.
    config = current_app.config
    return generate_password_hash(
        password,
        method=config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
        salt_length=config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16),
    )


def ensure_demo_logins(households: list[Household]) -> list[str]:
    """Create the demo logins that do not exist yet (not committed); return their usernames."""
    sm = current_app.appbuilder.sm
    hashed: str | None = None
    wanted = [
        (username, role, first, last, f"{username}@claimdesk.example")
        for username, role, first, last in STAFF_LOGINS
    ]
    for username, household in zip(MEMBER_LOGINS, households[: len(MEMBER_LOGINS)], strict=True):
        member = household.member
        wanted.append((username, ROLE_MEMBER, member.first_name, member.last_name, member.email))
    added = []
    for username, role_name, first, last, email in wanted:
        if sm.find_user(username=username) is not None:
            continue
        if sm.find_user(email=email) is not None:  # the e-mail is taken: keep the login anyway
            email = f"{username}@claimdesk.example"
        # Hashed once for all: scrypt takes a noticeable fraction of a second each time.
        hashed = hashed or _password_hash(demo_password())
        user = sm.add_user(
            username=username,
            first_name=first,
            last_name=last,
            email=email,
            role=sm.find_role(role_name),
            hashed_password=hashed,
            commit=False,
        )
        if not user:
            raise DomainError(f"The demo login {username} could not be created.")
        added.append(username)
    if added:
        db.session.flush()
    return added


def user_id(username: str) -> int | None:
    user = current_app.appbuilder.sm.find_user(username=username)
    return user.id if user is not None else None


def link_member_logins(households: list[Household]) -> list[str]:
    """Link each member login to its household's member record, unless either is linked
    already (not committed); return the usernames linked now."""
    linked = []
    for username, household in zip(MEMBER_LOGINS, households[: len(MEMBER_LOGINS)], strict=True):
        login_id = user_id(username)
        member = db.session.execute(
            sa.select(Member).where(Member.national_id == household.member.national_id)
        ).scalar_one_or_none()
        if login_id is None or member is None or member.user_id is not None:
            continue
        taken = db.session.execute(sa.select(Member.id).where(Member.user_id == login_id)).first()
        if taken is None:
            member.user_id = login_id
            linked.append(username)
    if linked:
        db.session.flush()
    return linked


def demo_logins_text() -> str:
    """What `flask claimdesk demo-logins` prints: where to go, who to be, the password."""
    try:
        existing = set(
            db.session.execute(sa.select(current_app.appbuilder.sm.user_model.username)).scalars()
        )
    except sa.exc.SQLAlchemyError:  # no tables yet: the database was never migrated
        db.session.rollback()
        existing = set()
    width = max(len(username) for username, _ in DEMO_LOGINS)
    lines = [f"Claimdesk demo: {DEMO_URL}", "", "Demo logins:"]
    for username, role in DEMO_LOGINS:
        missing = "" if username in existing else "  (not created yet: run `flask claimdesk demo`)"
        lines.append(f"  {username:<{width}}  {role}{missing}")
    lines += ["", f"Password of every demo login: {demo_password()}"]
    return "\n".join(lines)
