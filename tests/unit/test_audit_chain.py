"""The audit chain as services write it: ids one after the other, each event linked to the one
before and hashed over the documented encoding; several processes appending at once."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from datetime import datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditChainHead, AuditEvent
from app.services import audit
from app.services.audit.chain import GENESIS, append_events
from app.services.audit.verify import verify_chain
from tests.audit_support import empty_trail
from tests.conftest import DATABASE_URL, requires_postgres


@pytest.fixture(autouse=True)
def empty(app):
    empty_trail(app)


def events() -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()


def documented_hash(event: AuditEvent) -> str:
    """The README's encoding, written out again independently of the service."""
    fields = ["claimdesk-audit-1", event.occurred_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
              event.actor_id, event.actor_name, event.ip_address, event.user_agent,
              event.action, event.resource_type, event.resource_id, event.details,
              event.previous_hash]
    encoded = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def test_recorded_events_form_a_chain_in_id_order(ctx):
    audit.record(db.session, "claim.submit", resource_type="claim", resource_id=7,
                 details={"note": "Kiswahili: ñ, é"})
    audit.record(db.session, "claim.start_review", resource_type="claim", resource_id=7)
    db.session.commit()
    audit.record(db.session, "claim.recommend", resource_type="claim", resource_id=7)
    db.session.commit()

    first, second, third = events()
    assert [e.id for e in (first, second, third)] == [1, 2, 3]
    assert [e.action for e in (first, second, third)] == [
        "claim.submit", "claim.start_review", "claim.recommend"]
    assert first.previous_hash == GENESIS
    assert second.previous_hash == first.hash and third.previous_hash == second.hash
    for event in (first, second, third):
        assert event.hash == documented_hash(event)
    head = db.session.get(AuditChainHead, 1)
    assert (head.last_id, head.last_hash) == (3, third.hash)


def test_an_event_rolled_back_leaves_no_link(ctx):
    audit.record(db.session, "kept.one")
    db.session.commit()
    audit.record(db.session, "rolled.back")
    db.session.flush()
    db.session.rollback()
    audit.record(db.session, "kept.two")
    db.session.commit()
    assert [(e.id, e.action) for e in events()] == [(1, "kept.one"), (2, "kept.two")]
    with db.engine.connect() as connection:
        assert verify_chain(connection).intact


def test_events_written_with_other_changes_commit_with_them(ctx):
    from tests import factories

    member = factories.member()
    member.phone = "+254700000001"
    audit.record(db.session, "member.touched", resource_type="member", resource_id=member.id)
    db.session.rollback()  # the change and its event go together
    assert [e.action for e in events()] == []
    member = factories.member()
    audit.record(db.session, "member.touched", resource_type="member", resource_id=member.id)
    db.session.commit()
    actions = [e.action for e in events()]
    # The specific event describes the new member: no second, generic one for it.
    assert "member.touched" in actions and "member.create" not in actions
    assert "membershiptype.create" in actions  # the factory's membership type has its own
    with db.engine.connect() as connection:
        assert verify_chain(connection).intact


def test_long_values_are_hashed_as_the_database_keeps_them(ctx):
    audit.record(db.session, "x" * 100, resource_type="claim", resource_id="9" * 100)
    db.session.commit()
    (event,) = events()
    assert len(event.action) == 64 and len(event.resource_id) == 64
    assert event.hash == documented_hash(event)


def test_a_writer_whose_last_head_is_out_of_date_appends_after_the_newest_event(ctx):
    """A connection remembers where it left the head; when another connection wrote since, or
    its own append was rolled back, it must still append after the newest event."""
    def append(connection, action):
        append_events(connection, [{"action": action, "occurred_at": datetime(2026, 1, 1)}])

    with db.engine.connect() as first, db.engine.connect() as second:
        for connection, action in ((first, "a.1"), (first, "a.2"), (second, "b.1"),
                                   (first, "a.3"), (second, "b.2"), (second, "b.3")):
            with connection.begin():
                append(connection, action)
        transaction = first.begin()
        append(first, "rolled.back")  # first now remembers a head that never was
        transaction.rollback()
        with second.begin():
            append(second, "b.4")  # the head's id is now the one first remembers, not its hash
        with first.begin():
            append(first, "a.4")
    assert [(e.id, e.action) for e in events()] == [
        (1, "a.1"), (2, "a.2"), (3, "b.1"), (4, "a.3"), (5, "b.2"), (6, "b.3"), (7, "b.4"),
        (8, "a.4")]
    with db.engine.connect() as connection:
        assert verify_chain(connection).intact


# --- Several processes appending at once -----------------------------------------------------

WRITERS = 6
EVENTS_EACH = 40


def _append_in_own_process(url: str, writer: int, start) -> None:
    engine = sa.create_engine(url, connect_args={"timeout": 60} if "sqlite" in url else {})
    start.wait(timeout=60)
    for number in range(EVENTS_EACH):
        with engine.begin() as connection:  # one transaction per event, as requests do
            append_events(connection, [{"action": "concurrent.append",
                                        "resource_type": "writer", "resource_id": str(writer),
                                        "details": json.dumps({"n": number}),
                                        "occurred_at": datetime(2026, 1, 1)}])
    engine.dispose()


def _run_writers() -> None:
    context = multiprocessing.get_context("fork")
    start = context.Barrier(WRITERS)
    db.engine.dispose()  # the children open connections of their own
    processes = [context.Process(target=_append_in_own_process, args=(DATABASE_URL, n, start))
                 for n in range(WRITERS)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=240)
    assert [process.exitcode for process in processes] == [0] * WRITERS


def _assert_one_unbroken_chain() -> None:
    rows = events()
    assert len(rows) == WRITERS * EVENTS_EACH
    assert [e.id for e in rows] == list(range(1, WRITERS * EVENTS_EACH + 1))
    previous = GENESIS
    for event in rows:
        assert event.previous_hash == previous
        previous = event.hash
    counts = dict(db.session.execute(
        sa.select(AuditEvent.resource_id, sa.func.count()).group_by(AuditEvent.resource_id)
    ).all())
    assert counts == {str(n): EVENTS_EACH for n in range(WRITERS)}
    with db.engine.connect() as connection:
        assert verify_chain(connection).intact


@requires_postgres
def test_processes_appending_at_once_keep_one_chain_on_postgresql(ctx):
    _run_writers()
    _assert_one_unbroken_chain()


@pytest.mark.skipif(DATABASE_URL.startswith("postgresql"), reason="the SQLite run")
def test_processes_appending_at_once_keep_one_chain_on_sqlite(ctx):
    _run_writers()
    _assert_one_unbroken_chain()
