"""Finance users building batches, and recording one as paid, at the same moment (issue 7,
point 1): each builder in its own thread with its own application context, session and
PostgreSQL connection. However they interleave, every claim ends in exactly one open batch,
and a claim is paid once, with one audit event.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from datetime import date
from decimal import Decimal as D
from typing import Callable

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Claim, Payment, PaymentBatch
from app.services.errors import Conflict
from app.services.payments.batches import NothingToPay, build_batch, perform
from app.services.payments.eligibility import BatchFilters
from tests.conftest import requires_postgres
from tests.meeting_support import user
from tests.payment_support import payable_claim, payee, second_finance

pytestmark = requires_postgres

CLAIMS = 12
BUILDERS = 6
# Overlapping filters: every claim is wanted by several builders at once.
FILTERS = [{}, {"max_amount": "1300.00"}, {"min_amount": "1000.00"}, {},
           {"sla_status": "on_track"}, {"max_amount": "99999.00"}]


@pytest.fixture
def payable(ctx):
    second_finance()
    costs = ["1500.00", "1000.00", "2000.00"]
    ids = [payable_claim(payee(), costs[n % 3]).id for n in range(CLAIMS)]
    db.session.remove()
    return ids


@pytest.fixture(scope="module")
def wide_app():
    """The same database, with a connection for every thread at once."""
    from app import create_app
    from config import SQLALCHEMY_ENGINE_OPTIONS
    from tests.conftest import test_config

    options = {**SQLALCHEMY_ENGINE_OPTIONS, "pool_size": BUILDERS + 2, "max_overflow": 0}
    application = create_app(test_config(SQLALCHEMY_ENGINE_OPTIONS=options))
    yield application
    with application.app_context():
        db.engine.dispose()


def _at_once(app, jobs: list[Callable[[], object]]) -> tuple[list, list[BaseException]]:
    start = threading.Barrier(len(jobs))
    results: list = []
    errors: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        with app.app_context():
            try:
                assert user("finance").roles and user("finance2").roles  # loaded before
                start.wait(timeout=60)
                results.append(job())
            except BaseException as error:  # reported by the test, never lost in the thread
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a builder never finished"
    return results, errors


def _builder(filters: dict, username: str) -> Callable[[], object]:
    def build() -> object:
        try:
            batch, _ = build_batch(BatchFilters.checked("bank", **filters), user(username))
            return batch.id
        except NothingToPay:
            return None  # everything it wanted was taken by the others
    return build


def test_concurrent_builders_never_put_a_claim_in_two_batches(app, wide_app, payable):
    jobs = [_builder(filters, "finance" if n % 2 else "finance2")
            for n, filters in enumerate(FILTERS[:BUILDERS])]
    results, errors = _at_once(wide_app, jobs)
    assert errors == []
    built = [batch_id for batch_id in results if batch_id is not None]
    assert built

    with app.app_context():
        payments = db.session.scalars(sa.select(Payment)).all()
        per_claim = Counter(p.claim_id for p in payments if p.status != "cancelled")
        assert sorted(per_claim) == sorted(payable)  # every claim batched ...
        assert set(per_claim.values()) == {1}  # ... exactly once
        batches = db.session.scalars(sa.select(PaymentBatch)).all()
        assert sorted(b.id for b in batches) == sorted(built)
        for batch in batches:
            assert batch.payment_count == len(batch.payments)
            assert batch.total_amount == sum((p.amount for p in batch.payments), D("0.00"))
        db.session.remove()


def test_a_batch_recorded_paid_twice_at_once_pays_each_claim_once(app, wide_app, payable):
    with app.app_context():
        batch, _ = build_batch(BatchFilters.checked("bank"), user("finance"))
        perform(batch.id, "approve", user("finance2"))
        perform(batch.id, "release", user("finance2"))
        batch_id = batch.id
        db.session.remove()

    def pay(username: str, reference: str) -> Callable[[], object]:
        return lambda: perform(batch_id, "mark_paid", user(username), paid_on=date.today(),
                               bank_reference=reference).id

    results, errors = _at_once(wide_app, [pay("finance", "FT-A"), pay("finance2", "FT-B")])
    assert results == [batch_id]
    assert len(errors) == 1 and isinstance(errors[0], Conflict)

    with app.app_context():
        claims = db.session.scalars(sa.select(Claim).where(Claim.id.in_(payable))).all()
        assert {c.status for c in claims} == {"paid"}
        assert all(c.total_paid == c.total_approved for c in claims)
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "claim.pay")).all()
        assert sorted(int(e.resource_id) for e in events) == sorted(payable)
        references = {json.loads(e.details)["bank_reference"] for e in events}
        assert len(references) == 1  # all from the one recording that won
        assert db.session.get(PaymentBatch, batch_id).bank_reference in references
        db.session.remove()
