"""Submissions at the same moment never share out more slots than the reviewers have.

Each thread submits its own claim with its own application context, session and connection,
all released at once. The assignment takes one lock before it counts the reviewers' open claims,
so however the submissions interleave, every reviewer ends at his capacity and no further, and
the rest are flagged "nobody free". Run on PostgreSQL, where the lock is an advisory lock.
"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Claim
from app.services.lifecycle import perform
from tests.conftest import requires_postgres
from tests.workload_support import TODAY, draft, settings_for, user

SUBMISSIONS = 8


@pytest.fixture(scope="module")
def wide_app():
    """The same database, with a connection for every thread at once."""
    from app import create_app
    from config import SQLALCHEMY_ENGINE_OPTIONS
    from tests.conftest import test_config

    options = {**SQLALCHEMY_ENGINE_OPTIONS, "pool_size": SUBMISSIONS + 2, "max_overflow": 0}
    application = create_app(test_config(SQLALCHEMY_ENGINE_OPTIONS=options))
    yield application
    with application.app_context():
        db.engine.dispose()


def _submit_at_once(app, ids: list[int]) -> dict[int, BaseException]:
    start = threading.Barrier(len(ids))
    errors: dict[int, BaseException] = {}

    def submit(claim_id: int) -> None:
        with app.app_context():
            try:
                officer = user("committee1")
                assert officer.roles  # loaded before the barrier: after it, only the submission
                start.wait(timeout=60)
                perform(claim_id, "submit", officer, received_on=TODAY, declaration=True)
            except BaseException as error:  # reported by the test, never lost in the thread
                errors[claim_id] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit, args=(claim_id,)) for claim_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a submission never finished"
    return errors


@requires_postgres
def test_simultaneous_submissions_never_take_a_reviewers_last_slot_twice(app, ctx, wide_app):
    settings_for("committee1", capacity=2)
    settings_for("committee2", capacity=1)
    ids = [draft() for _ in range(SUBMISSIONS)]
    db.session.remove()

    assert _submit_at_once(wide_app, ids) == {}

    claims = db.session.scalars(sa.select(Claim).where(Claim.id.in_(ids))).all()
    assert {c.status for c in claims} == {"submitted"}
    per_reviewer: dict[int | None, int] = {}
    for claim in claims:
        per_reviewer[claim.assigned_reviewer_id] = per_reviewer.get(
            claim.assigned_reviewer_id, 0) + 1
    assert per_reviewer == {user("committee1").id: 2, user("committee2").id: 1,
                            None: SUBMISSIONS - 3}
    assert all(c.assignment_flagged for c in claims if c.assigned_reviewer_id is None)
