"""`flask claimdesk audit-verify` finds the first event altered, removed or inserted directly in
the database; the database (PostgreSQL) and the application refuse changes to events."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent
from app.services import audit
from app.services.audit.chain import event_hash
from tests.audit_support import empty_trail, raw_changes
from tests.conftest import requires_postgres

EVENTS = 6


@pytest.fixture
def trail(app):
    empty_trail(app)
    with app.app_context():
        for number in range(1, EVENTS + 1):
            audit.record(db.session, "claim.submit", resource_type="claim",
                         resource_id=number, details={"total": f"{number}00.00"})
            db.session.commit()
        db.session.remove()
    return app


def verify(app) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["claimdesk", "audit-verify", "--page-size", "2"])
    return result.exit_code, result.output


tamper = raw_changes  # behind the application's back


def row(app, event_id: int) -> dict:
    with app.app_context(), db.engine.connect() as connection:
        return dict(connection.execute(sa.select(AuditEvent.__table__).where(
            AuditEvent.__table__.c.id == event_id)).mappings().one())


def forged(app, event_id: int, previous_hash: str) -> tuple[str, dict]:
    values = {**row(app, 1), "id": event_id, "action": "claim.approve",
              "details": json.dumps({"forged": True}), "previous_hash": previous_hash}
    values["hash"] = event_hash(values)
    columns = ", ".join(values)
    return (f"INSERT INTO audit_event ({columns}) VALUES "
            f"({', '.join(':' + name for name in values)})", values)


def test_an_untouched_trail_verifies(trail):
    code, output = verify(trail)
    assert code == 0, output
    assert f"Audit trail intact: {EVENTS} events checked, the last is event {EVENTS}." in output


def test_an_empty_trail_verifies(app):
    empty_trail(app)
    code, output = verify(app)
    assert code == 0 and "intact: 0 events" in output


def test_an_altered_field_is_found_at_its_event(trail):
    tamper(trail, ("UPDATE audit_event SET details = :d WHERE id = 3", {"d": '{"total":"1.00"}'}))
    code, output = verify(trail)
    assert code == 1
    assert "(altered): Event 3 was altered" in output


def test_an_event_altered_with_its_hash_recomputed_is_found(trail):
    changed = {**row(trail, 3), "actor_name": "someone.else"}
    tamper(trail, ("UPDATE audit_event SET actor_name = :n, hash = :h WHERE id = 3",
                   {"n": "someone.else", "h": event_hash(changed)}))
    code, output = verify(trail)
    assert code == 1
    assert "(altered): Event 3 was altered (its hash recomputed)" in output


def test_a_removed_event_is_found_where_the_gap_is(trail):
    tamper(trail, ("DELETE FROM audit_event WHERE id = 4", {}))
    code, output = verify(trail)
    assert code == 1
    assert "(removed): Events were removed: event 4, before event 5." in output


def test_removed_last_events_are_found(trail):
    tamper(trail, ("DELETE FROM audit_event WHERE id >= 5", {}))
    code, output = verify(trail)
    assert code == 1
    assert "(removed): Events were removed at the end: events 5 to 6." in output


def test_an_event_appended_behind_the_chain_head_is_found(trail):
    tamper(trail, forged(trail, EVENTS + 1, row(trail, EVENTS)["hash"]))
    code, output = verify(trail)
    assert code == 1
    assert f"(inserted): Event {EVENTS + 1} was inserted: the chain ends at event {EVENTS}." \
        in output


def _make_room_at(app, event_id: int) -> None:
    """Shift events from ``event_id`` on one id up, last first, leaving ``event_id`` free."""
    tamper(app, *((f"UPDATE audit_event SET id = {n + 1} WHERE id = {n}", {})
                  for n in range(EVENTS, event_id - 1, -1)))


def test_an_event_inserted_with_a_good_link_is_found(trail):
    _make_room_at(trail, 3)
    tamper(trail, forged(trail, 3, row(trail, 2)["hash"]))
    code, output = verify(trail)
    assert code == 1
    assert "(inserted): Event 3 was inserted: event 4 links to the event before it." in output


def test_an_event_inserted_with_a_made_up_link_is_found(trail):
    _make_room_at(trail, 3)
    tamper(trail, forged(trail, 3, "f" * 64))
    code, output = verify(trail)
    assert code == 1
    assert "(inserted): Event 3 was inserted: event 4 links to the event before it." in output


def test_events_written_after_a_tampering_do_not_hide_it(trail):
    tamper(trail, ("DELETE FROM audit_event WHERE id = 2", {}))
    with trail.app_context():
        audit.record(db.session, "claim.submit", resource_type="claim", resource_id=99)
        db.session.commit()
    code, output = verify(trail)
    assert code == 1 and "event 2, before event 3" in output


# --- Refused changes -------------------------------------------------------------------------


@requires_postgres
@pytest.mark.parametrize("sql", [
    "UPDATE audit_event SET action = 'nothing' WHERE id = 2",
    "DELETE FROM audit_event WHERE id = 2",
    "TRUNCATE audit_event",
])
def test_postgresql_refuses_updates_and_deletes_of_events(trail, sql):
    with trail.app_context():
        with pytest.raises(sa.exc.DBAPIError, match="audit events are append-only"):
            with db.engine.begin() as connection:
                connection.execute(sa.text(sql))
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM audit_event")).scalar() \
                == EVENTS
    assert verify(trail)[0] == 0


@pytest.mark.parametrize("method, path", [
    ("get", "/audit/edit/1"),
    ("post", "/audit/edit/1"),
    ("get", "/audit/add"),
    ("post", "/audit/add"),
    ("post", "/audit/delete/1"),
    ("get", "/audit/delete/1"),
])
def test_the_audit_pages_have_no_change_routes(trail, admin_client, method, path):
    response = getattr(admin_client, method)(path)
    assert response.status_code in (404, 405)
    assert verify(trail)[0] == 0


@pytest.mark.parametrize("method, path", [
    ("put", "/api/v1/auditevent/1"),
    ("delete", "/api/v1/auditevent/1"),
    ("post", "/api/v1/auditevent/"),
])
def test_the_audit_api_refuses_changes(trail, api_headers, method, path):
    response = getattr(trail.test_client(), method)(
        path, headers=api_headers("admin"), json={"action": "changed"})
    assert response.status_code == 405
    assert verify(trail)[0] == 0
