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


def check_events_written_before_the_chain_are_chained(app) -> None:
    """Events of a database older than the chain are chained by the migration in id order, the
    head names the last, new events continue the chain, and (PostgreSQL) the trigger is there."""
    from app.services import audit
    from app.services.audit.verify import verify_chain

    with app.app_context():
        config = alembic_config(app)
        command.upgrade(config, "306391557d0c")  # the revision before the chain
        with db.engine.begin() as connection:
            for number, when in ((4, "2026-01-05 10:00:00.250000"),
                                 (9, "2026-01-06 11:30:00")):  # ids with a gap, as sequences leave
                connection.execute(sa.text(
                    "INSERT INTO audit_event (id, occurred_at, action, resource_type, "
                    "resource_id, details) VALUES (:id, :at, 'claim.submit', 'claim', '1', '{}')"),
                    {"id": number, "at": when})
        command.upgrade(config, "head")
        audit.record(db.session, "claim.start_review", resource_type="claim", resource_id=1)
        db.session.commit()
        with db.engine.connect() as connection:
            result = verify_chain(connection)
            assert result.intact and (result.events, result.last_id) == (3, 10)
            if connection.dialect.name == "postgresql":
                with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                    connection.execute(sa.text("DELETE FROM audit_event WHERE id = 4"))
        db.session.remove()
        command.downgrade(config, "306391557d0c")
        db.engine.dispose()


def test_the_migration_chains_earlier_events_on_sqlite(tmp_path):
    app = create_app(test_config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.db'}"))
    check_events_written_before_the_chain_are_chained(app)


@requires_postgres
def test_the_migration_chains_earlier_events_on_postgresql(scratch_postgres_url):
    app = create_app(test_config(SQLALCHEMY_DATABASE_URI=scratch_postgres_url))
    check_events_written_before_the_chain_are_chained(app)
