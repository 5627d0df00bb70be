"""The demo fund's committee meetings, held through the real services: a special meeting, held
and closed, that ratified most of the decisions on its agenda and sent one back to review; and
next month's meeting, planned (a draft), with the remaining decisions on its agenda.

Only a fund without meetings gets them, so a second run adds and changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import CommitteeMeeting
from app.services import agenda, meetings

PRESENT = ("committee1", "committee2", "committee3", "committee4")
SECRETARY = "committee1"
SENT_BACK_REASON = ("The hospital's receipt does not match the itemised bill; the reviewer is "
                    "to ask the member for the bill.")
MINUTES = (
    "Special meeting called to clear the decisions of the past weeks before the payment run. "
    "Present: four members of the committee, a quorum under the by-laws. The committee "
    "reviewed each decision on the agenda with its amounts and reason codes, ratified the "
    "decisions listed below and sent one back to review. Decisions not reached go to the next "
    "monthly meeting."
)


def _user(username: str) -> Any:
    user = current_app.appbuilder.sm.find_user(username=username)
    if user is None:
        raise LookupError(f"the demo login {username} is missing")
    return user


def _planned(on: date, meeting_type: str, minutes: str | None = None) -> CommitteeMeeting:
    meeting = CommitteeMeeting(meeting_date=on, meeting_type=meeting_type, minutes=minutes)
    meetings.prepare_new(meeting)
    db.session.add(meeting)
    db.session.commit()
    return meeting


def hold_meetings(today: date) -> int:
    """Hold the demo's meetings over the decisions awaiting ratification; how many were added."""
    if db.session.scalar(sa.select(sa.func.count(CommitteeMeeting.id))):
        return 0
    waiting = [claim.id for claim in agenda.waiting_claims(db.session)]
    if len(waiting) < 2:
        return 0
    secretary = _user(SECRETARY)
    held = _planned(today, "special", MINUTES)
    meetings.set_attendees(held.id, [_user(name).id for name in PRESENT], secretary)
    meetings.perform(held.id, "open", secretary)
    put = waiting[: (len(waiting) + 1) // 2]
    agenda.run(held.id, "add", put, secretary)
    agenda.send_back(held.id, put[:1], secretary, SENT_BACK_REASON)
    agenda.run(held.id, "ratify", put[1:], secretary)
    meetings.perform(held.id, "close", secretary)

    upcoming = _planned(today + timedelta(days=30), "monthly")
    agenda.run(upcoming.id, "add", waiting[len(put):], secretary)
    return 2
