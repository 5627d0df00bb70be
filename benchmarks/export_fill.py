"""The export benchmark's data (``export.py``): N claims and N audit events, inserted with
plain bulk statements (the ORM would take longer than the exports being timed). Importable by
any benchmark, inside an app context.

- ``fill_claims(n)``: the demo's reference data, n/5 members and n claims of every type and
  status, submitted over the 300 days before today (``claims_period``);
- ``fill_audit_events(n)``: n events forming a valid hash chain, built by the chain module's
  own functions a batch at a time under the chain head's lock (executemany on SQLite, COPY on
  PostgreSQL).
"""

from __future__ import annotations

import io
import json
import random
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

import sqlalchemy as sa

SEED = 20261206
BATCH = 10_000
AUDIT_BATCH = 5_000
STATUSES = {"submitted": 8, "under_review": 10, "info_requested": 2, "approved": 12,
            "partially_approved": 6, "rejected": 8, "paid": 50, "withdrawn": 4}
DECIDED = ("approved", "partially_approved", "rejected", "paid")
TYPES = {"outpatient": 62, "inpatient": 12, "dental": 15, "optical": 11}
ACTIONS = ("claim.submit", "claim.start_review", "claim.recommend", "claim.approve",
           "attachment.download", "user.login", "member.update", "claim.view")
EXPORTER = "benchmark"


def claims_period() -> tuple[date, date]:
    """The days the filled claims were submitted in: the claims export's period."""
    from app.services.calendar import fund_today

    today = fund_today()
    return today - timedelta(days=300), today


def ensure_exporter():
    """The Admin user the claims export is made (and audited) as."""
    from flask import current_app

    sm = current_app.appbuilder.sm
    return sm.find_user(username=EXPORTER) or sm.add_user(
        username=EXPORTER, first_name="Export", last_name="Benchmark",
        email="export@bench.example.org", role=sm.find_role("Admin"),
        password="Benchmark-only-1")


def _insert(conn, table, rows: list[dict]) -> None:
    if rows:
        conn.execute(table.insert(), rows)


def fill_claims(count: int, seed: int = SEED) -> None:
    """The demo's reference data, count/5 members and ``count`` claims."""
    from app.demo.reference import load_reference_data
    from app.extensions import db
    from app.models import Claim, Member
    from app.services.settings import ensure_settings

    ref = load_reference_data()
    ensure_settings()
    db.session.commit()
    rng = random.Random(seed)
    first_day = claims_period()[0]
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
    _analyze(db, "member", "claim")


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
    from app.extensions import db
    from app.models import AuditChainHead, AuditEvent
    from app.services.audit.chain import chain_rows, lock_head

    first_moment = datetime(2026, 1, 1)
    done = 0
    while done < n:
        count = min(AUDIT_BATCH, n - done)
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
    _analyze(db, "audit_event")


def _analyze(db, *tables: str) -> None:
    """PostgreSQL's statistics on the new rows, as autovacuum would soon keep them."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            for table in tables:
                connection.execute(sa.text(f"ANALYZE {table}"))
