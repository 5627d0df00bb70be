"""A decision the member appeals while it waits on a meeting's agenda leaves the agenda: the
meeting cannot ratify a reopened decision, its audit trail says why, and the decision the appeal
leads to goes on an agenda again the usual way."""

from __future__ import annotations

import json

import pytest

from app.extensions import db
from app.models import AuditEvent
from tests import factories
from tests.meeting_support import committee_of_four, decided_claim, fund

BASE = "/api/v1/committeemeeting"


@pytest.fixture
def setting(app):
    """member1's rejected claim and member1's other, approved claim, both on the agenda of an
    open meeting with its quorum present."""
    with app.app_context():
        the_fund = fund(user_id=factories.user_id("member1"))
        rejected = decided_claim(the_fund, "rejected")
        approved = decided_claim(the_fund)
        committee = [u.id for u in committee_of_four()]
        found = rejected.id, rejected.claim_number, approved.id, committee
        db.session.remove()
    return found


def agenda(client, headers, pk: int, action: str, ids: list[int], **extra) -> dict:
    response = client.post(f"{BASE}/{pk}/agenda", headers=headers,
                           json={"action": action, "ids": ids, **extra})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def open_meeting(client, admin, committee) -> int:
    created = client.post(f"{BASE}/", headers=admin, json={
        "meeting_date": "2026-05-14", "meeting_type": "monthly"}).get_json()
    pk = created["id"]
    client.post(f"{BASE}/{pk}/attendance", headers=admin, json={"attendees": committee})
    version = client.get(f"{BASE}/{pk}", headers=admin).get_json()["result"]["version"]
    opened = client.post(f"{BASE}/{pk}/transition", headers=admin,
                         json={"action": "open", "version": version})
    assert opened.status_code == 200
    return pk


def test_an_appealed_decision_leaves_the_agenda_and_cannot_be_ratified(
        app, client, api_headers, setting):
    rejected_id, number, approved_id, committee = setting
    admin, member = api_headers("admin"), api_headers("member1")
    pk = open_meeting(client, admin, committee)
    assert agenda(client, admin, pk, "add", [rejected_id, approved_id])["done"] == 2

    version = client.get(f"/api/v1/claim/{rejected_id}", headers=member).get_json()["result"][
        "version"]
    appealed = client.post(f"/api/v1/claim/{rejected_id}/transition", headers=member, json={
        "action": "appeal", "version": version, "reason": "The visit was covered."})
    assert appealed.status_code == 200 and appealed.get_json()["result"]["status"] == "appealed"

    listed = client.get(f"{BASE}/{pk}/agenda", headers=admin).get_json()["result"]
    assert [item["claim_id"] for item in listed] == [approved_id]
    ratified = agenda(client, admin, pk, "ratify", [rejected_id, approved_id])
    outcomes = {row["id"]: row for row in ratified["result"]}
    assert outcomes[approved_id]["ok"] is True
    assert outcomes[rejected_id]["ok"] is False
    assert "not waiting on this meeting's agenda" in outcomes[rejected_id]["message"]

    with app.app_context():
        events = db.session.query(AuditEvent).filter_by(
            action="committeemeeting.agenda_remove").all()
        assert [(e.resource_id, json.loads(e.details)) for e in events] == [
            (str(pk), {"claim": number, "reason": "claim.appeal"})]
        appeal = db.session.query(AuditEvent).filter_by(action="claim.appeal").one()
        assert json.loads(appeal.details)["taken_off_agenda_of_meeting"] == pk


def test_the_decision_after_the_appeal_goes_on_an_agenda_again(
        app, client, api_headers, setting):
    rejected_id, _, _, committee = setting
    admin = api_headers("admin")
    pk = open_meeting(client, admin, committee)
    agenda(client, admin, pk, "add", [rejected_id])
    for action, who, extra in (("appeal", "member1", {"reason": "It was covered."}),
                               ("start_review", "committee3", {}),
                               ("reject", "committee3", {"reason": "Still not covered."})):
        headers = api_headers(who)
        version = client.get(f"/api/v1/claim/{rejected_id}", headers=headers).get_json()[
            "result"]["version"]
        done = client.post(f"/api/v1/claim/{rejected_id}/transition", headers=headers,
                           json={"action": action, "version": version, **extra})
        assert done.status_code == 200, done.get_json()
    assert agenda(client, admin, pk, "add", [rejected_id])["done"] == 1
    assert agenda(client, admin, pk, "ratify", [rejected_id])["done"] == 1
