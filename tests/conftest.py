"""One application for the whole run, a clean database for every test, one client per role.

The suite runs on SQLite by default and on PostgreSQL when CLAIMDESK_TEST_DATABASE_URL is set
(the database named there belongs to the tests: it is emptied at the start).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable, Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import TEST_PASSWORD, api_token, login

_TMP = Path(tempfile.mkdtemp(prefix="claimdesk-tests-"))
os.environ.setdefault("CLAIMDESK_INSTANCE_PATH", str(_TMP / "instance"))

from app import create_app  # noqa: E402  (the instance path must be set first)
from app.extensions import db  # noqa: E402
from config import normalise_database_url  # noqa: E402

PG_URL = os.environ.get("CLAIMDESK_TEST_DATABASE_URL")
DATABASE_URL = normalise_database_url(PG_URL) if PG_URL else f"sqlite:///{_TMP / 'test.db'}"
IS_POSTGRES = DATABASE_URL.startswith("postgresql")

# The logins every test can use: username -> role.
STAFF = {
    "admin": "Admin",
    "committee1": "Committee",
    "committee2": "Committee",
    "finance": "Finance",
    "auditor": "Auditor",
    "member1": "Member",
    "member2": "Member",
}

requires_postgres = pytest.mark.skipif(
    not IS_POSTGRES, reason="needs PostgreSQL: set CLAIMDESK_TEST_DATABASE_URL"
)


def test_config(**extra) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
        "SECRET_KEY": "tests-only-secret-of-at-least-32-bytes",
        "UPLOAD_FOLDER": str(_TMP / "uploads"),
        "RATELIMIT_STORAGE_URI": "memory://",
        **extra,
    }


test_config.__test__ = False  # a helper that test modules import: pytest must not collect it


def _reset_schema(app: Flask) -> None:
    with app.app_context():
        if IS_POSTGRES:
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        else:
            db.drop_all()
        db.create_all()


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    application = create_app(test_config())
    _reset_schema(application)
    with application.app_context():
        from app.services.roles import sync_roles

        sync_roles()
        sm = application.appbuilder.sm
        for username, role in STAFF.items():
            sm.add_user(
                username=username,
                first_name=username.capitalize(),
                last_name="Test",
                email=f"{username}@example.org",
                role=sm.find_role(role),
                password=TEST_PASSWORD,
            )
        application.config["BASELINE_USER_IDS"] = {
            u.id for u in db.session.query(sm.user_model).all()
        }
        db.session.remove()
    yield application


# Tables the suite keeps between tests (FAB's security data, created once).
_KEPT_TABLES = {"ab_permission", "ab_view_menu", "ab_permission_view", "ab_role",
                "ab_permission_view_role", "ab_group", "ab_group_role", "ab_user_group"}


@pytest.fixture(autouse=True)
def clean_database(app: Flask) -> Iterator[None]:
    yield
    with app.app_context():
        db.session.remove()
        baseline = app.config["BASELINE_USER_IDS"]
        with db.engine.begin() as conn:
            if IS_POSTGRES:  # the audit trail refuses deletes (its trigger): not for the suite
                conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
            for table in reversed(db.metadata.sorted_tables):
                if table.name in _KEPT_TABLES:
                    continue
                if table.name == "ab_user_role":
                    conn.execute(table.delete().where(table.c.user_id.not_in(baseline)))
                elif table.name == "ab_user":
                    conn.execute(table.delete().where(table.c.id.not_in(baseline)))
                    conn.execute(
                        table.update().values(fail_login_count=0, login_count=0, active=True)
                    )
                else:
                    conn.execute(table.delete())
        app.extensions.get("limiter") and _reset_limiter(app)


def _reset_limiter(app: Flask) -> None:
    from app.extensions import limiter

    try:
        limiter.reset()
    except Exception:  # storage without reset support
        pass


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An application context, for tests that call services directly."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def client_for(app: Flask) -> Callable[[str], FlaskClient]:
    """A web client logged in through the login form as the given username."""

    def make(username: str) -> FlaskClient:
        c = app.test_client()
        response = login(c, username)
        assert response.status_code in (302, 303), f"login of {username} failed"
        return c

    return make


@pytest.fixture
def admin_client(client_for) -> FlaskClient:
    return client_for("admin")


@pytest.fixture
def committee_client(client_for) -> FlaskClient:
    return client_for("committee1")


@pytest.fixture
def finance_client(client_for) -> FlaskClient:
    return client_for("finance")


@pytest.fixture
def auditor_client(client_for) -> FlaskClient:
    return client_for("auditor")


@pytest.fixture
def member_client(client_for) -> FlaskClient:
    return client_for("member1")


@pytest.fixture
def api_headers(app: Flask) -> Callable[[str], dict]:
    """Bearer headers for a JWT obtained through /api/v1/security/login."""

    def make(username: str) -> dict:
        return {"Authorization": f"Bearer {api_token(app.test_client(), username)}"}

    return make
