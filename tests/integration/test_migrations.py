"""The migrations build exactly the schema the models describe, and take it down again.

Each test migrates its own scratch database (a file on SQLite; a new database on the PostgreSQL
server named by CLAIMDESK_TEST_DATABASE_URL), never the suite's.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from tests.conftest import DATABASE_URL, requires_postgres, test_config

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(app: Flask) -> Config:
    config = app.extensions["migrate"].migrate.get_config(str(MIGRATIONS))
    # env.py would otherwise load alembic.ini's logging setup over the test run's.
    config.attributes["configure_logger"] = False
    return config


def differences_from_models() -> list:
    """What `flask db migrate` would write: the same comparison, with env.py's options."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def table_names() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def check_upgrade_matches_models_then_downgrade(app: Flask) -> None:
    with app.app_context():
        config = alembic_config(app)
        assert table_names() == set()
        command.upgrade(config, "head")
        tables = table_names()
        assert {"ab_user", "ab_role", "claim", "claim_item", "member"} <= tables
        assert tables == {t.name for t in db.metadata.sorted_tables} | {"alembic_version"}
        assert differences_from_models() == []

        command.downgrade(config, "base")
        assert table_names() == {"alembic_version"}
        db.session.remove()
        db.engine.dispose()


def test_there_is_one_head():
    script = ScriptDirectory(str(MIGRATIONS))
    assert len(script.get_heads()) == 1, "merge the migration branches: flask db merge heads"


def test_upgrade_on_sqlite_builds_the_models_schema_and_downgrade_removes_it(tmp_path):
    app = create_app(test_config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.db'}"))
    check_upgrade_matches_models_then_downgrade(app)


@pytest.fixture
def scratch_postgres_url() -> Iterator[str]:
    """A new database on the suite's PostgreSQL server, dropped afterwards."""
    name = f"claimdesk_migrations_{uuid.uuid4().hex[:12]}"
    server = sa.create_engine(DATABASE_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@requires_postgres
def test_upgrade_on_postgresql_builds_the_models_schema_and_downgrade_removes_it(
    scratch_postgres_url,
):
    app = create_app(test_config(SQLALCHEMY_DATABASE_URI=scratch_postgres_url))
    check_upgrade_matches_models_then_downgrade(app)
