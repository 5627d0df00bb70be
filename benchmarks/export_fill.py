"""Claims export benchmark: N claims, then the streamed claims list export as CSV through the
same function the web download and ``GET /api/v1/report/claims/export`` call.

    .venv/bin/python benchmarks/export_claims.py                      # SQLite, 200,000 claims
    CLAIMDESK_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/claimdesk_bench \\
        .venv/bin/python benchmarks/export_claims.py                  # PostgreSQL, 1,000,000
    .venv/bin/python benchmarks/export_claims.py --claims 50000 --format jsonl

The fund: the demo's reference data, N/5 members, N claims of every type and status spread over
the last 300 days, inserted with plain multi-row INSERTs (the ORM would take longer than the
export). Prints rows per second, the bytes written, and the process's peak resident memory
during the export (Linux: the peak is reset once the claims are filled; elsewhere it is the
whole run's, an upper bound).

Database: a fresh SQLite file in a temporary folder, or PostgreSQL when CLAIMDESK_DATABASE_URL
is set; there it works in its own schema (``claimdesk_export_benchmark``), dropped before and
after the run, so the database's own tables are never touched.

``fill_claims`` and ``time_claims_export`` are importable (an app context is needed), so that a
benchmark of several exports can run this one too.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="claimdesk-export-bench-"))
os.environ.setdefault("CLAIMDESK_INSTANCE_PATH", str(TMP / "instance"))
os.environ.setdefault("CLAIMDESK_LOG_LEVEL", "WARNING")

import sqlalchemy as sa  # noqa: E402

SCHEMA = "claimdesk_export_benchmark"
SEED = 20261206
BATCH = 10_000
DEFAULT_CLAIMS = {"sqlite": 200_000, "postgresql": 1_000_000}
STATUSES = {"submitted": 8, "under_review": 10, "info_requested": 2, "approved": 12,
            "partially_approved": 6, "rejected": 8, "paid": 50, "withdrawn": 4}
DECIDED = ("approved", "partially_approved", "rejected", "paid")
TYPES = {"outpatient": 62, "inpatient": 12, "dental": 15, "optical": 11}


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
    if not drop_only:
        db.create_all()


def peak_memory_mb() -> float:
    """The process's peak resident memory since start, or since ``reset_peak`` (Linux)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def resident_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def reset_peak() -> bool:
    """Start the peak over from now, so that it measures the export alone (Linux 4.0+)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def _insert(conn, table, rows: list[dict]) -> None:
    if rows:
        conn.execute(table.insert(), rows)


def fill_claims(count: int, seed: int = SEED) -> date:
    """Insert the demo's reference data, count/5 members and ``count`` claims; return the
    first day the claims were submitted on (the export's period starts there)."""
    from app.demo.reference import load_reference_data
    from app.extensions import db
    from app.models import Claim, Member
    from app.services.calendar import fund_today
    from app.services.settings import ensure_settings

    ref = load_reference_data()
    ensure_settings()
    db.session.commit()
    rng = random.Random(seed)
    today = fund_today()
    first_day = today - timedelta(days=300)
    single = ref.membership_types["single"].id
    providers = [p.id for p in ref.providers.values()]
    members = max(1, count // 5)
    with db.engine.begin() as conn:
        for start in range(0, members, BATCH):
            _insert(conn, Member.__table__, [{
                "member_number": f"M-{n + 1:06d}", "first_name": rng.choice(
                    ("Amina", "Baraka", "Wanjiru", "Otieno", "Achieng", "Kamau")),
                "last_name": f"Bench{n:07d}", "date_of_birth": date(1970 + n % 30, 1 + n % 12, 1),
                "membership_type_id": single, "status": "active", "national_id": f"B{n:08d}",
            } for n in range(start, min(start + BATCH, members))])
        first_member = conn.execute(sa.select(sa.func.min(Member.id))).scalar_one()
    statuses, status_weights = list(STATUSES), list(STATUSES.values())
    types, type_weights = list(TYPES), list(TYPES.values())
    for start in range(0, count, BATCH):
        rows = []
        for n in range(start, min(start + BATCH, count)):
            treated = first_day + timedelta(days=rng.randint(0, 290))
            submitted = datetime.combine(treated + timedelta(days=rng.randint(1, 9)),
                                         clock(rng.randint(5, 15), rng.randint(0, 59)))
            status = rng.choices(statuses, status_weights)[0]
            claimed = Decimal(rng.randint(500, 90_000)) + Decimal(rng.randint(0, 99)) / 100
            approved = (claimed * Decimal("0.8")).quantize(Decimal("0.01")) if status in (
                "approved", "partially_approved", "paid") else Decimal("0.00")
            rows.append({
                "claim_number": f"CLM-B-{n + 1:08d}",
                "member_id": first_member + rng.randrange(members),
                "claim_type": rng.choices(types, type_weights)[0],
                "provider_id": rng.choice(providers), "first_visit_date": treated,
                "treatment_date": treated, "received_on": submitted.date(),
                "submitted_at": submitted, "status": status,
                "decided_at": submitted + timedelta(days=rng.randint(2, 40))
                if status in DECIDED else None,
                "total_claimed": claimed, "total_eligible": approved,
                "total_approved": approved,
                "total_paid": approved if status == "paid" else Decimal("0.00"),
            })
        with db.engine.begin() as conn:
            _insert(conn, Claim.__table__, rows)
    return first_day


def time_claims_export(first_day: date, fmt: str = "csv") -> tuple[int, int, float]:
    """(rows, bytes, seconds) of the claims list export over every claim, consumed as a
    server would send it, through the function the endpoints call (audited as theirs are)."""
    from flask import current_app

    from app.extensions import db
    from app.services.calendar import fund_today
    from app.services.reports.exports import export_claims

    sm = current_app.appbuilder.sm
    actor = sm.find_user(username="benchmark")
    if actor is None:
        actor = sm.add_user(username="benchmark", first_name="Export", last_name="Benchmark",
                            email="export@bench.example.org", role=sm.find_role("Admin"),
                            password="Benchmark-only-1")
    args = {"date_from": first_day.isoformat(), "date_to": fund_today().isoformat()}
    started = time.perf_counter()
    out = export_claims(db.session, fmt, args, actor)
    written = lines = 0
    with open(os.devnull, "wb") as sink:
        for chunk in out.body:
            data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
            sink.write(data)
            written += len(data)
            if fmt != "xlsx":
                lines += data.count(b"\n")
    elapsed = time.perf_counter() - started
    from app.services.reports import claims_list, parse_filters

    rows = claims_list.count(db.session, parse_filters(db.session, args))
    if fmt != "xlsx" and lines - (fmt == "csv") != rows:
        raise SystemExit(f"the export wrote {lines} lines for {rows} claims")
    db.session.remove()
    return rows, written, elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, help="claims to fill (default: 200,000 on "
                        "SQLite, 1,000,000 on PostgreSQL)")
    parser.add_argument("--format", default="csv", choices=("csv", "jsonl", "xlsx"))
    parser.add_argument("--keep", action="store_true", help="keep the data afterwards")
    args = parser.parse_args(argv)

    from app import create_app
    from app.extensions import db
    from app.services.roles import sync_roles

    url = os.environ.get("CLAIMDESK_DATABASE_URL")
    app = create_app({**database_config(url), "TESTING": False})
    with app.app_context():
        dialect = db.engine.dialect.name
        count = args.claims or DEFAULT_CLAIMS.get(dialect, 200_000)
        print(f"database: {dialect}  claims: {count:,}  format: {args.format}", flush=True)
        reset_schema(db)
        sync_roles()
        started = time.perf_counter()
        first_day = fill_claims(count)
        print(f"filled        {time.perf_counter() - started:9.1f} s", flush=True)
        print(f"peak so far   {peak_memory_mb():9.0f} MB (app, roles and filling)", flush=True)
        db.session.remove()
        export_only = reset_peak()
        before = resident_mb()
        print(f"resident now  {before:9.0f} MB (before the export)", flush=True)
        rows, written, elapsed = time_claims_export(first_day, args.format)
        rate = rows / elapsed if elapsed and rows else 0
        print(f"export        {elapsed:9.1f} s  {rate:9,.0f} rows/s  {rows:,} rows  "
              f"{written / 1e6:,.1f} MB written", flush=True)
        scope = "during the export" if export_only else "of the whole run"
        peak = peak_memory_mb()
        print(f"peak memory   {peak:9.0f} MB (resident set, peak {scope}; "
              f"{peak - before:+.0f} MB over the app at rest)")
        if not args.keep:
            db.session.remove()
            reset_schema(db, drop_only=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
