"""Notes on claims as users meet them: the committee writes them from the claim's page with
tags, a follow-up date and files; a member reads only those made visible to him, on his own
claims, by web and REST; "My follow-ups due" lists a reviewer's own open follow-ups."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from flask import Flask

from app.extensions import db
from app.models import Attachment, AuditEvent, ClaimNote
from app.services import notes
from app.services.attachments import Upload, attach, find_owner
from tests import factories, hostile_files
from tests.helpers import csrf_token, submit_form
from tests.integration.web_support import count, text

TODAY = date.today()


@pytest.fixture
def claims(app: Flask) -> dict[str, int]:
    """member1's claim with an internal and a visible note, and member2's claim with a visible
    note of its own."""
    with app.app_context():
        own = factories.claim(of=factories.member(user_id=factories.user_id("member1")))
        other = factories.claim(of=factories.member(user_id=factories.user_id("member2")))
        internal = factories.note(own, body="Suspect the receipt was altered.",
                                  category="medical")
        visible = factories.note(own, body="Your referral letter was received.",
                                 visible_to_member=True)
        theirs = factories.note(other, body="Bank details confirmed.", visible_to_member=True)
        db.session.commit()
        return {"own": own.id, "other": other.id, "internal": internal.id,
                "visible": visible.id, "theirs": theirs.id}


def note_form(claim_id: int, **changes) -> dict:
    return {"claim": str(claim_id), "template": "", "category": "query", "priority": "high",
            "body": "Asked the hospital for the itemised bill.",
            "follow_up_on": TODAY.isoformat(), "tags": "Bill, SHIF", "visible_to_member": "",
            **changes}


def test_the_committee_writes_a_note_from_the_claims_page(app, claims, client_for):
    committee = client_for("committee1")
    page = text(committee.get(f"/claims/show/{claims['own']}"))
    assert "Notes</strong> (2)" in page and "Suspect the receipt was altered." in page
    assert f"/claim-notes/add?_flt_0_claim={claims['own']}" in page
    form = text(committee.get(f"/claim-notes/add?_flt_0_claim={claims['own']}"))
    assert 'name="body"' in form and 'name="claim"' not in form  # the claim comes with the link
    response = submit_form(committee, f"/claim-notes/add?_flt_0_claim={claims['own']}",
                           {k: v for k, v in note_form(claims["own"]).items() if k != "claim"})
    assert response.status_code == 302
    with app.app_context():
        note = db.session.query(ClaimNote).order_by(ClaimNote.id.desc()).first()
        assert (note.claim_id, note.tags, note.author_id) == (
            claims["own"], "bill,shif", factories.user_id("committee1"))
        assert not note.visible_to_member
        assert db.session.query(AuditEvent).filter_by(action="claimnote.add").count() == 1
    page = text(committee.get(f"/claims/show/{claims['own']}"))
    assert "Asked the hospital for the itemised bill." in page and "#shif" in page
    assert f"follow up {TODAY.isoformat()}" in page and "internal" in page


def test_a_note_is_refused_with_its_reasons(app, claims, client_for):
    committee = client_for("committee1")
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    page = text(submit_form(committee, "/claim-notes/add", note_form(
        claims["own"], body=" ", tags="two words", follow_up_on=yesterday)))
    assert "Write the note." in page and "Tags are words of letters" in page
    assert "The follow-up date cannot be before the note was written." in page
    assert count(app, ClaimNote) == 3
    assert committee.post(f"/claim-notes/delete/{claims['internal']}",
                          data={"csrf_token": csrf_token(committee, "/claim-notes/list/")}
                          ).status_code == 404  # notes are never deleted


def test_a_member_reads_only_the_visible_notes_on_his_claims(app, claims, client_for,
                                                          client, api_headers):
    member = client_for("member1")
    page = text(member.get(f"/claims/show/{claims['own']}"))
    assert "Your referral letter was received." in page
    assert "Suspect the receipt was altered." not in page and "Add a note" not in page
    assert "Committee1" not in page  # reviewers' names only when the fund shows them
    listing = text(member.get("/claim-notes/list/"))
    assert "Your referral letter" in listing and "Bank details" not in listing
    assert member.get(f"/claim-notes/show/{claims['internal']}").status_code == 404
    assert member.get(f"/claim-notes/show/{claims['theirs']}").status_code == 404
    assert member.get("/claim-notes/add").status_code == 403
    headers = api_headers("member1")
    answer = client.get("/api/v1/claimnote/", headers=headers)
    assert [n["id"] for n in answer.get_json()["result"]] == [claims["visible"]]
    assert client.get(f"/api/v1/claimnote/{claims['internal']}",
                      headers=headers).status_code == 404
    assert client.post("/api/v1/claimnote/", headers=headers, json={
        "claim": claims["own"], "body": "Hello"}).status_code == 403


def test_notes_over_rest(app, claims, client, api_headers):
    committee, finance = api_headers("committee1"), api_headers("finance")
    created = client.post("/api/v1/claimnote/", headers=committee, json={
        "claim": claims["other"], "body": "Called the member.", "category": "query",
        "priority": "urgent", "tags": "Phone", "follow_up_on": TODAY.isoformat()})
    assert created.status_code == 201, created.get_json()
    result = created.get_json()["result"]
    assert (result["tags"], result["author"]["id"], result["visible_to_member"]) == (
        "phone", factories_user(app, "committee1"), False)
    pk = created.get_json()["id"]
    changed = client.put(f"/api/v1/claimnote/{pk}", headers=committee,
                         json={"follow_up_done": True})
    assert changed.status_code == 200 and changed.get_json()["result"]["follow_up_done_at"]
    plain = client.post("/api/v1/claimnote/", headers=committee, json={
        "claim": claims["other"], "body": "Nothing to add."}).get_json()["result"]
    assert (plain["category"], plain["priority"]) == ("general", "normal")
    bad = client.post("/api/v1/claimnote/", headers=committee, json={
        "claim": claims["other"], "body": "x", "tags": "no spaces please"})
    assert bad.status_code == 422
    assert bad.get_json() == {"message": {"tags": [notes.TAG_RULE]}}
    assert client.put(f"/api/v1/claimnote/{pk}", headers=finance,
                      json={"body": "Finance edit"}).status_code == 403
    assert client.get(f"/api/v1/claimnote/{pk}", headers=finance).status_code == 200
    assert client.delete(f"/api/v1/claimnote/{pk}", headers=committee).status_code == 405


def factories_user(app: Flask, username: str) -> int:
    with app.app_context():
        return factories.user_id(username)


def test_files_on_a_note_reach_only_those_who_may_read_the_note(app, claims, client_for,
                                                               client, api_headers):
    committee, member = client_for("committee1"), client_for("member1")
    upload = f"/attachments/note/{claims['internal']}/upload"
    page = text(committee.get(f"/claim-notes/show/{claims['internal']}"))
    assert upload in page
    token = csrf_token(committee, upload)
    response = committee.post(upload, data={
        "csrf_token": token,
        "files": (io.BytesIO(hostile_files.pdf_receipt("Lab letter")), "lab-letter.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        internal_file = db.session.query(Attachment).filter_by(
            claim_note_id=claims["internal"]).one()
        assert internal_file.claim_id is None  # not one of the claim's own files
        admin = app.appbuilder.sm.find_user(username="admin")
        (visible_file,) = attach(find_owner(admin, claim_note_id=claims["visible"]), [
            Upload("letter.pdf", io.BytesIO(hostile_files.pdf_receipt("Referral")))], admin)
        ids = internal_file.id, visible_file.id
    assert "lab-letter.pdf" in text(committee.get(f"/claim-notes/show/{claims['internal']}"))
    assert member.get(f"/attachments/{ids[0]}/download").status_code == 404
    assert member.get(f"/attachments/{ids[1]}/download").status_code == 200
    assert "lab-letter.pdf" not in text(member.get(f"/claims/show/{claims['own']}"))
    headers = api_headers("member1")
    listed = client.get("/api/v1/attachment/", headers=headers).get_json()["result"]
    assert [a["id"] for a in listed] == [ids[1]]
    refused = client.post("/api/v1/attachment/", headers=headers, data={
        "claim_note": str(claims["visible"]),
        "file": (io.BytesIO(hostile_files.pdf_receipt("Mine")), "mine.pdf")},
        content_type="multipart/form-data")
    assert refused.status_code == 403
    assert refused.get_json() == {"message": "Only the fund's staff add files to a note."}
    removal = committee.post(f"/attachments/{ids[0]}/remove", data={"csrf_token": token},
                             follow_redirects=True)
    assert "Files of a note are kept with the claim&#39;s record" in text(removal)


def test_my_follow_ups_due(app, claims, client_for):
    with app.app_context():
        own = db.session.get(ClaimNote, claims["internal"])
        own.follow_up_on = TODAY
        mine = factories.note(own.claim, body="Chase the lab", follow_up_on=TODAY,
                              tags="lab").id
        factories.note(own.claim, body="Not yet", follow_up_on=TODAY + timedelta(days=3))
        factories.note(own.claim, author="committee2", body="Colleague's",
                       follow_up_on=TODAY)
        db.session.commit()
    committee, colleague = client_for("committee1"), client_for("committee2")
    listing = text(committee.get("/follow-ups/list/"))
    assert "Chase the lab" in listing and "Suspect the receipt" in listing
    assert "Not yet" not in listing and "Colleague&#39;s" not in listing
    assert f"/claim-notes/show/{mine}" in listing
    token = csrf_token(committee, "/follow-ups/list/")
    page = text(committee.post("/follow-ups/action_post", data={
        "csrf_token": token, "action": "mark_done", "rowid": [str(mine)]},
        follow_redirects=True))
    assert "1 follow-up(s) marked done." in page and "Chase the lab" not in page
    # Someone else's follow-up is not his to close.
    page = text(colleague.post("/follow-ups/action_post", data={
        "csrf_token": csrf_token(colleague, "/follow-ups/list/"), "action": "mark_done",
        "rowid": [str(claims["internal"])]}, follow_redirects=True))
    assert "0 follow-up(s) marked done." in page and "Colleague&#39;s" in page
    assert client_for("finance").get("/follow-ups/list/").status_code == 403
    assert client_for("member1").get("/follow-ups/list/").status_code == 403
