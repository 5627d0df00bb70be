"""Who reviews a claim (SPEC "SLA and assignment"): chosen when it is submitted and when a first
appeal reopens it, changed by the ``reassign`` transition.

The choice: an active committee reviewer with room under his capacity whose amount range takes
the claim, never one in conflict with it (his linked member is the claim's member: he or his
dependant is member or patient), fewest open claims first, then the lowest user id. Nobody
free: the claim stays unassigned and is flagged for the Committee.

Counting a reviewer's open claims and taking one of his slots must not interleave with another
submission doing the same, or two claims could both take his last slot: every assignment takes
one lock first (a transaction-level advisory lock on PostgreSQL, the database's write lock on
SQLite), held until its transaction ends.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable

import sqlalchemy as sa
from flask_appbuilder.security.sqla.models import User
from sqlalchemy.orm import Session

from app.models import Claim, Member
from app.models.notification import ASSIGNMENT_FLAGGED, CLAIM_REASSIGNED
from app.security import ROLE_COMMITTEE
from app.services.errors import ValidationFailed
from app.services.notifications import notify_role, notify_user
from app.services.reviewers import Reviewer, reviewers

# pg_advisory_xact_lock key of the assignment ("claimd" in ASCII).
ASSIGNMENT_LOCK = 0x636C61696D64


def lock_assignments(session: Session, claim: Claim) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(ASSIGNMENT_LOCK)))
    else:
        # A no-op write takes SQLite's write lock before the counts are read.
        table = Claim.__table__
        session.execute(sa.update(table).where(table.c.id == claim.id).values(id=table.c.id))


def pick_reviewer(candidates: Iterable[Reviewer], amount: Decimal,
                  excluded: Iterable[int | None] = ()) -> Reviewer | None:
    """The reviewer the SPEC's rule chooses among ``candidates``, or None when nobody is free."""
    skip = set(excluded)
    free = [r for r in candidates
            if r.active and r.has_room and r.takes_amount(amount) and r.user_id not in skip]
    return min(free, key=lambda r: (r.open_claims, r.user_id), default=None)


def _conflicted_login(session: Session, claim: Claim) -> int | None:
    """The login linked to the claim's member: the one reviewer the claim is in conflict with."""
    return session.scalar(sa.select(Member.user_id).where(Member.id == claim.member_id))


def assign_reviewer(session: Session, claim: Claim, excluded: Iterable[int | None] = ()) -> dict:
    """Assign the claim by the rule (flushed with the transition); returns audit details."""
    lock_assignments(session, claim)
    chosen = pick_reviewer(reviewers(session), claim.total_claimed,
                           {*excluded, _conflicted_login(session, claim)})
    if chosen is None:
        claim.assigned_reviewer_id = None
        claim.assignment_flagged = True
        notify_role(session, ROLE_COMMITTEE, ASSIGNMENT_FLAGGED,
                    f"No reviewer was free for claim {claim.claim_number}: assign it by hand.",
                    claim.id)
        return {"reviewer": None, "assignment_flagged": True}
    claim.assigned_reviewer_id = chosen.user_id
    claim.assignment_flagged = False
    return {"reviewer": chosen.username}


def _refusal(session: Session, claim: Claim, reviewer: Reviewer | None) -> str | None:
    if reviewer is None:
        return "Choose an active committee member."
    if reviewer.user_id == claim.assigned_reviewer_id:
        return f"Claim {claim.claim_number} is assigned to {reviewer.name} already."
    if not reviewer.active:
        return f"{reviewer.name} is not reviewing claims now (inactive in the reviewer settings)."
    if claim.status == "appealed" and reviewer.user_id in (claim.decided_by_id,
                                                           claim.recommended_by_id):
        return "An appeal goes to a reviewer who did not recommend or decide the claim."
    # The lifecycle's own conflict rule (imported here: the lifecycle imports this module).
    from app.services.lifecycle.rules import linked_member_id

    member_id = linked_member_id(session, session.get(User, reviewer.user_id))
    if member_id is not None and member_id == claim.member_id:
        return (f"{reviewer.name} cannot review this claim: he or his dependant is its member "
                "or patient.")
    if not reviewer.has_room:
        return (f"{reviewer.name} has {reviewer.open_claims} open claims, his capacity of "
                f"{reviewer.capacity}.")
    return None


def reassign(session: Session, claim: Claim, actor: Any, params: dict[str, Any]) -> dict:
    """The ``reassign`` transition: another reviewer for an open claim, with an optional
    written reason; the new reviewer is notified."""
    reviewer_id = params.get("reviewer_id")
    if not isinstance(reviewer_id, int) or isinstance(reviewer_id, bool):
        raise ValidationFailed({"reviewer_id": "Choose the reviewer to assign."})
    lock_assignments(session, claim)
    found = reviewers(session, [reviewer_id])
    refusal = _refusal(session, claim, found[0] if found else None)
    if refusal:
        raise ValidationFailed({"reviewer_id": refusal})
    previous = session.get(User, claim.assigned_reviewer_id) if claim.assigned_reviewer_id else None
    claim.assigned_reviewer_id = reviewer_id
    claim.assignment_flagged = False
    reason = (params.get("reason") or "").strip() or None
    notify_user(session, reviewer_id, CLAIM_REASSIGNED,
                f"Claim {claim.claim_number} was assigned to you by {actor.username}"
                + (f": {reason}" if reason else "."), claim.id)
    return {"reviewer": found[0].username,
            "previous_reviewer": previous.username if previous else None, "reason": reason}
