"""Claim numbers stay unique when several processes create claims at the same moment.

Each worker process opens its own engine (its own connections) and creates its claims one
transaction at a time, all workers released together by a barrier.
"""

from __future__ import annotations

import multiprocessing
import re
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Claim
from app.services.calendar import fund_today
from tests import factories
from tests.conftest import DATABASE_URL, requires_postgres, test_config

PROCESSES = 4
CLAIMS_PER_PROCESS = 25
NUMBER = re.compile(r"^CLM-(\d{4})-(\d{6})$")


def _create_claims(url: str, member_id: int, provider_id: int, barrier, results) -> None:
    engine = sa.create_engine(url)
    numbers: list[str] = []
    try:
        barrier.wait(timeout=60)
        for _ in range(CLAIMS_PER_PROCESS):
            with Session(engine) as session:
                claim = Claim(
                    member_id=member_id,
                    provider_id=provider_id,
                    claim_type="outpatient",
                    first_visit_date=fund_today(),
                    status="draft",
                )
                session.add(claim)
                session.commit()
                numbers.append(claim.claim_number)
    except Exception as error:  # reported to the parent, which fails the test with it
        results.put(("failed", f"{type(error).__name__}: {error}"))
    else:
        results.put(("ok", numbers))
    finally:
        engine.dispose()


def _seed() -> tuple[int, int]:
    member = factories.member()
    provider = factories.provider()
    db.session.commit()
    return member.id, provider.id


def _run_workers(url: str, member_id: int, provider_id: int) -> list[str]:
    # fork: the workers start at once; the parent's pool is emptied first so that no
    # connection is shared across processes.
    db.engine.dispose()
    mp = multiprocessing.get_context("fork")
    barrier = mp.Barrier(PROCESSES)
    results = mp.Queue()
    workers = [
        mp.Process(target=_create_claims, args=(url, member_id, provider_id, barrier, results))
        for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    failures = [detail for outcome, detail in outcomes if outcome == "failed"]
    # A unique violation here means two transactions were handed the same number.
    assert not failures, failures[0]
    return [number for _, numbers in outcomes for number in numbers]


def _assert_unique_and_well_formed(numbers: list[str]) -> None:
    total = PROCESSES * CLAIMS_PER_PROCESS
    assert len(numbers) == total
    assert len(set(numbers)) == total, "two claims got the same number"
    year = fund_today().year
    for number in numbers:
        match = NUMBER.match(number)
        assert match, f"{number!r} is not CLM-<year>-<6 digits>"
        assert int(match.group(1)) == year
    # Nothing rolled back, so the series has no gap either.
    assert sorted(numbers) == [f"CLM-{year}-{n:06d}" for n in range(1, total + 1)]


@requires_postgres
def test_processes_creating_claims_at_once_never_share_a_number_on_postgresql(ctx):
    member_id, provider_id = _seed()
    numbers = _run_workers(DATABASE_URL, member_id, provider_id)
    _assert_unique_and_well_formed(numbers)
    stored = db.session.scalars(sa.select(Claim.claim_number)).all()
    assert sorted(stored) == sorted(numbers)


def test_processes_creating_claims_at_once_never_share_a_number_on_sqlite(tmp_path: Path):
    from app import create_app

    url = f"sqlite:///{tmp_path / 'numbers.db'}"
    scratch = create_app(test_config(SQLALCHEMY_DATABASE_URI=url))
    with scratch.app_context():
        db.create_all()
        member_id, provider_id = _seed()
        numbers = _run_workers(url, member_id, provider_id)
        _assert_unique_and_well_formed(numbers)
        assert sorted(db.session.scalars(sa.select(Claim.claim_number)).all()) == sorted(numbers)
        db.session.remove()
        db.engine.dispose()


def test_a_rolled_back_claim_gives_its_number_back(ctx):
    member_id, provider_id = _seed()
    year = fund_today().year

    def new_claim() -> Claim:
        claim = Claim(
            member_id=member_id,
            provider_id=provider_id,
            claim_type="outpatient",
            first_visit_date=fund_today(),
            status="draft",
        )
        db.session.add(claim)
        db.session.flush()
        return claim

    assert new_claim().claim_number == f"CLM-{year}-000001"
    db.session.rollback()
    assert new_claim().claim_number == f"CLM-{year}-000001"
    db.session.commit()
    assert new_claim().claim_number == f"CLM-{year}-000002"


def test_member_numbers_follow_one_series(ctx):
    numbers = [factories.member().member_number for _ in range(3)]
    db.session.commit()
    assert numbers == ["M-000001", "M-000002", "M-000003"]
