"""Login throttling: failed logins per username, kept in the database so that every app
instance sees the same count and lock."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_appbuilder.models.sqla import Model
from sqlalchemy.orm import Mapped, mapped_column


class LoginThrottle(Model):
    __tablename__ = "login_throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The login name as typed (lower case), or the user's username when it named an e-mail
    # address: names that belong to nobody are counted and locked alike, so a lock says
    # nothing about whether the user exists.
    username: Mapped[str] = mapped_column(sa.String(320), unique=True, nullable=False)
    failures: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime)

    def __repr__(self) -> str:
        return f"{self.username}: {self.failures} failed"


class PasswordChangeDue(Model):
    """A login that must set its own password before anything else: one row per such login,
    made with a one-time password and removed when its owner sets his own (app.security)."""

    __tablename__ = "login_password_reset"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True
    )
    since: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False)

    def __repr__(self) -> str:
        return f"password change due for user {self.user_id}"
