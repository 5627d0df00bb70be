"""`flask claimdesk sla-tick`: statuses kept current, each breach flagged and notified once
however often (and however many at once) it runs, set-based over 10,000 open claims."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Claim, Notification
from app.models.base import utcnow
from app.services.lifecycle import perform
from app.services.sla_tick import sla_tick
from tests import factories
from tests.conftest import requires_postgres
from tests.workload_support import new_member, submitted, user

DAY = timedelta(days=1)


def stamp(claim_id: int, **values) -> None:
    """Move a claim's clock, as if it had been running for a while."""
    db.session.execute(sa.update(Claim).where(Claim.id == claim_id).values(**values))
    db.session.commit()


def row(claim_id: int) -> Claim:
    db.session.expire_all()
    return db.session.get(Claim, claim_id)


@pytest.fixture
def clocks(ctx):
    """One claim per case, due relative to now."""
    now = utcnow()
    ids = {name: submitted() for name in ("late", "risky", "fresh", "paused", "unpaid")}
    stamp(ids["late"], sla_due_at=now - DAY, sla_status="on_track")
    stamp(ids["risky"], sla_due_at=now + 2 * DAY, sla_status="on_track")
    perform(ids["paused"], "start_review", user("committee1"))
    perform(ids["paused"], "request_info", user("committee1"), reason="Send the referral.")
    # Stopped 20 days ago with 15 days left: on track while stopped, though the date passed.
    stamp(ids["paused"], sla_paused_at=now - 20 * DAY, sla_due_at=now - 5 * DAY)
    for action, who in (("start_review", "committee1"), ("recommend", "committee1"),
                        ("approve", "committee2")):
        perform(ids["unpaid"], action, user(who))
    stamp(ids["unpaid"], payment_due_at=now - DAY)
    return ids


def test_a_tick_sets_every_status_and_notifies_each_breach_once(clocks):
    result = sla_tick(db.session)
    assert (result.breached, result.payment_breached) == (1, 1)
    states = {name: row(cid).sla_status for name, cid in clocks.items()}
    assert states == {"late": "breached", "risky": "at_risk", "fresh": "on_track",
                      "paused": "on_track", "unpaid": "breached"}
    late, unpaid = row(clocks["late"]), row(clocks["unpaid"])
    assert late.sla_breached_at is not None and unpaid.payment_breached_at is not None
    assert late.sla_breached_at == unpaid.payment_breached_at  # the run's one "now"
    notes = db.session.scalars(sa.select(Notification).order_by(Notification.claim_id)).all()
    assert [(n.claim_id, n.kind, n.recipient_role) for n in notes] == [
        (clocks["late"], "sla_breached", "Committee"),
        (clocks["unpaid"], "payment_sla_breached", "Committee")]
    assert late.claim_number in notes[0].message and "not decided" in notes[0].message
    assert "not paid" in notes[1].message


def test_running_it_again_changes_nothing(clocks):
    sla_tick(db.session)
    before = {cid: (c.sla_status, c.sla_breached_at, c.payment_breached_at, c.version,
                    c.updated_at)
              for cid, c in ((cid, row(cid)) for cid in clocks.values())}
    for _ in range(3):
        result = sla_tick(db.session)
        assert (result.breached, result.payment_breached, result.statuses_changed) == (0, 0, 0)
    after = {cid: (c.sla_status, c.sla_breached_at, c.payment_breached_at, c.version,
                   c.updated_at)
             for cid, c in ((cid, row(cid)) for cid in clocks.values())}
    assert after == before
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 2


def test_the_clock_moving_is_not_someone_changing_the_claim(clocks):
    late = row(clocks["late"])
    version, updated = late.version, late.updated_at
    sla_tick(db.session)
    late = row(clocks["late"])
    assert (late.version, late.updated_at) == (version, updated)
    # A page opened before the tick still posts its transition (the version did not move).
    perform(late.id, "start_review", user("committee1"), version)


def test_later_ticks_follow_the_time(clocks):
    fresh = row(clocks["fresh"])
    sla_tick(db.session, now=fresh.sla_due_at - 10 * DAY)
    assert row(clocks["fresh"]).sla_status == "on_track"
    sla_tick(db.session, now=fresh.sla_due_at - 5 * DAY)
    assert row(clocks["fresh"]).sla_status == "at_risk"
    sla_tick(db.session, now=fresh.sla_due_at + timedelta(minutes=1))
    assert row(clocks["fresh"]).sla_status == "breached"
    assert row(clocks["fresh"]).sla_breached_at == fresh.sla_due_at + timedelta(minutes=1)


