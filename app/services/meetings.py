"""Committee meetings (SPEC "Claim lifecycle": decisions are ratified at a meeting with quorum).

A meeting is a draft while it is planned, open while it sits and closed once held; it opens and
closes through :data:`WORKFLOW` (app.services.record_transitions: one audit event each), its
attendance is recorded by :func:`set_attendees`, and the decisions on its agenda are handled by
app.services.agenda. A closed meeting is the fund's record of what was ratified: nothing about it
changes any more, through these functions or through a plain edit (:func:`change_refusal`, which
app.services.changes applies to the web forms and REST).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import AgendaItem, CommitteeMeeting
from app.models.base import utcnow
from app.models.meeting import PENDING
from app.security import ROLE_COMMITTEE
from app.services import audit
from app.services import record_transitions as steps
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.services.lifecycle.rules import actor_snapshot, role_names
from app.services.ratification import record_outcome
from app.services.record_transitions import OFFICERS, Step, Workflow
from app.services.settings import get_setting

QUORUM_SETTING = "committee_quorum"
EARLIEST_MEETING = date(2000, 1, 1)


def describe(meeting: CommitteeMeeting) -> str:
    return meeting.title


def closed_refusal(meeting: CommitteeMeeting | None) -> str | None:
    if meeting is None or meeting.status != "closed":
        return None
    return (f"The {meeting.title} is closed: its record, attendance and agenda can no longer "
            "be changed.")


def change_refusal(record: Any, action: str) -> str | None:
    """Why a plain write (``action``: add, edit, delete) may not touch a meeting or its agenda,
    or None. A meeting is never deleted: the fund keeps even one that did not take place."""
    meeting = record.meeting if isinstance(record, AgendaItem) else record
    if isinstance(record, CommitteeMeeting) and action == "delete":
        return f"The {meeting.title} cannot be deleted: meetings are kept."
    return closed_refusal(meeting)


def prepare_new(meeting: CommitteeMeeting) -> None:
    """A new meeting is planned: a draft, opened and closed only through its steps."""
    meeting.status = "draft"
    meeting.quorum = None
    meeting.opened_at = meeting.closed_at = None


def meeting_errors(meeting: CommitteeMeeting) -> dict[str, str]:
    """The meeting's own rules, for the web forms and REST alike."""
    errors = {}
    if not isinstance(meeting.meeting_date, date):
        errors["meeting_date"] = "Enter the date of the meeting."
    elif meeting.meeting_date < EARLIEST_MEETING:
        errors["meeting_date"] = f"Enter a date from {EARLIEST_MEETING:%d %b %Y} on."
    if len(meeting.minutes or "") > 100_000:
        errors["minutes"] = "Keep the minutes under 100,000 characters."
    return errors


# --- Attendance ---------------------------------------------------------------------------------


def committee_members_query() -> sa.Select:
    """The active logins with the Committee role: who may attend and count for the quorum."""
    sm = current_app.appbuilder.sm
    user, role = sm.user_model, sm.role_model
    return (
        sa.select(user)
        .where(user.active.is_(True), user.roles.any(role.name == ROLE_COMMITTEE))
        .order_by(user.first_name, user.last_name, user.id)
    )


def committee_members(session: Session) -> list[Any]:
    return list(session.scalars(committee_members_query()))


def require_officer(actor: Any) -> None:
    if not role_names(actor) & OFFICERS:
        raise Forbidden("Only the committee and the fund's administrators run its meetings.")


def load_meeting(session: Session, meeting_id: int, *, lock: bool = False) -> CommitteeMeeting:
    query = sa.select(CommitteeMeeting).where(CommitteeMeeting.id == meeting_id)
    if lock:
        # Ratifying holds the meeting as it is: a close or attendance change waits for it.
        query = query.with_for_update(read=True)
    meeting = session.scalars(query).first()
    if meeting is None:
        raise NotFound("No such meeting.")
    return meeting


def set_attendees(meeting_id: int, user_ids: Iterable[int], actor: Any,
                  version: int | None = None) -> CommitteeMeeting:
    """Record who is present (the whole list), in its own transaction with one audit event."""
    session = db.session
    try:
        actor = actor_snapshot(session, actor)
        require_officer(actor)
        meeting = load_meeting(session, meeting_id)
        if version is not None and version != meeting.version:
            raise Conflict(f"The {meeting.title} was changed by someone else since you opened "
                           "it; reload it and try again.")
        refusal = closed_refusal(meeting)
        if refusal:
            raise Conflict(refusal)
        wanted = list(dict.fromkeys(user_ids))
        members = {u.id: u for u in session.scalars(
            committee_members_query().where(current_app.appbuilder.sm.user_model.id.in_(wanted))
        )}
        strangers = [str(i) for i in wanted if i not in members]
        if strangers:
            raise ValidationFailed({"attendees": "Not an active committee member: login "
                                    + ", ".join(strangers) + "."})
        meeting.attendees = [members[i] for i in wanted]
        meeting.updated_at = utcnow()  # a new version: the attendance is part of the record
        audit.record(session, "committeemeeting.attendance", actor=actor,
                     resource_type="committeemeeting", resource_id=meeting.id,
                     details={"present": [members[i].username for i in wanted]})
        session.commit()
    except Exception:
        session.rollback()
        raise
    return meeting


# --- Opening and closing ------------------------------------------------------------------------


def _open(session: Session, meeting: CommitteeMeeting, actor: Any,
          params: dict[str, Any]) -> dict:
    meeting.quorum = int(get_setting(QUORUM_SETTING))
    meeting.opened_at = utcnow()
    meeting.status = "open"
    return {"quorum": meeting.quorum}


def _close(session: Session, meeting: CommitteeMeeting, actor: Any,
           params: dict[str, Any]) -> dict:
    if not (meeting.minutes or "").strip():
        raise ValidationFailed({"minutes": "Write the minutes (edit the meeting) before closing "
                                "it: a closed meeting cannot be changed."})
    outcomes = {"ratified": 0, "sent_back": 0, "deferred": 0}
    for item in meeting.agenda:
        if item.outcome == PENDING:
            # Not acted on: the decision still awaits ratification, at a later meeting.
            record_outcome(item, item.claim, "deferred", actor)
        outcomes[item.outcome] = outcomes.get(item.outcome, 0) + 1
    meeting.closed_at = utcnow()
    meeting.status = "closed"
    return outcomes


WORKFLOW = Workflow(
    model=CommitteeMeeting,
    resource="committeemeeting",
    steps={
        step.name: step
        for step in (
            Step("open", "Open the meeting", "opened", ("draft",), OFFICERS, _open,
                 conflict_checked=False),
            Step("close", "Close the meeting", "closed", ("open",), OFFICERS, _close,
                 conflict_checked=False),
        )
    },
    describe=describe,
)


def perform(meeting_id: int, action: str, actor: Any, version: int | None = None,
            **params: Any) -> CommitteeMeeting:
    """Open or close a meeting (``version``: the one the caller saw; None: current)."""
    return steps.perform(WORKFLOW, meeting_id, action, actor, version, **params)
