"""The one entry point for claim transitions: web pages, bulk actions, REST and CLI call these.

Each transition runs in its own transaction: load the claim through the row rule, check version,
role, separation of duties and state, apply, write one audit event, commit. Any refusal rolls
the whole transition back and raises a domain error with a message for the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.access import scope_query
from app.extensions import db
from app.models import Claim, ClaimItem, Member
from app.services import audit
from app.services.adjudication.reference import reference_snapshot
from app.services.errors import Conflict, NotFound, ValidationFailed
from app.services.lifecycle.actions import ACTIONS
from app.services.lifecycle.rules import (
    TRANSITIONS,
    Transition,
    actor_snapshot,
    check_allowed,
    check_version,
)
from app.services.ratification import awaits_ratification, leave_agenda
from app.services.sla import refresh_claim

# Transitions that run the engine: they read the claim's items, member and patient, loaded
# with the claim in two queries instead of one lazy load each.
ADJUDICATING = frozenset(
    {"submit", "answer_info", "override_line", "recommend", "approve", "reject",
     "trustee_decision"}
)
WORKING_OPTIONS = (
    joinedload(Claim.member).joinedload(Member.membership_type),
    joinedload(Claim.dependent),
    selectinload(Claim.items).joinedload(ClaimItem.scale_item),
)


@dataclass(frozen=True)
class BulkOutcome:
    claim_id: int
    claim_number: str | None
    ok: bool
    status: str | None
    message: str


def _load(claim_id: int, actor: Any, action: str) -> Claim:
    query = sa.select(Claim).where(Claim.id == claim_id)
    if action in ADJUDICATING:
        query = query.options(*WORKING_OPTIONS)
    claim = db.session.scalars(scope_query(query, Claim, actor)).first()
    if claim is None:
        raise NotFound("No such claim.")
    return claim


def perform(
    claim_id: int, action: str, actor: Any, version: int | None = None, **params: Any
) -> Claim:
    """Apply one transition. ``version`` is the claim version the caller saw (None: current)."""
    return _perform(claim_id, action, actor, version, params)[0]


def _perform(
    claim_id: int, action: str, actor: Any, version: int | None, params: dict[str, Any]
) -> tuple[Claim, BulkOutcome]:
    transition = transition_named(action)
    session = db.session
    try:
        with reference_snapshot():
            actor = actor_snapshot(session, actor)
            claim = _load(claim_id, actor, action)
            check_version(claim, version)
            outcome = apply_transition(session, transition, claim, actor, params)
        session.commit()
    except StaleDataError:
        session.rollback()
        raise changed_meanwhile() from None
    except Exception:
        session.rollback()
        raise
    return claim, outcome


def transition_named(action: str) -> Transition:
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationFailed({"action": f"Unknown action {action!r}."})
    if transition.internal:
        raise Conflict("Claims are marked paid only through their payment batch "
                       "(Finance: Payment batches).")
    return transition


def changed_meanwhile() -> Conflict:
    return Conflict("The claim was changed by someone else meanwhile; reload and try again.")


def apply_transition(
    session: Any, transition: Transition, claim: Claim, actor: Any, params: dict[str, Any]
) -> BulkOutcome:
    """Check and apply one transition to a loaded claim, with its audit event, in the open
    transaction; the caller commits."""
    check_allowed(session, transition, claim, actor)
    before = claim.status
    was_waiting = awaits_ratification(claim)
    details = ACTIONS[transition.name](session, claim, actor, params)
    # send_back records its own outcome on the agenda; any other way out of "awaiting
    # ratification" (an appeal) takes the claim off the agenda it waits on.
    if was_waiting and not awaits_ratification(claim) and transition.name != "send_back":
        meeting_id = leave_agenda(session, claim, actor, f"claim.{transition.name}")
        if meeting_id is not None:
            details = {**details, "taken_off_agenda_of_meeting": meeting_id}
    refresh_claim(claim, before)  # the SLA clocks follow the move (reads no database)
    audit.record(
        session,
        f"claim.{transition.name}",
        actor=actor,
        resource_type="claim",
        resource_id=claim.id,
        details={"from": before, "to": claim.status, **details},
    )
    # Read before the commit, which expires the claim (a bulk run reports these).
    return BulkOutcome(claim.id, claim.claim_number, True, claim.status, "Done.")
