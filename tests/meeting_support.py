"""Committee meetings for tests: committee logins enough for a quorum, decisions awaiting
ratification taken through the real lifecycle, meetings in each state (inside an app context)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask import current_app

from app.extensions import db
from app.models import Claim, ClaimItem, CommitteeMeeting
from app.services import meetings
from app.services.lifecycle import perform
from tests import factories
from tests.helpers import TEST_PASSWORD

# The suite's baseline has committee1 and committee2; the by-laws' quorum is 4.
EXTRA_COMMITTEE = (("committee3", "Wanjiku", "Mwangi"), ("committee4", "Kamau", "Njoroge"))


def user(username: str):
    return current_app.appbuilder.sm.find_user(username=username)


def committee_of_four() -> list:
    """committee1..committee4 (the last two made for this test), as users."""
    sm = current_app.appbuilder.sm
    for username, first, last in EXTRA_COMMITTEE:
        if sm.find_user(username=username) is None:
            sm.add_user(username=username, first_name=first, last_name=last,
                        email=f"{username}@example.org", role=sm.find_role("Committee"),
                        password=TEST_PASSWORD)
    return [user(f"committee{n}") for n in range(1, 5)]


def fund(**member_kw) -> dict:
    factories.benefit_category("general", "250000.00")
    consult = factories.scale_item("GP_CONSULT", fee_cap=Decimal("1800.00"))
    member = factories.member(contribution_receipt_date=date.today() - timedelta(days=400),
                              **member_kw)
    db.session.commit()
    return {"consult": consult, "member": member}


def decided_claim(fund: dict, outcome: str = "approved", unit_cost: str = "2000.00") -> Claim:
    """A claim keyed in, reviewed and decided by committee1 and committee2: awaiting
    ratification (the fund's threshold is 0)."""
    claim = factories.claim(of=fund["member"], items=0)
    claim.items.append(ClaimItem(description="GP consultation", quantity=1,
                                 unit_cost=Decimal(unit_cost), receipt_number=f"R-{claim.id}",
                                 scale_item=fund["consult"]))
    db.session.commit()
    first, second = user("committee1"), user("committee2")
    perform(claim.id, "submit", first, received_on=date.today(), declaration=True)
    perform(claim.id, "start_review", first)
    if outcome == "rejected":
        return perform(claim.id, "reject", first, reason="Not payable under the by-laws.",
                       reason_codes=["NOT_COVERED"])
    perform(claim.id, "recommend", first)
    return perform(claim.id, "approve", second)


def meeting(status: str = "draft", present: int = 0, minutes: str | None = None,
            on: date | None = None, meeting_type: str = "monthly") -> CommitteeMeeting:
    """A meeting taken to ``status`` through its steps, with ``present`` committee members
    recorded present (made as needed)."""
    record = CommitteeMeeting(meeting_date=on or date.today(), meeting_type=meeting_type,
                              minutes=minutes)
    meetings.prepare_new(record)
    db.session.add(record)
    db.session.commit()
    officer = user("committee1")
    if present:
        members = committee_of_four() if present > 2 else [user("committee1"),
                                                            user("committee2")]
        meetings.set_attendees(record.id, [u.id for u in members[:present]], officer)
    if status in ("open", "closed"):
        meetings.perform(record.id, "open", officer)
    if status == "closed":
        if not record.minutes:
            record.minutes = "The committee met and ratified the decisions below."
            db.session.commit()
        meetings.perform(record.id, "close", officer)
    return db.session.get(CommitteeMeeting, record.id)
