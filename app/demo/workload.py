"""The demo committee's workload: each reviewer's settings, the demo's open claims shared out by
the real assignment in the order the fund received them, and every clock brought up to now by
the real SLA tick. The demo then shows full queues, claims nobody was free for, and claims on
track, at risk and breached, with the Committee's notifications about them.

Only claims added in the same run are touched and settings only added where a reviewer has none,
so a second run changes nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Claim, ReviewerSetting
from app.models.reviewer import OPEN_REVIEW
from app.services.assignment import assign_reviewer
from app.services.sla_tick import sla_tick

# username -> settings: one takes the large claims, one only up to KES 100,000, one is on leave.
DEMO_REVIEWERS: dict[str, dict[str, Any]] = {
    "committee1": {"capacity": 120},
    "committee2": {"capacity": 80, "max_amount": Decimal("100000.00")},
    "committee3": {"capacity": 60, "min_amount": Decimal("5000.00")},
    "committee4": {"active": False},  # keeps his claims, is given no new ones
}


def ensure_reviewer_settings(user_ids: dict[str, int | None]) -> int:
    """Add the demo reviewers' settings where a reviewer has none (not committed)."""
    have = set(db.session.scalars(sa.select(ReviewerSetting.user_id)))
    added = 0
    for username, values in DEMO_REVIEWERS.items():
        user_id = user_ids.get(username)
        if user_id is None or user_id in have:
            continue
        db.session.add(ReviewerSetting(user_id=user_id, **values))
        added += 1
    db.session.flush()
    return added


def share_out(claim_ids: list[int]) -> int:
    """Assign the open claims among ``claim_ids`` that nobody has yet, in that order (the order
    the fund received them), then bring their clocks up to now; commits. Returns how many
    were given a reviewer."""
    claims = db.session.scalars(
        sa.select(Claim).where(Claim.id.in_(claim_ids), Claim.status.in_(OPEN_REVIEW),
                               Claim.assigned_reviewer_id.is_(None))
        .options(selectinload(Claim.items))  # each flush derives the totals from them
    ).all()
    order = {claim_id: n for n, claim_id in enumerate(claim_ids)}
    assigned = 0
    for claim in sorted(claims, key=lambda c: order[c.id]):
        assigned += assign_reviewer(db.session, claim)["reviewer"] is not None
        db.session.flush()  # the next choice counts this one
    db.session.commit()
    sla_tick(db.session, claim_ids=claim_ids)
    return assigned
