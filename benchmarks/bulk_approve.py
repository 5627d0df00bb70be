"""Bulk approval benchmark: N submitted claims through review, recommendation and approval.

    .venv/bin/python benchmarks/bulk_approve.py --claims 10000

Builds a fund (the demo's reference data, N/3 members, N claims of 1-3 lines drafted from the
demo's treatment recipes), submits the claims as paper claims, then times the three bulk phases
through ``perform_bulk``, the same service the web pages and the REST API call: start_review
and recommend by committee1, approve by committee2. Prints claims per second per phase and
overall, and the process's peak memory.

Database: a fresh SQLite file in a temporary folder, or PostgreSQL when CLAIMDESK_DATABASE_URL
is set; there the benchmark works in its own schema (``claimdesk_benchmark``), dropped before
and after the run, so the database's own tables are never touched.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="claimdesk-bench-"))
os.environ.setdefault("CLAIMDESK_INSTANCE_PATH", str(TMP / "instance"))
os.environ.setdefault("CLAIMDESK_LOG_LEVEL", "WARNING")

import sqlalchemy as sa  # noqa: E402

from benchmarks.fund import build_fund  # noqa: E402

SCHEMA = "claimdesk_benchmark"
PHASES = (("start_review", "committee1"), ("recommend", "committee1"), ("approve", "committee2"))


def database_config(url: str | None) -> dict:
    from config import SQLALCHEMY_ENGINE_OPTIONS, normalise_database_url

    if not url:
        return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{TMP / 'bench.db'}"}
    url = normalise_database_url(url)
    options = dict(SQLALCHEMY_ENGINE_OPTIONS)
    if url.startswith("postgresql"):
        options["connect_args"] = {"options": f"-csearch_path={SCHEMA}"}
    return {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options}


def reset_schema(db, drop_only: bool = False) -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            if not drop_only:
                conn.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
        db.engine.dispose()
    elif drop_only:
        return
    if not drop_only:
        db.create_all()


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_phase(ids: list[int], action: str, username: str, **params) -> tuple[float, float, Counter]:
    from flask import current_app

    from app.extensions import db
    from app.services.lifecycle import perform_bulk

    actor = current_app.appbuilder.sm.find_user(username=username)
    started, cpu = time.perf_counter(), time.process_time()
    outcomes = perform_bulk(ids, action, actor, **params)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    db.session.remove()
    results = Counter(o.status if o.ok else f"refused: {o.message}" for o in outcomes)
    return elapsed, cpu, results


def report(name: str, count: int, elapsed: float, cpu: float, results: Counter) -> None:
    rate = count / elapsed if elapsed else float("inf")
    per_claim = cpu * 1000 / count if count else 0.0
    summary = ", ".join(f"{k} {v}" for k, v in results.most_common(4))
    print(f"{name:<14}{elapsed:9.2f} s {rate:8.0f} claims/s {cpu:9.2f} s CPU "
          f"{per_claim:6.2f} ms CPU/claim   ({summary})", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=10_000, help="claims to process")
    parser.add_argument("--profile", help="write a cProfile of the three phases to this file")
    parser.add_argument("--keep", action="store_true", help="keep the data afterwards")
    args = parser.parse_args(argv)

    from app import create_app
    from app.extensions import db
    from app.services.calendar import fund_today

    url = os.environ.get("CLAIMDESK_DATABASE_URL")
    app = create_app({**database_config(url), "TESTING": False})
    with app.app_context():
        print(f"database: {db.engine.dialect.name}  claims: {args.claims}", flush=True)
        reset_schema(db)
        started = time.perf_counter()
        ids = build_fund(args.claims)
        print(f"{'fund built':<14}{time.perf_counter() - started:9.2f} s", flush=True)
        db.session.remove()
        # Paper claims keyed in by the claims officer; received a day after the last visit.
        elapsed, cpu, results = run_phase(ids, "submit", "committee1", declaration=True,
                                          received_on=fund_today())
        report("submit", len(ids), elapsed, cpu, results)
        print("-- timed: the three bulk phases --", flush=True)
        profiler = cProfile.Profile() if args.profile else None
        total = total_cpu = 0.0
        for action, username in PHASES:
            if profiler:
                profiler.enable()
            elapsed, cpu, results = run_phase(ids, action, username)
            if profiler:
                profiler.disable()
            total, total_cpu = total + elapsed, total_cpu + cpu
            report(action, len(ids), elapsed, cpu, results)
        report("overall", len(ids), total, total_cpu, Counter())
        print(f"peak memory   {peak_memory_mb():9.0f} MB (process maximum resident set)")
        if profiler:
            profiler.dump_stats(args.profile)
        if not args.keep:
            db.session.remove()
            reset_schema(db, drop_only=True)
            db.engine.dispose()
    if not args.keep:
        shutil.rmtree(TMP, ignore_errors=True)  # the SQLite file (150 MB at 50,000 claims)
    return 0


if __name__ == "__main__":
    sys.exit(main())
