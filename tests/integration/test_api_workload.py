"""The assignment over REST: reviewers' settings (Admin writes, a reviewer reads his own), the
``reassign`` transition single and bulk with its refusals, and a first appeal routed to a
reviewer who did not decide, each answer as the API documents it."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from typing import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.models import Claim
from app.models.base import utcnow
from app.services.lifecycle import perform
from tests.workload_support import (
    TODAY,
    add_reviewer,
    draft,
    new_member,
    settings_for,
    submitted,
    user,
)


@pytest.fixture
def data(app: Flask):
    @contextmanager
    def context() -> Iterator[None]:
        with app.app_context():
            yield
            db.session.remove()

    return context


def ids_of(*usernames: str) -> list[int]:
    return [user(name).id for name in usernames]


def test_admin_keeps_reviewers_settings(data, client, api_headers):
    admin = api_headers("admin")
    with data():
        committee1, finance = ids_of("committee1", "finance")
    created = client.post("/api/v1/reviewersetting/", headers=admin, json={
        "user": committee1, "capacity": 12, "min_amount": "0.00", "max_amount": "80000.00"})
    assert created.status_code == 201, created.get_json()
    result = created.get_json()["result"]
    assert (result["user"]["username"], result["capacity"], result["max_amount"],
            result["open_claims"], result["active"]) == ("committee1", 12, "80000.00", 0, True)
    setting_id = created.get_json()["id"]
    changed = client.put(f"/api/v1/reviewersetting/{setting_id}", headers=admin,
                         json={"active": False})
    assert changed.status_code == 200 and changed.get_json()["result"]["active"] is False
    # The rules, each at its field.
    wrong = client.post("/api/v1/reviewersetting/", headers=admin, json={"user": finance})
    assert wrong.status_code == 422
    assert wrong.get_json()["message"] == {
        "user": ["Only an active committee member reviews claims."]}
    again = client.post("/api/v1/reviewersetting/", headers=admin, json={"user": committee1})
    assert again.status_code == 422 and "already" in again.get_json()["message"]["user"][0]
    backwards = client.put(f"/api/v1/reviewersetting/{setting_id}", headers=admin,
                           json={"min_amount": "90000.00"})
    assert backwards.status_code == 422
    assert backwards.get_json()["message"] == {
        "max_amount": ["The largest amount cannot be below the smallest."]}
    negative = client.put(f"/api/v1/reviewersetting/{setting_id}", headers=admin,
                          json={"capacity": -1})
    assert negative.status_code == 422 and "capacity" in negative.get_json()["message"]
    assert client.delete(f"/api/v1/reviewersetting/{setting_id}",
                         headers=admin).status_code == 200


def test_a_reviewer_reads_only_his_own_settings(data, client, api_headers):
    with data():
        own = settings_for("committee1", capacity=5).id
        other = settings_for("committee2", capacity=9).id
        submitted()  # committee1's: it counts
    headers = api_headers("committee1")
    listed = client.get("/api/v1/reviewersetting/", headers=headers).get_json()
    assert [(r["id"], r["open_claims"]) for r in listed["result"]] == [(own, 1)]
    assert client.get(f"/api/v1/reviewersetting/{other}", headers=headers).status_code == 404
    assert client.post("/api/v1/reviewersetting/", headers=headers,
                       json={"capacity": 3}).status_code == 403
    assert client.get("/api/v1/reviewersetting/",
                      headers=api_headers("finance")).status_code == 403
    assert client.get("/api/v1/reviewersetting/",
                      headers=api_headers("auditor")).get_json()["count"] == 2


def transition(client, headers, claim_id: int, version: int, **body):
    return client.post(f"/api/v1/claim/{claim_id}/transition", headers=headers,
                       json={"version": version, **body})


def test_reassign_over_rest(data, client, api_headers):
    with data():
        claim_id = submitted()
        version = db.session.get(Claim, claim_id).version
        (committee2,) = ids_of("committee2")
        settings_for("committee2", capacity=1)
    headers = api_headers("committee1")
    done = transition(client, headers, claim_id, version, action="reassign",
                      reviewer_id=committee2, reason="Workload")
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["result"]["status"] == "submitted"
    with data():
        assert db.session.get(Claim, claim_id).assigned_reviewer_id == committee2
        other = submitted()  # committee2 is full now: to committee1
        version = db.session.get(Claim, other).version
    full = transition(client, headers, other, version, action="reassign",
                      reviewer_id=committee2)
    assert full.status_code == 422
    assert full.get_json()["message"] == {"reviewer_id": [
        "Committee2 Test has 1 open claims, his capacity of 1."]}
    missing = transition(client, headers, other, version, action="reassign")
    assert missing.status_code == 422
    assert missing.get_json()["message"] == {"reviewer_id": ["Choose the reviewer to assign."]}
    wrong_type = transition(client, headers, other, version, action="reassign",
                            reviewer_id="two")
    assert wrong_type.status_code == 400
    stale = transition(client, headers, other, version - 1, action="reassign",
                       reviewer_id=committee2)
    assert stale.status_code == 409


def test_bulk_reassign_answers_per_claim(data, client, api_headers):
    with data():
        ids = [submitted() for _ in range(2)]  # committee1, committee2
        own = draft(new_member(user_id=user("committee2").id))
        perform(own, "submit", user("committee1"), received_on=TODAY, declaration=True)
        (committee2,) = ids_of("committee2")
    answer = client.post("/api/v1/claim/bulk_transition", headers=api_headers("admin"), json={
        "action": "reassign", "ids": [*ids, own], "reviewer_id": committee2})
    assert answer.status_code == 200
    body = answer.get_json()
    assert [r["ok"] for r in body["result"]] == [True, False, False]
    assert "already" in body["result"][1]["message"]
    assert "member or patient" in body["result"][2]["message"]
    assert (body["done"], body["refused"]) == (1, 2)


def test_a_first_appeal_over_rest_goes_to_another_reviewer(data, client, api_headers):
    with data():
        add_reviewer("committee3")
        member_login = user("member1")
        claim_id = draft(new_member(user_id=member_login.id))
        perform(claim_id, "submit", member_login, declaration=True)
        perform(claim_id, "start_review", user("committee1"))
        perform(claim_id, "reject", user("committee1"), reason="Not referred")
        version = db.session.get(Claim, claim_id).version
    answer = transition(client, api_headers("member1"), claim_id, version, action="appeal",
                        reason="The referral letter is attached.")
    assert answer.status_code == 200 and answer.get_json()["result"]["status"] == "appealed"
    with data():
        claim = db.session.get(Claim, claim_id)
        assert claim.assigned_reviewer.username == "committee2"  # committee1 decided it
        assert claim.sla_due_at is not None and claim.sla_status == "on_track"


def test_the_claims_api_sorts_and_filters_by_sla(data, client, api_headers):
    with data():
        now = utcnow()
        ids = [submitted() for _ in range(3)]
        for claim_id, days, state in zip(ids, (20, -1, 3), ("on_track", "breached", "at_risk"),
                                         strict=True):
            db.session.execute(sa.update(Claim).where(Claim.id == claim_id).values(
                sla_due_at=now + timedelta(days=days), sla_status=state))
        db.session.commit()
    headers = api_headers("committee1")
    by_due = client.get("/api/v1/claim/?q=(order_column:sla_due_at,order_direction:asc)",
                        headers=headers).get_json()
    assert by_due["ids"] == [ids[1], ids[2], ids[0]]
    breached = client.get(
        "/api/v1/claim/?q=(filters:!((col:sla_status,opr:eq,value:breached)))",
        headers=headers).get_json()
    assert breached["ids"] == [ids[1]] and breached["result"][0]["sla_status"] == "breached"
    shown = client.get(f"/api/v1/claim/{ids[1]}", headers=headers).get_json()["result"]
    assert shown["assignment_flagged"] is False and shown["payment_due_at"] is None