def test_a_closed_claim_keeps_its_breach_but_runs_no_clock(clocks):
    sla_tick(db.session)
    member_login = user("member1")
    claim = row(clocks["late"])
    claim.member.user_id = member_login.id
    db.session.commit()
    perform(claim.id, "withdraw", member_login)
    sla_tick(db.session)
    claim = row(clocks["late"])
    assert claim.sla_status is None and claim.sla_breached_at is not None


def test_a_claim_stopped_after_its_due_date_breached_all_the_same(ctx):
    claim_id = submitted()
    perform(claim_id, "start_review", user("committee1"))
    now = utcnow()
    stamp(claim_id, sla_due_at=now - 3 * DAY)
    perform(claim_id, "request_info", user("committee1"), reason="Send the referral.")
    assert row(claim_id).sla_status == "breached"
    assert sla_tick(db.session).breached == 1
    assert row(claim_id).sla_breached_at is not None
    assert sla_tick(db.session).breached == 0


def test_claims_from_before_the_clock_are_given_one(ctx):
    claim_id = submitted()
    stamp(claim_id, sla_due_at=None, sla_status=None, submitted_at=utcnow() - 40 * DAY)
    result = sla_tick(db.session)
    assert (result.clocks_started, result.breached) == (1, 1)
    assert row(claim_id).sla_status == "breached"


def test_the_command_prints_what_it_did(app, clocks):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["claimdesk", "sla-tick"])
    assert first.exit_code == 0, first.output
    assert "1 claim(s) breached their decision date, 1 their payment date" in first.output
    second = runner.invoke(args=["claimdesk", "sla-tick"])
    assert "0 claim(s) breached their decision date, 0 their payment date" in second.output
    assert "0 SLA status(es) changed" in second.output


def many_open_claims(count: int) -> None:
    """``count`` submitted claims, half of them past due, written in a few statements."""
    member = new_member()
    provider = factories.provider()
    db.session.commit()
    now = utcnow()
    db.session.execute(sa.insert(Claim.__table__), [
        {"claim_number": f"CLM-2099-{n:06d}", "member_id": member.id, "claim_type": "outpatient",
         "provider_id": provider.id, "status": "submitted", "submitted_at": now - 20 * DAY,
         "sla_due_at": now + (-DAY if n % 2 else 10 * DAY), "sla_status": "on_track",
         "version": 1, "created_at": now, "updated_at": now}
        for n in range(count)
    ])
    db.session.commit()


@pytest.fixture
def emptied_fast(ctx):
    """PostgreSQL checks every reference of each of 10,000 deleted claims one by one in the
    suite's clean-up; emptying the tables at once takes a moment instead."""
    yield
    if db.engine.dialect.name == "postgresql":
        db.session.rollback()
        db.session.execute(sa.text("TRUNCATE notification, claim CASCADE"))
        db.session.commit()


def test_ten_thousand_open_claims_take_a_few_statements(app, emptied_fast):
    many_open_claims(10_000)
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        started = time.perf_counter()
        result = sla_tick(db.session)
        elapsed = time.perf_counter() - started
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert result.breached == 5_000
    # Set-based: the same handful of statements whatever the number of claims; only the
    # notifications' one executemany goes out in batches (of a thousand rows or so).
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    assert len(statements) - len(inserts) <= 10, statements
    assert len(inserts) <= 10
    assert elapsed < 20, f"the tick took {elapsed:.1f} s"
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 5_000
    assert sla_tick(db.session).breached == 0


@requires_postgres
def test_ticks_running_at_once_notify_each_breach_once(app, emptied_fast):
    many_open_claims(2_000)
    db.session.remove()
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def tick() -> None:
        with app.app_context():
            try:
                start.wait(timeout=60)
                sla_tick(db.session)
            except BaseException as error:  # reported by the test
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=tick) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    per_claim = db.session.execute(
        sa.select(Notification.claim_id, sa.func.count()).group_by(Notification.claim_id)
    ).all()
    assert len(per_claim) == 1_000 and {n for _, n in per_claim} == {1}
    assert db.session.scalar(sa.select(sa.func.count(Claim.id)).where(
        Claim.sla_breached_at.is_not(None))) == 1_000
