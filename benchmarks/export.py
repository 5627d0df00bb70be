"""Export benchmark: N claims and N audit events, then the claims CSV export, the audit
trail's CSV export and `audit-verify`.

    .venv/bin/python benchmarks/export.py                      # SQLite, 200,000 of each
    CLAIMDESK_DATABASE_URL=postgresql://... .venv/bin/python benchmarks/export.py  # 1,000,000
    .venv/bin/python benchmarks/export.py --rows 20000 --only claims

Fills the data (``benchmarks/export_fill.py``), then times
  - the claims list's CSV export through ``export_claims``, the function behind the reports'
    download and ``GET /api/v1/report/claims/export``, over every filled claim;
  - the CSV export of the whole trail through ``start_export``, the streaming function behind
    the audit list's Export button and ``/api/v1/auditevent/export``;
  - ``verify_chain``, what ``flask claimdesk audit-verify`` runs.
The exports' bytes go to /dev/null as a server would send them. Each timed step runs in a
fresh process of its own, so that its peak resident memory is its own, not the fill's. Prints
rows per second, CPU time and that peak for each step.

Database: a fresh SQLite file in a temporary folder, or PostgreSQL when CLAIMDESK_DATABASE_URL
is set, in its own schema (``claimdesk_benchmark``, dropped before and after), as the bulk
approval benchmark does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from typing import Callable

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchmarks.bulk_approve import (  # noqa: E402  (sets the instance folder first)
    TMP,
    database_config,
    peak_memory_mb,
    reset_schema,
)


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


def claims_export_step() -> None:
    from flask import current_app

    from app.extensions import db
    from app.services.reports import claims_list, parse_filters
    from app.services.reports.exports import export_claims
    from benchmarks.export_fill import EXPORTER, claims_period

    actor = current_app.appbuilder.sm.find_user(username=EXPORTER)
    first_day, last_day = claims_period()
    args = {"date_from": first_day.isoformat(), "date_to": last_day.isoformat()}
    started, cpu = time.perf_counter(), time.process_time()
    out = export_claims(db.session, "csv", args, actor)
    written = lines = 0
    with open(os.devnull, "wb") as sink:
        for chunk in out.body:
            data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
            written += sink.write(data)
            lines += data.count(b"\n")
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    rows = claims_list.count(db.session, parse_filters(db.session, args))
    if lines - 1 != rows:  # a heading, then a line per claim
        raise SystemExit(f"the export wrote {lines} lines for {rows} claims")
    db.session.remove()
    report("claims CSV export", rows, elapsed, cpu, f"{written / 2**20:.0f} MiB of CSV")


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


def bench_claims(n: int, run_step: Callable[[str], None]) -> None:
    from app.extensions import db
    from app.services.roles import sync_roles
    from benchmarks.export_fill import ensure_exporter, fill_claims

    started = time.perf_counter()
    sync_roles()
    ensure_exporter()
    fill_claims(n)
    db.session.remove()
    report("fill claims", n, time.perf_counter() - started)
    run_step("claims-export")


def bench_audit(n: int, run_step: Callable[[str], None]) -> None:
    from benchmarks.export_fill import fill_audit_events

    started = time.perf_counter()
    fill_audit_events(n)
    report("fill audit, chained", n, time.perf_counter() - started)
    run_step("audit-export")
    run_step("audit-verify")


# name -> benchmark of one export: fills N rows, then runs its timed steps (each in a process
# of its own, by name from STEPS).
EXPORTS: dict[str, Callable[[int, Callable[[str], None]], None]] = {
    "claims": bench_claims, "audit": bench_audit}
STEPS: dict[str, Callable[[], None]] = {"claims-export": claims_export_step,
                                        "audit-export": audit_export_step,
                                        "audit-verify": audit_verify_step}


def report(name: str, rows: int, elapsed: float, cpu: float | None = None,
           note: str = "") -> None:
    rate = rows / elapsed if elapsed else float("inf")
    cpu_text = f"{cpu:8.1f} s CPU" if cpu is not None else " " * 14
    print(f"{name:<20}{rows:>10,} rows {elapsed:8.1f} s {rate:10,.0f} rows/s {cpu_text}  "
          f"peak {peak_mb():5.0f} MB  now {current_memory_mb():5.0f} MB  {note}",
          flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, help="claims and events to fill (default 200,000 "
                        "each on SQLite, 1,000,000 on PostgreSQL)")
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
            shutil.rmtree(TMP, ignore_errors=True)  # this process's own, unused
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
    if not args.keep:
        shutil.rmtree(TMP, ignore_errors=True)  # the SQLite file
    return 0


if __name__ == "__main__":
    sys.exit(main())
