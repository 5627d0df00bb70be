"""The demo fund that `flask claimdesk demo` loads (and `make run` shows).

Deterministic: everything is drawn from one seeded generator, so each run plans the same fund;
idempotent: only what the database does not have yet is added (reference data by natural key,
households by national ID with their dependents, requests and claims, logins by username).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app, g

from app.demo.checklists import load_review_aids
from app.demo.claims import Actors, build_claims
from app.demo.decisions import approve_chronic_requests, decide_claims, recommend_submitted
from app.demo.logins import (
    CLAIMS_OFFICER,
    MEMBER_LOGINS,
    ensure_demo_logins,
    link_member_logins,
    user_id,
)
from app.demo.meetings import hold_meetings
from app.demo.members import build_households
from app.demo.payments import pay_ratified_claims
from app.demo.reference import load_reference_data
from app.demo.workload import DEMO_REVIEWERS, ensure_reviewer_settings, share_out
from app.extensions import db
from app.models import Member
from app.security import ROLES
from app.services.calendar import fund_today
from app.services.roles import sync_roles
from app.services.settings import ensure_settings

SEED = 20240514
COMMITTEE_CHRONIC_REVIEWER = "committee2"


@dataclass
class DemoResult:
    """What one run added."""

    reference_records: int = 0
    settings: int = 0
    checklist_items: int = 0
    review_templates: int = 0
    logins: int = 0
    members: int = 0
    dependents: int = 0
    chronic_requests: int = 0
    claims: int = 0
    linked_logins: int = 0
    approved_chronic_requests: int = 0
    decided_claims: int = 0
    meetings: int = 0
    payment_batches: int = 0
    reviewer_settings: int = 0
    assigned_claims: int = 0

    def lines(self) -> list[str]:
        return [f"{name.replace('_', ' ')}: {count} added" for name, count in vars(self).items()]


def _ensure_roles() -> None:
    sm = current_app.appbuilder.sm
    if any(sm.find_role(role) is None for role in ROLES):
        sync_roles()


def load_demo(today: date | None = None) -> DemoResult:
    """Load whatever of the demo fund is missing, in one transaction (committed)."""
    today = today or fund_today()
    _ensure_roles()
    result = DemoResult()
    try:
        ref = load_reference_data()
        result.reference_records = ref.added
        result.settings = len(ensure_settings())
        result.checklist_items, result.review_templates = load_review_aids()
        rng = random.Random(SEED)
        households = build_households(rng, ref, today)
        result.logins = len(ensure_demo_logins(households))
        result.reviewer_settings = ensure_reviewer_settings(
            {username: user_id(username) for username in DEMO_REVIEWERS})
        g.user = current_app.appbuilder.sm.find_user(username="admin")
        actors = Actors(
            claims_officer_id=user_id(CLAIMS_OFFICER),
            member_user_ids={
                i: uid for i, name in enumerate(MEMBER_LOGINS) if (uid := user_id(name)) is not None
            },
        )
        plan = build_claims(rng, ref, households, today, actors)
        known = set(
            db.session.execute(
                sa.select(Member.national_id).where(
                    Member.national_id.in_([h.member.national_id for h in households])
                )
            ).scalars()
        )
        added_requests, added_claims = [], []
        for index, household in enumerate(households):
            if household.member.national_id in known:
                continue
            db.session.add(household.member)
            db.session.add_all(d for d, _ in household.dependents)
            if index in plan.requests:
                db.session.add(plan.requests[index])
                added_requests.append(plan.requests[index])
            db.session.add_all(plan.claims.get(index, []))
            added_claims += plan.claims.get(index, [])
            result.members += 1
            result.dependents += len(household.dependents)
            result.chronic_requests += int(index in plan.requests)
            result.claims += len(plan.claims.get(index, []))
        result.approved_chronic_requests = approve_chronic_requests(
            added_requests, user_id(COMMITTEE_CHRONIC_REVIEWER)
        )
        db.session.flush()
        submitted = recommend_submitted(added_claims)
        result.linked_logins = len(link_member_logins(households))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    # Each transition commits on its own, as it does for a user; the fund just loaded leaves
    # the session, so that each transition's flush looks at its own claim only.
    db.session.expunge_all()
    g.user = current_app.appbuilder.sm.find_user(username="admin")
    result.decided_claims = decide_claims(submitted, SEED + 1)
    result.meetings = hold_meetings(today)
    result.payment_batches = pay_ratified_claims(today)
    # The open claims shared out among the reviewers, every clock brought up to now.
    result.assigned_claims = share_out(submitted)
    return result
