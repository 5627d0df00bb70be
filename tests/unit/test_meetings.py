"""Committee meetings and ratification through the services every interface calls."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AgendaItem, AuditEvent, Claim
from app.services import agenda, meetings
from app.services.changes import change_refusal
from app.services.errors import Conflict, Forbidden, ValidationFailed
from app.services.lifecycle import perform
from app.services.ratification import is_payable
from app.services.settings import set_setting
from tests import factories
from tests.audit_support import workflow_events
from tests.meeting_support import committee_of_four, decided_claim, fund, meeting, user


@pytest.mark.parametrize(("status", "awaiting", "payable"), [
    ("approved", False, True),
    ("partially_approved", False, True),
    ("approved", True, False),
    ("partially_approved", True, False),
    ("rejected", False, False),
    ("under_review", False, False),
    ("paid", False, False),
])
def test_only_an_approved_decision_no_longer_awaiting_ratification_is_payable(
        status, awaiting, payable):
    assert is_payable(SimpleNamespace(status=status, awaiting_ratification=awaiting)) is payable


def events(resource_type: str, resource_id: int) -> list[str]:
    return [e.action for e in db.session.query(AuditEvent).filter_by(
        resource_type=resource_type, resource_id=str(resource_id)).filter(workflow_events())
        .order_by(AuditEvent.id)]


def outcomes(results) -> list[tuple[bool, str]]:
    return [(o.ok, o.message) for o in results]


def test_a_meeting_opens_with_the_funds_quorum_and_closes_only_with_minutes(ctx):
    set_setting("committee_quorum", 5)
    db.session.commit()
    held = meeting()
    assert (held.status, held.quorum) == ("draft", None)
    opened = meetings.perform(held.id, "open", user("committee1"), held.version)
    assert (opened.status, opened.quorum) == ("open", 5) and opened.opened_at
    with pytest.raises(ValidationFailed) as refused:
        meetings.perform(held.id, "close", user("committee2"))
    assert "Write the minutes" in refused.value.errors["minutes"]
    opened = db.session.get(type(held), held.id)
    opened.minutes = "Quorum present; the decisions below were considered."
    db.session.commit()
    closed = meetings.perform(held.id, "close", user("committee2"))
    assert closed.status == "closed" and closed.closed_at
    # The minutes written between the two steps are a change of the meeting's record.
    assert events("committeemeeting", held.id) == ["committeemeeting.open",
                                                  "committeemeeting.update",
                                                  "committeemeeting.close"]
    with pytest.raises(Conflict, match="is closed: it cannot be opened now"):
        meetings.perform(held.id, "open", user("committee1"))


def test_ratification_needs_the_meeting_open_and_its_quorum_present(ctx):
    claim = decided_claim(fund())
    held = meeting(present=2)
    officer = user("committee1")
    assert outcomes(agenda.run(held.id, "add", [claim.id], officer)) == [
        (True, "Put on the agenda.")]
    [refused] = agenda.run(held.id, "ratify", [claim.id], officer)
    assert not refused.ok and "is draft: decisions are ratified or sent back only once it is " \
        "open" in refused.message
    meetings.perform(held.id, "open", officer)
    [refused] = agenda.run(held.id, "ratify", [claim.id], officer)
    assert refused.message == (f"No quorum at the {held.title}: 2 of the 4 committee members "
                               "needed are recorded present. Record the attendance first.")
    assert db.session.get(Claim, claim.id).awaiting_ratification is True

    meetings.set_attendees(held.id, [u.id for u in committee_of_four()], officer)
    [done] = agenda.run(held.id, "ratify", [claim.id], officer)
    assert (done.ok, done.status, done.message) == (True, "approved", "Ratified.")
    ratified = db.session.get(Claim, claim.id)
    assert not ratified.awaiting_ratification and ratified.ratified_meeting_id == held.id
    assert ratified.ratified_at is not None and is_payable(ratified)
    assert events("claim", claim.id)[-1] == "claim.ratify"
    item = db.session.query(AgendaItem).one()
    assert (item.outcome, item.decision, item.decided_by_name) == (
        "ratified", "approved", "Committee2 Test")
    assert item.total_approved == ratified.total_approved


def test_a_claim_waits_on_one_agenda_at_a_time_and_only_while_awaiting(ctx):
    the_fund = fund()
    claim = decided_claim(the_fund)
    draft = factories.claim(of=the_fund["member"])
    first, second = meeting(), meeting(meeting_type="special")
    officer = user("committee2")
    results = agenda.run(first.id, "add", [claim.id, draft.id, 999999], officer)
    assert outcomes(results) == [
        (True, "Put on the agenda."),
        (False, f"Claim {draft.claim_number} is draft and not awaiting ratification."),
        (False, "No such claim."),
    ]
    assert outcomes(agenda.run(first.id, "add", [claim.id], officer)) == [
        (False, f"Claim {claim.claim_number} is already on this meeting's agenda.")]
    assert outcomes(agenda.run(second.id, "add", [claim.id], officer)) == [
        (False, f"Claim {claim.claim_number} is already on the agenda of the {first.title}.")]
    assert outcomes(agenda.run(first.id, "remove", [claim.id], officer)) == [
        (True, "Taken off the agenda.")]
    assert outcomes(agenda.run(second.id, "add", [claim.id], officer)) == [
        (True, "Put on the agenda.")]
    assert agenda.waiting_claims(db.session) == []


def test_the_meeting_sends_a_decision_back_to_review_with_a_reason(ctx):
    the_fund = fund()
    approved, rejected = decided_claim(the_fund), decided_claim(the_fund, "rejected")
    held = meeting(present=4)
    officer = user("committee3")
    agenda.run(held.id, "add", [approved.id, rejected.id], officer)
    meetings.perform(held.id, "open", officer)
    [no_reason] = agenda.send_back(held.id, [approved.id], officer, "  ")
    assert no_reason.message == "reason: Write why the committee sends the decision back."
    results = agenda.send_back(held.id, [approved.id, rejected.id], officer,
                               "The receipts do not match the itemised bill.")
    assert [(o.ok, o.status) for o in results] == [(True, "under_review")] * 2
    claim = db.session.get(Claim, approved.id)
    assert not claim.awaiting_ratification and claim.decided_by_id is None
    assert claim.recommended_by_id is None and claim.decided_at is None
    assert events("claim", claim.id)[-1] == "claim.send_back"
    items = {i.claim_id: i for i in db.session.query(AgendaItem)}
    assert items[approved.id].outcome == "sent_back"
    assert items[approved.id].outcome_reason == "The receipts do not match the itemised bill."
    assert items[approved.id].recommended_by_name == "Committee1 Test"
    assert (items[rejected.id].decision, items[rejected.id].reason_codes) == (
        "rejected", "NOT_COVERED")
    # Reviewed and decided again, it goes to a later agenda.
    perform(claim.id, "recommend", user("committee1"))
    again = perform(claim.id, "approve", user("committee2"))
    assert again.awaiting_ratification and again in agenda.waiting_claims(db.session)


def test_send_back_is_refused_off_the_agenda_without_quorum_and_once_ratified(ctx):
    the_fund = fund()
    claim = decided_claim(the_fund)
    officer = user("committee1")
    with pytest.raises(Conflict, match="is not on the agenda of a committee meeting"):
        perform(claim.id, "send_back", officer, reason="Wrong receipts.")
    held = meeting(status="open", present=3)
    agenda.run(held.id, "add", [claim.id], officer)
    with pytest.raises(Conflict, match="No quorum at the .*: 3 of the 4"):
        perform(claim.id, "send_back", officer, reason="Wrong receipts.")
    meetings.set_attendees(held.id, [u.id for u in committee_of_four()], officer)
    agenda.run(held.id, "ratify", [claim.id], officer)
    with pytest.raises(Conflict, match="is not awaiting ratification"):
        perform(claim.id, "send_back", officer, reason="Too late.")


def test_a_closed_meeting_is_immutable_and_defers_what_it_did_not_act_on(ctx):
    the_fund = fund()
    claim = decided_claim(the_fund)
    held = meeting(status="open", present=4)
    officer = user("committee1")
    agenda.run(held.id, "add", [claim.id], officer)
    closed = meeting_closed(held.id)
    item = db.session.query(AgendaItem).one()
    assert (item.outcome, item.decision) == ("deferred", "approved")
    refusal = f"The {closed.title} is closed: its record, attendance and agenda can no longer " \
        "be changed."
    assert change_refusal(closed, "edit", restricted=False) == refusal
    assert change_refusal(item, "delete", restricted=False) == refusal
    with pytest.raises(Conflict, match="is closed"):
        meetings.set_attendees(held.id, [], officer)
    assert outcomes(agenda.run(held.id, "remove", [claim.id], officer)) == [(False, refusal)]
    assert outcomes(agenda.run(held.id, "ratify", [claim.id], officer))[0][0] is False
    assert db.session.get(Claim, claim.id).awaiting_ratification
    later = meeting()
    assert outcomes(agenda.run(later.id, "add", [claim.id], officer)) == [
        (True, "Put on the agenda.")]


def meeting_closed(meeting_id: int):
    record = db.session.get(meetings.CommitteeMeeting, meeting_id)
    record.minutes = "Adjourned for lack of time."
    db.session.commit()
    return meetings.perform(meeting_id, "close", user("committee2"))


def test_nobody_ratifies_his_own_claim_and_only_officers_run_the_agenda(ctx):
    committee_of_four()
    own = fund(user_id=factories.user_id("committee3"))
    claim = decided_claim(own)
    held = meeting(status="open", present=4)
    agenda.run(held.id, "add", [claim.id], user("committee1"))
    [refused] = agenda.run(held.id, "ratify", [claim.id], user("committee3"))
    assert refused.message.startswith("You cannot ratify a claim in which you")
    with pytest.raises(Forbidden):
        agenda.run(held.id, "ratify", [claim.id], user("finance"))
    with pytest.raises(Forbidden):
        meetings.perform(held.id, "close", user("auditor"))
    assert agenda.run(held.id, "ratify", [claim.id], user("committee4"))[0].ok


def test_only_active_committee_members_are_recorded_present(ctx):
    held = meeting()
    with pytest.raises(ValidationFailed) as refused:
        meetings.set_attendees(held.id, [user("committee1").id, user("finance").id],
                               user("admin"))
    assert refused.value.errors["attendees"] == (
        f"Not an active committee member: login {user('finance').id}.")
    recorded = meetings.set_attendees(held.id, [user("committee2").id], user("admin"))
    assert [u.username for u in recorded.attendees] == ["committee2"]
    event = db.session.query(AuditEvent).filter_by(action="committeemeeting.attendance").one()
    assert json.loads(event.details) == {"present": ["committee2"]}


def test_the_database_keeps_a_claim_on_one_waiting_agenda_even_in_a_race(ctx):
    # Two agenda additions that passed their checks at once: the second one's insert fails.
    claim = decided_claim(fund())
    first, second = meeting(), meeting(meeting_type="special")
    db.session.add(AgendaItem(meeting_id=first.id, claim_id=claim.id))
    db.session.commit()
    db.session.add(AgendaItem(meeting_id=second.id, claim_id=claim.id))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(AgendaItem(meeting_id=second.id, claim_id=claim.id, outcome="deferred"))
    db.session.commit()  # what a meeting already did with a claim is no obstacle
