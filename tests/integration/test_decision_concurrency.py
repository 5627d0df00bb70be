"""Decisions at the same moment for one person close to a limit (issue 3, point 7).

24 claims, each recommended by committee1, are approved by committee2 from 24 threads at once,
each thread with its own application context, session and database connection. The lifecycle
takes the member row's lock before it reads the person's usage, so the decisions queue up:
however they interleave, the approved total reaches the limit and never passes it, every claim
is decided exactly once, and no update is lost.

On PostgreSQL the member row lock serialises them; on SQLite (WAL, busy timeout) the database's
single writer lock does, so the test means the same on both and runs on both.
"""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import AuditEvent, Claim, ClaimItem
from app.services.lifecycle import perform
from tests import factories

CLAIMS = 24
LIMIT = D("5000.00")
ELIGIBLE_EACH = D("1200.00")  # 80% of 1,500.00, under the 1,800.00 fee cap


def user(name: str):
    return current_app.appbuilder.sm.find_user(username=name)


@pytest.fixture
def recommended_claims(ctx):
    """CLAIMS claims of one member, each recommended; together 5.76 times the limit."""
    general = factories.benefit_category("general", str(LIMIT))
    consult = factories.scale_item("GP_CONSULT", benefit_category=general, fee_cap=D("1800.00"))
    member = factories.member(contribution_receipt_date=date.today() - timedelta(days=400))
    provider = factories.provider()
    ids = []
    for n in range(CLAIMS):
        claim = factories.claim(of=member, items=0, provider=provider,
                                first_visit_date=date.today() - timedelta(days=1 + n))
        claim.items.append(ClaimItem(description="GP consultation", quantity=1,
                                     unit_cost=D("1500.00"), receipt_number=f"C-{n:03d}",
                                     scale_item=consult))
        db.session.commit()
        ids.append(claim.id)
    for claim_id in ids:
        perform(claim_id, "submit", user("committee1"), received_on=date.today(),
                declaration=True)
        perform(claim_id, "start_review", user("committee1"))
        claim = perform(claim_id, "recommend", user("committee1"))
        # Nothing decided yet: every recommendation pays the claim in full.
        assert claim.total_approved == ELIGIBLE_EACH
    versions = dict(db.session.execute(sa.select(Claim.id, Claim.version)).all())
    db.session.remove()
    return {"ids": ids, "member_id": member.id, "versions": versions}


@pytest.fixture(scope="module")
def wide_app():
    """The same database, with a pool wide enough for every thread to hold a connection at
    once (the session app's default pool would queue some of them)."""
    from app import create_app
    from config import SQLALCHEMY_ENGINE_OPTIONS
    from tests.conftest import test_config

    options = {**SQLALCHEMY_ENGINE_OPTIONS, "pool_size": CLAIMS + 2, "max_overflow": 0}
    application = create_app(test_config(SQLALCHEMY_ENGINE_OPTIONS=options))
    yield application
    with application.app_context():
        db.engine.dispose()


def _approve_at_once(app, ids: list[int]) -> dict[int, BaseException]:
    start = threading.Barrier(len(ids))
    errors: dict[int, BaseException] = {}

    def decide(claim_id: int) -> None:
        with app.app_context():  # its own scoped session, hence its own connection
            try:
                approver = user("committee2")
                assert approver.roles  # loaded now: after the barrier only the decision runs
                start.wait(timeout=60)
                perform(claim_id, "approve", approver)
            except BaseException as error:  # reported by the test, never lost in the thread
                errors[claim_id] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=decide, args=(claim_id,)) for claim_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a decision never finished"
    return errors


def test_simultaneous_approvals_never_exceed_the_limit(app, wide_app, recommended_claims):
    ids = recommended_claims["ids"]
    errors = _approve_at_once(wide_app, ids)
    assert errors == {}

    with app.app_context():
        claims = db.session.scalars(sa.select(Claim).where(Claim.id.in_(ids))).all()
        statuses = [c.status for c in claims]
        # Every claim decided; none left under review or half-done.
        assert set(statuses) <= {"approved", "partially_approved", "rejected"}
        approved_total = sum((c.total_approved for c in claims), D("0.00"))
        assert approved_total == LIMIT  # reached exactly, never passed
        # 4 x 1,200.00 fit, the fifth gets the 200.00 left, the rest nothing.
        assert statuses.count("approved") == 4
        assert statuses.count("partially_approved") == 1
        assert statuses.count("rejected") == CLAIMS - 5
        for claim in claims:
            # No update lost: the claim's total is its lines' total, its version moved on.
            assert claim.total_approved == sum((i.approved_amount for i in claim.items), D(0))
            assert claim.version > recommended_claims["versions"][claim.id]
            assert claim.decided_by_id == factories.user_id("committee2")
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "claim.approve")
        ).all()
        by_claim = sorted(int(e.resource_id) for e in events)
        assert by_claim == sorted(ids)  # exactly one approval event per claim
        recorded = sum((D(json.loads(e.details)["approved"]) for e in events), D("0.00"))
        assert recorded == LIMIT
        db.session.remove()
