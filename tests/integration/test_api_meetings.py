"""Committee meetings over REST, as a script would run a meeting: the record, its steps, the
attendance, the agenda (add, ratify, send back) and the minutes; every refusal a 4xx with JSON."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from app.extensions import db
from tests.meeting_support import committee_of_four, decided_claim, fund

BASE = "/api/v1/committeemeeting"


@pytest.fixture
def admin(api_headers):
    return api_headers("admin")


@pytest.fixture
def decisions(app):
    with app.app_context():
        the_fund = fund()
        claims = [decided_claim(the_fund), decided_claim(the_fund, "rejected")]
        committee = [u.id for u in committee_of_four()]
        found = [c.id for c in claims], [c.claim_number for c in claims], committee
        db.session.remove()
    return found


def create(client, headers, **extra) -> dict:
    response = client.post(f"{BASE}/", headers=headers, json={
        "meeting_date": "2026-05-14", "meeting_type": "monthly", **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def step(client, headers, pk: int, action: str, version: int):
    return client.post(f"{BASE}/{pk}/transition", headers=headers,
                       json={"action": action, "version": version})


def on_agenda(client, headers, pk: int, action: str, ids: list[int], **extra):
    response = client.post(f"{BASE}/{pk}/agenda", headers=headers,
                           json={"action": action, "ids": ids, **extra})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_script_runs_a_meeting_from_plan_to_minutes(client, admin, decisions):
    ids, numbers, committee = decisions
    created = create(client, admin, minutes="Agenda: decisions of April.")
    pk, result = created["id"], created["result"]
    assert (result["status"], result["quorum"], result["attendees"]) == ("draft", None, [])

    opened = step(client, admin, pk, "open", result["version"])
    assert opened.status_code == 200 and opened.get_json()["result"]["quorum"] == 4
    added = on_agenda(client, admin, pk, "add", ids)
    assert (added["done"], added["refused"]) == (2, 0)

    attendance = client.post(f"{BASE}/{pk}/attendance", headers=admin,
                             json={"attendees": committee[:3]})
    assert attendance.status_code == 200
    present = attendance.get_json()["result"]["attendees"]
    assert [a["username"] for a in present] == ["committee1", "committee2", "committee3"]
    refused = on_agenda(client, admin, pk, "ratify", ids[:1])
    assert refused["result"][0]["ok"] is False
    assert "No quorum" in refused["result"][0]["message"]

    client.post(f"{BASE}/{pk}/attendance", headers=admin, json={"attendees": committee})
    ratified = on_agenda(client, admin, pk, "ratify", ids[:1])
    assert ratified["result"] == [{"id": ids[0], "claim_number": numbers[0], "ok": True,
                                   "status": "approved", "message": "Ratified."}]
    sent = on_agenda(client, admin, pk, "send_back", ids[1:], reason="Check the receipts.")
    assert sent["result"][0]["status"] == "under_review"

    claim = client.get(f"/api/v1/claim/{ids[0]}", headers=admin).get_json()["result"]
    assert claim["awaiting_ratification"] is False and claim["ratified_meeting"] == {"id": pk}
    agenda = client.get(f"{BASE}/{pk}/agenda", headers=admin).get_json()
    outcomes = {item["claim_number"]: item for item in agenda["result"]}
    assert outcomes[numbers[0]]["outcome"] == "ratified"
    assert outcomes[numbers[0]]["decided_by"] == "Committee2 Test"
    assert outcomes[numbers[0]]["total_approved"] == "1600.00"
    assert outcomes[numbers[1]]["outcome_reason"] == "Check the receipts."
    assert outcomes[numbers[1]]["reason_codes"] == ["NOT_COVERED"]

    version = client.get(f"{BASE}/{pk}", headers=admin).get_json()["result"]["version"]
    closed = step(client, admin, pk, "close", version)
    assert closed.status_code == 200 and closed.get_json()["result"]["status"] == "closed"
    minutes = client.get(f"{BASE}/{pk}/minutes", headers=admin)
    assert minutes.status_code == 200 and minutes.mimetype == "application/pdf"
    text = " ".join(PdfReader(io.BytesIO(minutes.data)).pages[0].extract_text().split())
    assert numbers[0] in text and "Sent back to review: Check the receipts." in text


def test_a_closed_meeting_refuses_every_change(app, client, admin, decisions):
    ids, numbers, committee = decisions
    pk = create(client, admin, minutes="Nothing to ratify.")["id"]
    assert client.get(f"{BASE}/{pk}/minutes", headers=admin).status_code == 409
    step(client, admin, pk, "open", 1)
    assert step(client, admin, pk, "close", 2).status_code == 200
    closed = "is closed: its record, attendance and agenda can no longer be changed."

    edit = client.put(f"{BASE}/{pk}", headers=admin, json={"minutes": "Rewritten."})
    assert edit.status_code == 409 and closed in edit.get_json()["message"]
    attendance = client.post(f"{BASE}/{pk}/attendance", headers=admin,
                             json={"attendees": committee})
    assert attendance.status_code == 409 and closed in attendance.get_json()["message"]
    added = on_agenda(client, admin, pk, "add", ids)
    assert added["refused"] == 2 and closed in added["result"][0]["message"]
    reopened = step(client, admin, pk, "open", 3)
    assert reopened.status_code == 409
    assert client.delete(f"{BASE}/{pk}", headers=admin).status_code == 405
    result = client.get(f"{BASE}/{pk}", headers=admin).get_json()["result"]
    assert (result["status"], result["minutes"], result["attendees"]) == (
        "closed", "Nothing to ratify.", [])


def test_bad_input_is_a_4xx_with_a_message(client, admin, decisions):
    ids, numbers, committee = decisions
    pk = create(client, admin)["id"]
    cases = [
        (f"{BASE}/{pk}/attendance", {"attendees": "everyone"}, 400),
        (f"{BASE}/{pk}/attendance", {"attendees": [committee[0], 10**6]}, 422),
        (f"{BASE}/{pk}/attendance", {"attendees": [], "version": 99}, 409),
        (f"{BASE}/{pk}/agenda", {"action": "adjourn", "ids": ids}, 400),
        (f"{BASE}/{pk}/agenda", {"action": "send_back", "ids": ids}, 400),
        (f"{BASE}/{pk}/agenda", {"action": "add", "ids": []}, 400),
        (f"{BASE}/{pk}/transition", {"action": "close", "version": 1}, 409),
        (f"{BASE}/999999/agenda", {"action": "add", "ids": ids}, 404),
        (f"{BASE}/999999/attendance", {"attendees": []}, 404),
    ]
    for url, body, status in cases:
        response = client.post(url, headers=admin, json=body)
        assert response.status_code == status, (url, body, response.get_json())
        assert response.get_json()["message"], (url, body)
    wrong = client.post(f"{BASE}/{pk}/attendance", headers=admin,
                        json={"attendees": [committee[0], 10**6]}).get_json()
    assert wrong["message"] == {"attendees": ["Not an active committee member: login 1000000."]}
    bad_date = client.post(f"{BASE}/", headers=admin,
                           json={"meeting_date": "1999-12-31", "meeting_type": "monthly"})
    assert bad_date.status_code == 422
    assert bad_date.get_json()["message"] == {"meeting_date": ["Enter a date from 01 Jan 2000 on."]}
    assert client.get(f"{BASE}/999999/minutes", headers=admin).status_code == 404


def test_staff_read_meetings_members_do_not(client, admin, api_headers):
    pk = create(client, admin)["id"]
    for username in ("finance", "auditor"):
        headers = api_headers(username)
        assert client.get(f"{BASE}/{pk}", headers=headers).status_code == 200
        assert client.get(f"{BASE}/{pk}/agenda", headers=headers).status_code == 200
        assert client.post(f"{BASE}/{pk}/agenda", headers=headers,
                           json={"action": "add", "ids": [1]}).status_code == 403
        assert client.put(f"{BASE}/{pk}", headers=headers,
                          json={"minutes": "x"}).status_code == 403
    member = api_headers("member1")
    assert client.get(f"{BASE}/", headers=member).status_code == 403
    committee = api_headers("committee2")
    assert client.put(f"{BASE}/{pk}", headers=committee,
                      json={"minutes": "Draft agenda."}).status_code == 200


def test_claims_awaiting_ratification_are_found_over_rest(client, admin, decisions):
    ids, numbers, committee = decisions
    query = json.dumps({"filters": [{"col": "awaiting_ratification", "opr": "eq",
                                     "value": True}]})
    listing = client.get(f"/api/v1/claim/?q={query}", headers=admin).get_json()
    assert sorted(listing["ids"]) == sorted(ids)
    assert all(row["awaiting_ratification"] is True for row in listing["result"])
