"""The reviewers' part of the dashboard: workload and performance, each number one query.

Per reviewer (every login with the Committee role, and anyone else who holds or decided claims):
- open assigned: undecided claims assigned to him now;
- decided: claims whose latest decision he made (second signature, rejection or the trustees'
  decision he recorded) in the dashboard's 12 months, with the median days from submission;
- breaches: claims assigned to him whose decision date passed in those months (the clock's
  breach time; payment breaches are Finance's, not the reviewer's);
- appeals overturned: decisions of his that an appeal changed. Read from the audit trail, as
  the claim keeps only its latest decision: for each ``claim.appeal`` event, the decision event
  just before it on the same claim (his) and the first decision event after it; counted when
  that later decision, made in those months, gave another outcome (``to``) or another approved
  total (``approved``) than his.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_appbuilder.security.sqla.models import Role, User
from sqlalchemy.orm import Session, aliased

from app.models import AuditEvent, Claim
from app.security import ROLE_COMMITTEE
from app.services.dashboard import UNDECIDED, Period, median_days, seconds_between

# The lifecycle's audit actions (app.services.lifecycle.service writes "claim.<transition>").
DECISION_EVENTS = ("claim.approve", "claim.reject", "claim.trustee_decision")
APPEAL_EVENT = "claim.appeal"


def detail(session: Session, column: Any, key: str) -> Any:
    """One top-level value of an audit event's JSON details, as text."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.func.json_extract_path_text(sa.cast(column, sa.JSON), key)
    return sa.func.json_extract(column, f"$.{key}")


def _grouped(session: Session, query: Any) -> dict[int, int]:
    return {user_id: count for user_id, count in session.execute(query) if user_id is not None}


def open_assigned(session: Session) -> dict[int, int]:
    return _grouped(session, sa.select(Claim.assigned_reviewer_id, sa.func.count())
                    .where(Claim.status.in_(UNDECIDED)).group_by(Claim.assigned_reviewer_id))


def breaches(session: Session, p: Period) -> dict[int, int]:
    return _grouped(session, sa.select(Claim.assigned_reviewer_id, sa.func.count())
                    .where(Claim.sla_breached_at >= p.start, Claim.sla_breached_at < p.end)
                    .group_by(Claim.assigned_reviewer_id))


def decision_seconds(session: Session, p: Period) -> dict[int, list[int | None]]:
    """Seconds from submission to decision of each claim decided in the period, by decider."""
    rows = session.execute(
        sa.select(Claim.decided_by_id,
                  seconds_between(session, Claim.submitted_at, Claim.decided_at))
        .where(Claim.decided_at >= p.start, Claim.decided_at < p.end,
               Claim.decided_by_id.is_not(None))
    )
    by_reviewer: dict[int, list[int | None]] = {}
    for reviewer_id, spent in rows:  # one fetch: medians need the values, not an aggregate
        by_reviewer.setdefault(reviewer_id, []).append(spent)
    return by_reviewer


def appeals_overturned(session: Session, p: Period) -> dict[int, int]:
    appeal = aliased(AuditEvent, name="appeal")

    def neighbour(nearest: Any, side: Any) -> Any:
        other = aliased(AuditEvent)
        return (sa.select(nearest(other.id))
                .where(other.resource_type == "claim", other.resource_id == appeal.resource_id,
                       other.action.in_(DECISION_EVENTS), side(other.id))
                .scalar_subquery())

    # Each appeal with the ids of the decisions around it (found through the claim's index),
    # then those two events read by their primary key.
    pairs = (
        sa.select(neighbour(sa.func.max, lambda i: i < appeal.id).label("appealed_id"),
                  neighbour(sa.func.min, lambda i: i > appeal.id).label("later_id"))
        .where(appeal.action == APPEAL_EVENT, appeal.resource_type == "claim",
               appeal.occurred_at < p.end)
        .cte("appeal_pairs")
        # Kept apart, PostgreSQL reads the two events by primary key; merged into the outer
        # query it hashed the whole audit trail twice.
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    appealed, later = aliased(AuditEvent, name="appealed"), aliased(AuditEvent, name="later")
    changed = sa.or_(
        detail(session, later.details, "to").is_distinct_from(
            detail(session, appealed.details, "to")),
        detail(session, later.details, "approved").is_distinct_from(
            detail(session, appealed.details, "approved")),
    )
    query = (
        sa.select(appealed.actor_id, sa.func.count())
        .select_from(pairs)
        .join(appealed, appealed.id == pairs.c.appealed_id)
        .join(later, later.id == pairs.c.later_id)
        .where(later.occurred_at >= p.start, later.occurred_at < p.end, changed)
        .group_by(appealed.actor_id)
    )
    return _grouped(session, query)


def _committee_ids(session: Session) -> set[int]:
    return set(session.scalars(
        sa.select(User.id).join(User.roles).where(Role.name == ROLE_COMMITTEE)))


def reviewers(session: Session, p: Period) -> dict[str, Any]:
    assigned = open_assigned(session)
    decided = decision_seconds(session, p)
    breached = breaches(session, p)
    overturned = appeals_overturned(session, p)
    ids = _committee_ids(session) | set(assigned) | set(decided) | set(breached) | set(overturned)
    users = session.execute(
        sa.select(User.id, User.first_name, User.last_name, User.username)
        .where(User.id.in_(ids)).order_by(User.first_name, User.last_name, User.id)
    ).all()
    rows = []
    for user_id, first, last, username in users:
        spent = decided.get(user_id, [])
        rows.append({
            "user_id": user_id, "name": f"{first} {last}".strip() or username,
            "username": username, "open_assigned": assigned.get(user_id, 0),
            "decided": len(spent),
            "median_days": median_days([s for s in spent if s is not None]),
            "breaches": breached.get(user_id, 0),
            "appeals_overturned": overturned.get(user_id, 0),
        })
    return {"months_from": p.months[0].isoformat(), "reviewers": rows}
