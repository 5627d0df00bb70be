"""Ratification (SPEC "Claim lifecycle"): a decision awaiting ratification is put on a committee
meeting's agenda and, while the meeting is open with its quorum present, ratified or sent back to
review. Until then the claim cannot be paid: :func:`is_payable` is the rule the payments use.

This module is the lifecycle's side of it (the ``send_back`` transition, app.services.lifecycle)
and the rules shared with the meeting's own operations (app.services.agenda); it imports
neither, so both can import it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import AgendaItem, Claim, CommitteeMeeting
from app.models.base import utcnow
from app.models.meeting import PENDING, meeting_attendee
from app.services.errors import Conflict, ValidationFailed

DECIDED = ("approved", "partially_approved", "rejected")
PAYABLE = ("approved", "partially_approved")


def is_payable(claim: Claim) -> bool:
    """Whether a payment may include ``claim``: approved (in full or in part) and ratified, or
    below the fund's ratification threshold, so never awaiting ratification."""
    return claim.status in PAYABLE and not claim.awaiting_ratification


def present_count(session: Session, meeting_id: int) -> int:
    """The committee members recorded present at a meeting."""
    return session.scalar(
        sa.select(sa.func.count()).select_from(meeting_attendee)
        .where(meeting_attendee.c.meeting_id == meeting_id)
    ) or 0


def sitting_refusal(meeting: CommitteeMeeting, present: int) -> str | None:
    """Why ``meeting`` cannot ratify or send back decisions now (``present`` members recorded),
    or None: it must be open and have its quorum."""
    if meeting.status != "open":
        when = "once it is open" if meeting.status == "draft" else "while it was open"
        return (f"The {meeting.title} is {meeting.status}: decisions are ratified or sent back "
                f"only {when}.")
    needed = meeting.quorum or 0
    if present < needed:
        return (f"No quorum at the {meeting.title}: {present} of the {needed} committee members "
                "needed are recorded present. Record the attendance first.")
    return None


def _person(user: Any) -> str | None:
    if user is None:
        return None
    return f"{user.first_name} {user.last_name}".strip() or user.username


def keep_decision(item: AgendaItem, claim: Claim) -> None:
    """Copy the decision, as the meeting sees it now, into its agenda item (the minutes')."""
    member = claim.member
    item.member_label = f"{member.member_number} {member.full_name}" if member else None
    item.decision = claim.status
    item.total_claimed = claim.total_claimed
    item.total_eligible = claim.total_eligible
    item.total_approved = claim.total_approved
    item.reason_codes = claim.reason_codes
    item.recommended_by_name = _person(claim.recommended_by)
    item.decided_by_name = _person(claim.decided_by)
    item.decided_at = claim.decided_at


def record_outcome(item: AgendaItem, claim: Claim, outcome: str, actor: Any,
                   reason: str | None = None) -> None:
    keep_decision(item, claim)
    item.outcome = outcome
    item.outcome_reason = reason
    item.outcome_at = utcnow()
    item.outcome_by_id = getattr(actor, "id", None)


def pending_item(session: Session, claim_id: int) -> AgendaItem | None:
    """The agenda item on which the claim waits, if any (there is at most one)."""
    return session.scalars(
        sa.select(AgendaItem).where(AgendaItem.claim_id == claim_id,
                                    AgendaItem.outcome == PENDING)
    ).first()


def awaits_ratification(claim: Claim) -> bool:
    return claim.status in DECIDED and bool(claim.awaiting_ratification)


def leave_agenda(session: Session, claim: Claim, actor: Any, because: str) -> int | None:
    """Take ``claim`` off the agenda on which it waits, because its decision stopped awaiting
    ratification other than at the meeting (the member appealed it): the meeting must not
    ratify a decision that is reopened. The meeting's audit trail says why; the id of the
    meeting is returned (None: it was on no agenda). A new decision goes on an agenda again
    the usual way. Runs in the caller's transaction."""
    from app.services import audit  # the audit trail imports the models only

    with session.no_autoflush:  # the claim's own change is written with its transition
        item = pending_item(session, claim.id)
    if item is None:
        return None
    meeting_id = item.meeting_id
    session.delete(item)
    audit.record(session, "committeemeeting.agenda_remove", actor=actor,
                 resource_type="committeemeeting", resource_id=meeting_id,
                 details={"claim": claim.claim_number, "reason": because})
    return meeting_id


def send_back(session: Session, claim: Claim, actor: Any, params: dict[str, Any]) -> dict:
    """The ``send_back`` transition: the meeting on whose agenda the claim waits sends the
    decision back to review; both signatures and the decision are cleared, the reason kept in
    the minutes. ``meeting_id`` (optional) names the meeting the caller acts at."""
    reason = (params.get("reason") or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "Write why the committee sends the decision back."})
    item = pending_item(session, claim.id)
    wanted = params.get("meeting_id")
    if item is None or (wanted is not None and item.meeting_id != wanted):
        raise Conflict(f"Claim {claim.claim_number} is not on the agenda of "
                       f"{'this meeting' if wanted is not None else 'a committee meeting'}: "
                       "put it on one first.")
    meeting = item.meeting
    refusal = sitting_refusal(meeting, present_count(session, meeting.id))
    if refusal:
        raise Conflict(refusal)
    record_outcome(item, claim, "sent_back", actor, reason)
    decision = claim.status
    claim.status = "under_review"
    claim.awaiting_ratification = False
    claim.recommended_by_id = claim.recommended_at = None
    claim.decided_by_id = claim.decided_at = claim.decision_reason = None
    return {"meeting": meeting.id, "decision": decision, "reason": reason}
