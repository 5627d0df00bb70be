"""Export benchmark: N audit events, then the audit trail's CSV export and `audit-verify`.

    .venv/bin/python benchmarks/export.py                      # SQLite, 200,000 events
    CLAIMDESK_DATABASE_URL=postgresql://... .venv/bin/python benchmarks/export.py  # 1,000,000

Fills the trail with N events forming a valid hash chain (the chain module's own functions,
written with fast bulk inserts: executemany on SQLite, COPY on PostgreSQL), then times
  - the CSV export of the whole trail through ``start_export``, the streaming function behind
    the audit list's Export button and ``/api/v1/auditevent/export`` (the lines go to a file);
  - ``verify_chain``, what ``flask claimdesk audit-verify`` runs.
Each timed step runs in a fresh process of its own, so that its peak resident memory is its
own (the application alone takes about 155 MB after start-up), not the fill's. Prints rows per
second, CPU time and that peak for each step.

Database: a fresh SQLite file in a temporary folder, or PostgreSQL when CLAIMDESK_DATABASE_URL
is set, in its own schema (``claimdesk_benchmark``, dropped before and after), as the bulk
approval benchmark does.

More exports: add a function to EXPORTS (name -> callable(n) printing its own lines); the
claims' CSV export of the reports goes there as "claims", with its own fill.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from typing import Callable

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchmarks.bulk_approve import (  # noqa: E402  (sets the instance folder first)
    database_config,
    peak_memory_mb,
    reset_schema,
)

FILL_BATCH = 5_000
ACTIONS = ("claim.submit", "claim.start_review", "claim.recommend", "claim.approve",
           "attachment.download", "user.login", "member.update", "claim.view")


def peak_mb() -> float:
    """This process's peak resident set (VmHWM: reset by exec, unlike ru_maxrss, which a
    process started by another inherits from it)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_memory_mb()


def current_memory_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _events(start: int, count: int, first_moment: datetime) -> list[dict]:
    rows = []
    for number in range(start, start + count):
        action = ACTIONS[number % len(ACTIONS)]
        rows.append({
            "occurred_at": first_moment + timedelta(seconds=number),
            "actor_id": 2 + number % 7, "actor_name": f"committee{number % 7}",
            "ip_address": f"10.0.{number % 250}.{number % 200}",
            "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0",
            "action": action, "resource_type": action.split(".")[0],
            "resource_id": str(number // 3 + 1),
            "details": json.dumps({"from": "submitted", "to": "under_review",
                                   "claimed": f"{number % 90000}.50"}, sort_keys=True),
        })
    return rows


def _copy(connection, rows: list[dict]) -> None:
    """PostgreSQL's COPY: about ten times an executemany's speed."""
    from app.services.audit.chain import ROW_FIELDS

    buffer = io.StringIO()
    for row in rows:
        values = []
        for name in ROW_FIELDS:
            value = row[name]
            if value is None:
                values.append("\\N")
            else:
                text = value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)
                values.append(text.replace("\\", "\\\\").replace("\t", "\\t")
                              .replace("\n", "\\n"))
        buffer.write("\t".join(values) + "\n")
    buffer.seek(0)
    cursor = connection.connection.dbapi_connection.cursor()
    cursor.copy_expert(f"COPY audit_event ({', '.join(ROW_FIELDS)}) FROM STDIN", buffer)


