"""A committee meeting's agenda: decisions awaiting ratification are put on it, and the meeting,
while open with its quorum present, ratifies them or sends them back to review.

Every operation takes a list of claims and handles each in its own transaction, re-checked at
that moment (meeting state, quorum, the claim's state, separation of duties), with its own audit
event; a refusal is reported for its claim and never undoes the others, as the lifecycle's bulk
runs do (their :class:`BulkOutcome` is what these return). Sending back is the lifecycle's
``send_back`` transition (app.services.ratification), so it is the same from the claim's page.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.access import scope_query
from app.extensions import db
from app.models import AgendaItem, Claim, CommitteeMeeting
from app.models.base import utcnow
from app.models.meeting import PENDING
from app.services import audit
from app.services.errors import Conflict, DomainError, Forbidden, NotFound
from app.services.lifecycle import BulkOutcome, perform_bulk
from app.services.lifecycle.rules import actor_snapshot
from app.services.meetings import closed_refusal, load_meeting, require_officer
from app.services.ratification import (
    DECIDED,
    pending_item,
    present_count,
    record_outcome,
    sitting_refusal,
)

# (session, meeting, claim, actor) -> details of the audit event
Operation = Callable[[Session, CommitteeMeeting, Claim, Any], dict[str, Any]]


def _waiting(claim: Claim) -> None:
    if claim.status not in DECIDED or not claim.awaiting_ratification:
        raise Conflict(f"Claim {claim.claim_number} is {claim.status.replace('_', ' ')} and not "
                       "awaiting ratification.")


def _add(session: Session, meeting: CommitteeMeeting, claim: Claim, actor: Any) -> dict:
    refusal = closed_refusal(meeting)
    if refusal:
        raise Conflict(refusal)
    _waiting(claim)
    waiting_on = pending_item(session, claim.id)
    if waiting_on is not None:
        where = ("this meeting's agenda" if waiting_on.meeting_id == meeting.id
                 else f"the agenda of the {waiting_on.meeting.title}")
        raise Conflict(f"Claim {claim.claim_number} is already on {where}.")
    session.add(AgendaItem(meeting=meeting, claim=claim, added_by_id=actor.id))
    return {"claim": claim.claim_number}


def _on_this_agenda(session: Session, meeting: CommitteeMeeting, claim: Claim) -> AgendaItem:
    item = pending_item(session, claim.id)
    if item is None or item.meeting_id != meeting.id:
        raise Conflict(f"Claim {claim.claim_number} is not waiting on this meeting's agenda.")
    return item


def _remove(session: Session, meeting: CommitteeMeeting, claim: Claim, actor: Any) -> dict:
    refusal = closed_refusal(meeting)
    if refusal:
        raise Conflict(refusal)
    session.delete(_on_this_agenda(session, meeting, claim))
    return {"claim": claim.claim_number}


def _ratify(session: Session, meeting: CommitteeMeeting, claim: Claim, actor: Any) -> dict:
    refusal = sitting_refusal(meeting, present_count(session, meeting.id))
    if refusal:
        raise Conflict(refusal)
    item = _on_this_agenda(session, meeting, claim)
    _waiting(claim)
    if actor.member_id is not None and actor.member_id == claim.member_id:
        raise Forbidden("You cannot ratify a claim in which you or your dependant is the member "
                        "or patient: another committee member must.")
    record_outcome(item, claim, "ratified", actor)
    claim.awaiting_ratification = False
    claim.ratified_at = utcnow()
    claim.ratified_meeting_id = meeting.id
    return {"from": claim.status, "to": claim.status, "meeting": meeting.id}


# operation name -> (the operation, its audit event's action, on the claim or on the meeting)
OPERATIONS: dict[str, tuple[Operation, str, str]] = {
    "add": (_add, "committeemeeting.agenda_add", "committeemeeting"),
    "remove": (_remove, "committeemeeting.agenda_remove", "committeemeeting"),
    "ratify": (_ratify, "claim.ratify", "claim"),
}
DONE = {"add": "Put on the agenda.", "remove": "Taken off the agenda.", "ratify": "Ratified."}


def _one(meeting_id: int, claim_id: int, name: str, actor: Any) -> BulkOutcome:
    operation, action, resource = OPERATIONS[name]
    session = db.session
    try:
        meeting = load_meeting(session, meeting_id, lock=name == "ratify")
        claim = session.scalars(
            scope_query(sa.select(Claim).where(Claim.id == claim_id), Claim, actor)
        ).first()
        if claim is None:
            raise NotFound("No such claim.")
        details = operation(session, meeting, claim, actor)
        audit.record(session, action, actor=actor, resource_type=resource,
                     resource_id=claim.id if resource == "claim" else meeting.id,
                     details=details)
        outcome = BulkOutcome(claim.id, claim.claim_number, True, claim.status, DONE[name])
        session.commit()
    except (StaleDataError, sa.exc.IntegrityError):
        session.rollback()
        raise Conflict("The claim or the agenda was changed by someone else meanwhile; reload "
                       "and try again.") from None
    except Exception:
        session.rollback()
        raise
    return outcome


def run(meeting_id: int, name: str, claim_ids: Iterable[int], actor: Any) -> list[BulkOutcome]:
    """Put claims on the agenda (``add``), take them off (``remove``) or ``ratify`` them."""
    actor = actor_snapshot(db.session, actor)
    require_officer(actor)
    outcomes = []
    for claim_id in dict.fromkeys(claim_ids):
        try:
            outcomes.append(_one(meeting_id, claim_id, name, actor))
        except DomainError as error:
            number = db.session.scalar(
                scope_query(sa.select(Claim.claim_number).where(Claim.id == claim_id),
                            Claim, actor)
            )
            outcomes.append(BulkOutcome(claim_id, number, False, None, error.message))
    audit.record_run(db.session, "committeemeeting", f"agenda_{name}", actor, outcomes)
    return outcomes


def send_back(meeting_id: int, claim_ids: Iterable[int], actor: Any,
              reason: str | None) -> list[BulkOutcome]:
    """Send decisions on this meeting's agenda back to review (the lifecycle's ``send_back``)."""
    return perform_bulk(claim_ids, "send_back", actor, reason=reason, meeting_id=meeting_id)


# --- What the meeting's page and API show -------------------------------------------------------


def agenda_items(session: Session, meeting_id: int) -> list[AgendaItem]:
    return list(session.scalars(
        sa.select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
        .order_by(AgendaItem.id)
    ))


def waiting_claims(session: Session, limit: int = 200) -> list[Claim]:
    """Decisions awaiting ratification that no agenda holds yet, oldest decision first."""
    on_agenda = sa.select(AgendaItem.claim_id).where(AgendaItem.outcome == PENDING)
    return list(session.scalars(
        scope_query(sa.select(Claim), Claim)
        .where(Claim.awaiting_ratification.is_(True), Claim.status.in_(DECIDED),
               Claim.id.not_in(on_agenda))
        .order_by(Claim.decided_at, Claim.id).limit(limit)
    ))


def open_meetings(session: Session) -> list[CommitteeMeeting]:
    """The meetings that can still take claims on their agenda, the next one first."""
    return list(session.scalars(
        sa.select(CommitteeMeeting).where(CommitteeMeeting.status != "closed")
        .order_by(CommitteeMeeting.meeting_date, CommitteeMeeting.id)
    ))
