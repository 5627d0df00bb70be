"""Notes on claims and review templates through their services: the rules of a note, its audit
trail, the follow-ups due, and how a template's text becomes a transition's reason."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import AuditEvent, ClaimNote, ReviewTemplate
from app.services import notes
from app.services.errors import Forbidden, ValidationFailed
from app.services.review_templates import fill_reason, review_template_errors, template_text
from tests import factories

TODAY = date.today()


def user(name: str):
    return current_app.appbuilder.sm.find_user(username=name)


def test_tags_are_tidied_and_checked():
    assert notes.split_tags(" Referral, SHIF ,,referral ") == ["referral", "shif"]
    assert notes.normalise_tags("Referral, SHIF") == "referral,shif"
    assert notes.normalise_tags(" , ") is None
    assert notes.tags_error("needs space") == notes.TAG_RULE
    assert notes.tags_error(",".join(f"t{i}" for i in range(11))) == notes.TAG_RULE
    assert notes.tags_error("x" * 31) == notes.TAG_RULE
    assert notes.tags_error("shif, follow-up, late_receipt") is None


def test_a_note_has_rules(ctx):
    claim = factories.claim()
    good = ClaimNote(claim=claim, body="Called the provider.", category="query",
                     priority="high", tags="provider", follow_up_on=TODAY)
    assert notes.note_errors(good) == {}
    bad = ClaimNote(body="  ", category="gossip", priority="whenever", tags="a b",
                    follow_up_on=TODAY - timedelta(days=1))
    assert notes.note_errors(bad) == {
        "claim": "Choose the claim the note is about.",
        "body": "Write the note.",
        "category": "Choose query, medical, finance or general.",
        "priority": "Choose low, normal, high or urgent.",
        "tags": notes.TAG_RULE,
        "follow_up_on": "The follow-up date cannot be before the note was written.",
    }


def test_new_and_changed_notes_are_audited(ctx):
    claim = factories.claim()
    note = ClaimNote(claim=claim, body=" Waiting for the bill. ", tags="Bill, SHIF",
                     follow_up_on=TODAY)
    notes.record_new(db.session, note, user("committee1"))
    db.session.commit()
    assert note.author_id == factories.user_id("committee1")
    assert (note.body, note.tags) == ("Waiting for the bill.", "bill,shif")
    second = user("committee2")  # as a request has its user before the change is made
    note.follow_up_done = True
    note.priority = "urgent"
    notes.record_change(db.session, note, second)
    db.session.commit()
    assert note.follow_up_done_at is not None
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.resource_type == "claimnote").order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_name) for e in events] == [
        ("claimnote.add", "committee1"), ("claimnote.edit", "committee2")]
    assert json.loads(events[1].details) == {"claim_id": claim.id, "follow_up_done": True,
                                             "priority": "urgent"}
    with pytest.raises(Forbidden):
        notes.record_new(db.session, ClaimNote(claim=claim, body="x"), user("member1"))


def test_follow_ups_due_are_the_authors_own_open_ones(ctx):
    claim = factories.claim()
    mine_due = factories.note(claim, follow_up_on=TODAY - timedelta(days=2))
    factories.note(claim, body="Today", follow_up_on=TODAY)
    factories.note(claim, follow_up_on=TODAY + timedelta(days=1))  # not yet
    factories.note(claim, follow_up_on=TODAY, follow_up_done=True)  # done
    factories.note(claim)  # no follow-up
    theirs = factories.note(claim, author="committee2", follow_up_on=TODAY)  # someone else's
    db.session.commit()
    due = db.session.scalars(sa.select(ClaimNote).where(
        notes.follow_ups_due_clause(user("committee1"))).order_by(ClaimNote.id)).all()
    assert [n.id for n in due] == [mine_due.id, mine_due.id + 1]
    assert notes.mark_done(db.session, [theirs.id], user("committee1")) == 0  # not his
    assert notes.mark_done(db.session, [n.id for n in due], user("committee1")) == 2
    assert notes.mark_done(db.session, [n.id for n in due], user("committee1")) == 0
    assert db.session.scalars(sa.select(ClaimNote).where(
        notes.follow_ups_due_clause(user("committee1")))).all() == []


def test_a_template_fills_the_reason_only_when_none_is_written(ctx):
    late = factories.review_template("Late", "rejection", "Received after 90 days.")
    ask = factories.review_template("Bill", "info_request", "Send the itemised bill.")
    retired = factories.review_template("Old", "rejection", "Old text.", active=False)
    db.session.commit()
    params = {"template_id": late.id, "reason": ""}
    assert fill_reason(db.session, params, "rejection") == {"reason": "Received after 90 days."}
    written = {"template_id": str(late.id), "reason": "Received after 90 days, as said."}
    assert fill_reason(db.session, written, "rejection") == {
        "reason": "Received after 90 days, as said."}
    assert fill_reason(db.session, {"reason": "Own words"}, "rejection") == {
        "reason": "Own words"}
    for wrong in (ask.id, retired.id, 10**20, "x", True):
        with pytest.raises(ValidationFailed) as refused:
            fill_reason(db.session, {"template_id": wrong}, "rejection")
        assert refused.value.errors == {
            "template_id": "Choose one of the templates for rejections."}
    assert template_text(db.session, ask.id, "info_request") == "Send the itemised bill."


def test_a_template_has_rules():
    assert review_template_errors(ReviewTemplate(name=" ", kind="letter", text="")) == {
        "name": "Give the template a name.",
        "kind": "Choose rejection, information request or note.",
        "text": "Write the template's text.",
    }
    assert review_template_errors(ReviewTemplate(name="Late", kind="note", text="x" * 4001)) == {
        "text": "Use at most 4000 characters: it becomes a reason."}