def fill_audit_events(n: int) -> None:
    """N chained events, a batch at a time (the chain head moved once per batch)."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import AuditChainHead, AuditEvent
    from app.services.audit.chain import chain_rows, lock_head

    first_moment = datetime(2026, 1, 1)
    done = 0
    while done < n:
        count = min(FILL_BATCH, n - done)
        with db.engine.begin() as connection:
            last_id, last_hash = lock_head(connection)
            rows = chain_rows(_events(done, count, first_moment), last_id, last_hash)
            if connection.dialect.name == "postgresql":
                _copy(connection, rows)
            else:
                connection.execute(sa.insert(AuditEvent.__table__), rows)
            connection.execute(sa.update(AuditChainHead.__table__).values(
                last_id=rows[-1]["id"], last_hash=rows[-1]["hash"]))
        done += count
    if db.engine.dialect.name == "postgresql":  # statistics, as autovacuum keeps them
        with db.engine.begin() as connection:
            connection.execute(sa.text("ANALYZE audit_event"))


def audit_export_step() -> None:
    from app.extensions import db
    from app.services.audit.export import start_export

    started, cpu = time.perf_counter(), time.process_time()
    export = start_export(db.session, "csv", lambda query: query, {"benchmark": True}, None)
    written = 0
    with open(os.devnull, "w", encoding="utf-8") as out:
        for chunk in export.lines:
            written += out.write(chunk)
    db.session.remove()
    report("audit CSV export", export.rows, time.perf_counter() - started,
           time.process_time() - cpu, f"{written / 2**20:.0f} MiB of CSV")


def audit_verify_step() -> None:
    from app.extensions import db
    from app.services.audit.verify import verify_chain

    started, cpu = time.perf_counter(), time.process_time()
    with db.engine.connect() as connection:
        result = verify_chain(connection)
    assert result.intact, result.finding
    report("audit-verify", result.events, time.perf_counter() - started,
           time.process_time() - cpu, "intact")


def bench_audit(n: int, run_step: Callable[[str], None]) -> None:
    started = time.perf_counter()
    fill_audit_events(n)
    report("fill (chained)", n, time.perf_counter() - started)
    run_step("audit-export")
    run_step("audit-verify")


# name -> benchmark of one export: fills N rows, then runs its timed steps (each in a process
# of its own). The reports' claims export goes here as "claims", with its steps in STEPS.
EXPORTS: dict[str, Callable[[int, Callable[[str], None]], None]] = {"audit": bench_audit}
STEPS: dict[str, Callable[[], None]] = {"audit-export": audit_export_step,
                                        "audit-verify": audit_verify_step}


def report(name: str, rows: int, elapsed: float, cpu: float | None = None,
           note: str = "") -> None:
    rate = rows / elapsed if elapsed else float("inf")
    cpu_text = f"{cpu:8.1f} s CPU" if cpu is not None else " " * 14
    print(f"{name:<18}{rows:>10,} rows {elapsed:8.1f} s {rate:10,.0f} rows/s {cpu_text}  "
          f"peak {peak_mb():5.0f} MB  now {current_memory_mb():5.0f} MB  {note}",
          flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, help="events to fill (default 200,000 on SQLite, "
                        "1,000,000 on PostgreSQL)")
    parser.add_argument("--only", choices=sorted(EXPORTS), action="append",
                        help="run only this export (again for more)")
    parser.add_argument("--keep", action="store_true", help="keep the data afterwards")
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)  # internal
    args = parser.parse_args(argv)

    from app import create_app
    from app.extensions import db

    url = os.environ.get("CLAIMDESK_DATABASE_URL")
    app = create_app({**database_config(url), "TESTING": False})
    with app.app_context():
        if args.step:  # one timed step, in this fresh process, on the data already there
            STEPS[args.step]()
            return 0
        postgres = db.engine.dialect.name == "postgresql"
        rows = args.rows or (1_000_000 if postgres else 200_000)
        print(f"database: {db.engine.dialect.name}  rows: {rows:,}  "
              f"memory after start-up: {current_memory_mb():.0f} MB", flush=True)
        reset_schema(db)
        env = {**os.environ, "CLAIMDESK_DATABASE_URL": url or str(db.engine.url)}

        def run_step(step: str) -> None:
            subprocess.run([sys.executable, os.path.abspath(__file__), "--step", step],
                           env=env, check=True)

        try:
            for name in args.only or EXPORTS:
                EXPORTS[name](rows, run_step)
        finally:
            if not args.keep:
                db.session.remove()
                reset_schema(db, drop_only=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
