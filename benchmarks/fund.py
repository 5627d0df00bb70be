"""A fund of realistic size for the benchmark: the demo's reference data (scale, categories,
providers and the fund clinic's rates), many members, and claims drafted from the demo's own
treatment recipes (1 to 3 lines each), then submitted as paper claims through the lifecycle.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Iterator

from flask import current_app

from app.demo import admissions, treatments
from app.demo.reference import load_reference_data
from app.extensions import db
from app.models import Claim, ClaimItem, Member
from app.security import ROLE_COMMITTEE
from app.services.calendar import fund_today
from app.services.roles import sync_roles
from app.services.settings import ensure_settings

SEED = 20250101
CLAIMS_PER_MEMBER = 3  # on average: the usage each decision reads grows with it, not with N
MAX_LINES = 3
CHUNK = 2000  # drafts flushed per transaction while building the fund
CLAIM_TYPES = {"outpatient": 62, "inpatient": 12, "dental": 15, "optical": 11}
RECIPES = {
    "outpatient": treatments.outpatient,
    "inpatient": admissions.inpatient,
    "dental": treatments.dental,
    "optical": treatments.optical,
}
REVIEWERS = ("committee1", "committee2")


def ensure_reviewers() -> None:
    """Two Committee logins: one recommends, the other approves (two signatures)."""
    sm = current_app.appbuilder.sm
    if sm.find_role(ROLE_COMMITTEE) is None:
        sync_roles()
    for username in REVIEWERS:
        if sm.find_user(username=username) is None:
            sm.add_user(
                username=username, first_name=username.capitalize(), last_name="Benchmark",
                email=f"{username}@bench.example.org", role=sm.find_role(ROLE_COMMITTEE),
                password="Benchmark-only-1",
            )


def _members(rng: random.Random, count: int, mtype, today: date) -> list[Member]:
    members = []
    for n in range(count):
        members.append(Member(
            first_name=rng.choice(("Amina", "Baraka", "Wanjiru", "Otieno", "Achieng", "Kamau")),
            last_name=f"Bench{n:06d}",
            date_of_birth=date(rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28)),
            membership_type=mtype,
            status="active",
            # Paid about a year ago: valid today and past the waiting period.
            contribution_receipt_date=today - timedelta(days=rng.randint(150, 360)),
            national_id=f"B{n:08d}",
        ))
    return members


def _drafts(rng: random.Random, ref, members: list[Member], count: int,
            today: date) -> Iterator[Claim]:
    for n in range(count):
        member = rng.choice(members)
        claim_type = rng.choices(list(CLAIM_TYPES), weights=list(CLAIM_TYPES.values()))[0]
        t = RECIPES[claim_type](rng, rng.randint(25, 70), rng.random() < 0.5)
        start = today - timedelta(days=rng.randint(t.nights + 1, 60))
        claim = Claim(member=member, claim_type=claim_type, provider=ref.providers[t.provider],
                      diagnosis=t.diagnosis, icd10_code=t.icd10, status="draft")
        if claim_type == "inpatient":
            claim.admission_date, claim.discharge_date = start, start + timedelta(days=t.nights)
        else:
            claim.first_visit_date = start
        for line_no, line in enumerate(t.lines[:MAX_LINES], start=1):
            # Odd cents, as real invoices have.
            cents = Decimal(rng.randint(0, 99)) / 100
            claim.items.append(ClaimItem(
                scale_item=ref.scale[line.code], description=line.description,
                quantity=line.quantity, unit_cost=line.unit_cost + cents,
                receipt_number=f"BR{n:07d}-{line_no}",
            ))
        yield claim


def build_fund(claims: int, seed: int = SEED) -> list[int]:
    """Insert the reference data, members and ``claims`` drafts; return the drafts' ids."""
    ensure_reviewers()
    ref = load_reference_data()
    ensure_settings()
    db.session.commit()
    rng = random.Random(seed)
    today = fund_today()
    members = _members(rng, max(1, claims // CLAIMS_PER_MEMBER), ref.membership_types["single"],
                       today)
    db.session.add_all(members)
    db.session.commit()
    ids: list[int] = []
    batch: list[Claim] = []
    for claim in _drafts(rng, ref, members, claims, today):
        batch.append(claim)
        if len(batch) == CHUNK:
            ids += _save(batch)
            batch = []
    ids += _save(batch)
    return ids


def _save(batch: list[Claim]) -> list[int]:
    if not batch:
        return []
    db.session.add_all(batch)
    db.session.commit()
    return [c.id for c in batch]
