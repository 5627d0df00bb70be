"""Committee meetings through the web screens, as the committee uses them: plan a meeting, put
decisions on its agenda (from its page or the claims list), record who is present, ratify or
send back only with quorum, close it and download its minutes."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.models import AgendaItem, Claim, CommitteeMeeting
from tests.helpers import csrf_token, submit_form
from tests.integration.test_web_lifecycle_bulk import results, run_action
from tests.integration.web_support import text
from tests.meeting_support import committee_of_four, decided_claim, fund, meeting


@pytest.fixture
def decisions(app):
    """Three decisions awaiting ratification: (ids, claim numbers)."""
    with app.app_context():
        the_fund = fund()
        claims = [decided_claim(the_fund), decided_claim(the_fund),
                  decided_claim(the_fund, "rejected")]
        found = [c.id for c in claims], [c.claim_number for c in claims]
        db.session.remove()
    return found


def new_meeting(app, **kw) -> int:
    with app.app_context():
        pk = meeting(**kw).id
        db.session.remove()
    return pk


def post_from_page(client, pk: int, url: str, **data):
    """Press a button of the meeting's page: its form posts with the page's token."""
    token = csrf_token(client, f"/meetings/show/{pk}")
    return client.post(url, data={"csrf_token": token, **data}, follow_redirects=True)


def press(client, pk: int, step: str):
    """Press a step's button (open, close) on the meeting's page, with the version it shows."""
    page = text(client.get(f"/meetings/show/{pk}"))
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    return post_from_page(client, pk, f"/meetings/transition/{pk}/{step}", version=version)


def stored(app, pk: int) -> tuple:
    with app.app_context():
        record = db.session.get(CommitteeMeeting, pk)
        found = (record.status, record.minutes, sorted(u.username for u in record.attendees))
        db.session.remove()
    return found


def test_the_committee_plans_opens_and_records_attendance(app, committee_client):
    page = submit_form(committee_client, "/meetings/add", {
        "meeting_date": "2026-05-14", "meeting_type": "monthly", "minutes": ""},
        follow_redirects=True)
    assert page.status_code == 200
    with app.app_context():
        pk = db.session.query(CommitteeMeeting.id).scalar()
        ids = [u.id for u in committee_of_four()]
    assert stored(app, pk) == ("draft", None, [])
    show = text(committee_client.get(f"/meetings/show/{pk}"))
    assert "Open the meeting" in show and "0 present, quorum 4" in show
    assert "(the fund's setting now; fixed when the meeting opens)" in show
    assert "Wanjiku Mwangi" in show  # each committee member can be ticked present

    page = text(post_from_page(committee_client, pk, f"/meetings/sitting/{pk}/attendance",
                               attendees=[str(i) for i in ids[:3]], version="1"))
    assert "Attendance recorded: 3 present." in page
    page = text(press(committee_client, pk, "open"))
    assert "Open the meeting: Monthly meeting of 14 May 2026 is now open." in page
    assert "3 present, quorum 4" in page
    assert "No quorum at the Monthly meeting of 14 May 2026: 3 of the 4 committee" in page
    assert stored(app, pk)[0] == "open"


def test_ratification_from_the_meetings_page_needs_quorum(app, decisions, client_for):
    ids, numbers = decisions
    pk = new_meeting(app, status="open", present=2)
    committee = client_for("committee1")
    show = text(committee.get(f"/meetings/show/{pk}"))
    assert all(n in show for n in numbers)  # waiting for an agenda
    page = text(post_from_page(committee, pk, f"/meetings/sitting/{pk}/agenda/add",
                               claim_ids=[str(i) for i in ids[:2]]))
    assert "2 done, 0 refused." in page
    page = text(post_from_page(committee, pk, f"/meetings/sitting/{pk}/agenda/ratify",
                               claim_ids=[str(i) for i in ids[:2]]))
    assert "0 done, 2 refused." in page and page.count("No quorum at the") == 2

    with app.app_context():
        four = [str(u.id) for u in committee_of_four()]
    post_from_page(committee, pk, f"/meetings/sitting/{pk}/attendance", attendees=four)
    page = text(post_from_page(committee, pk, f"/meetings/sitting/{pk}/agenda/ratify",
                               claim_ids=[str(i) for i in ids]))
    assert "2 done, 1 refused." in page
    assert results(page)[:2] == [(numbers[0], "Done", "Approved"),
                                 (numbers[1], "Done", "Approved")]
    assert "is not waiting on this meeting&#39;s agenda" in page
    with app.app_context():
        claims = db.session.query(Claim).filter(Claim.id.in_(ids[:2])).all()
        assert all(c.ratified_meeting_id == pk and not c.awaiting_ratification for c in claims)
    listing = text(committee.get("/claims/list/?_flt_0_awaiting_ratification=y"))
    assert numbers[2] in listing and numbers[0] not in listing
    claim_page = text(committee.get(f"/claims/show/{ids[0]}"))
    assert "Ratified at" in claim_page and "Send back to review" not in claim_page


def test_send_back_asks_the_reason_once_for_the_ticked_decisions(app, decisions, client_for):
    ids, numbers = decisions
    pk = new_meeting(app, status="open", present=4)
    committee = client_for("committee2")
    post_from_page(committee, pk, f"/meetings/sitting/{pk}/agenda/add",
                   claim_ids=[str(i) for i in ids])
    form = text(post_from_page(committee, pk, f"/meetings/sitting/{pk}/send_back",
                               claim_ids=[str(ids[0]), str(ids[2])]))
    assert "Send back to review: 2 claims" in form and "Why the committee sends them back" in form
    url = f"/meetings/sitting/{pk}/send_back"
    token = csrf_token(committee, f"/meetings/show/{pk}")
    blank = text(committee.post(url, data={"csrf_token": token, "ids": f"{ids[0]},{ids[2]}",
                                           "reason": ""}))
    assert "Write a reason." in blank
    page = text(committee.post(url, data={
        "csrf_token": token, "ids": f"{ids[0]},{ids[2]}",
        "reason": "The receipts do not match the bill."}))
    assert results(page) == [(numbers[0], "Done", "Under review"),
                             (numbers[2], "Done", "Under review")]
    show = text(committee.get(f"/meetings/show/{pk}"))
    assert show.count("Sent back: The receipts do not match the bill.") == 2
    claim_page = text(committee.get(f"/claims/show/{ids[0]}"))
    assert "under review" in claim_page.lower()


def test_the_claims_list_puts_the_selected_decisions_on_a_meetings_agenda(
        app, decisions, client_for):
    ids, numbers = decisions
    committee = client_for("committee1")
    response = run_action(committee, "bulk_add_to_agenda", ids[:2])
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/meetings/sitting/choose?ids=")
    nothing_planned = committee.get(response.headers["Location"], follow_redirects=True)
    assert "There is no draft or open meeting: plan one first." in text(nothing_planned)

    pk = new_meeting(app, on=date(2026, 6, 11))
    form_url = response.headers["Location"]
    form = text(committee.get(form_url))
    assert "Monthly meeting of 11 Jun 2026 (draft)" in form and numbers[1] in form
    token = csrf_token(committee, form_url)
    page = text(committee.post(form_url, data={
        "csrf_token": token, "ids": f"{ids[0]},{ids[1]}", "meeting_id": str(pk)}))
    assert "2 done, 0 refused." in page
    with app.app_context():
        assert sorted(i.claim_id for i in db.session.query(AgendaItem)) == ids[:2]


def test_a_closed_meeting_changes_no_more_and_gives_its_minutes(app, decisions, client_for):
    ids, numbers = decisions
    pk = new_meeting(app, status="open", present=4)
    committee = client_for("committee1")
    post_from_page(committee, pk, f"/meetings/sitting/{pk}/agenda/add",
                   claim_ids=[str(i) for i in ids])
    post_from_page(committee, pk, f"/meetings/sitting/{pk}/agenda/ratify",
                   claim_ids=[str(ids[0])])
    early = committee.get(f"/meetings/sitting/{pk}/minutes.pdf", follow_redirects=True)
    assert "its minutes are exported once it is closed" in text(early)
    refused = text(press(committee, pk, "close"))
    assert "Write the minutes (edit the meeting) before closing it" in refused
    edit = submit_form(committee, f"/meetings/edit/{pk}", {
        "meeting_date": date.today().isoformat(), "meeting_type": "monthly",
        "minutes": "Quorum present. One decision ratified, the others deferred."},
        follow_redirects=True)
    assert edit.status_code == 200
    closed = text(press(committee, pk, "close"))
    assert "is now closed" in closed and "Minutes (PDF)" in closed
    assert "Record attendance" not in closed and "Ratify the ticked" not in closed

    edit = submit_form(committee, f"/meetings/edit/{pk}", {
        "meeting_date": "2026-01-01", "meeting_type": "special", "minutes": "Rewritten."},
        follow_redirects=True)
    assert "is closed: its record, attendance and agenda can no longer be changed" in text(edit)
    token = csrf_token(committee, f"/meetings/show/{pk}")
    page = committee.post(f"/meetings/sitting/{pk}/attendance",
                          data={"csrf_token": token, "attendees": []}, follow_redirects=True)
    assert "is closed" in text(page)
    status, minutes, present = stored(app, pk)
    assert (status, minutes, len(present)) == (
        "closed", "Quorum present. One decision ratified, the others deferred.", 4)

    pdf = committee.get(f"/meetings/sitting/{pk}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    words = " ".join(" ".join(p.extract_text() for p in PdfReader(
        io.BytesIO(pdf.data)).pages).split())
    assert all(n in words for n in numbers)
    assert "1 ratified, 0 sent back, 2 deferred" in words


def test_finance_and_auditors_read_meetings_and_change_nothing(app, decisions, client_for):
    pk = new_meeting(app, status="closed", present=4)
    for username in ("finance", "auditor"):
        reader = client_for(username)
        assert reader.get("/meetings/list/").status_code == 200
        show = text(reader.get(f"/meetings/show/{pk}"))
        assert "Minutes (PDF)" in show and "Record attendance" not in show
        assert not re.search(r"Open the meeting|Close the meeting", show)
        assert reader.get(f"/meetings/sitting/{pk}/minutes.pdf").status_code == 200
        token = csrf_token(reader, f"/meetings/show/{pk}")
        assert reader.post(f"/meetings/sitting/{pk}/agenda/add",
                           data={"csrf_token": token, "claim_ids": "1"}).status_code == 403
    assert client_for("member1").get("/meetings/list/").status_code == 403
