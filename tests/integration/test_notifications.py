"""In-app notifications, web and REST: the Committee's shared inbox and each login's own, read
and unread, and nobody seeing another's (a member only ever his own)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from app.access import scope_query
from app.extensions import db
from app.models import Notification
from app.services.notifications import notify_role, notify_user
from tests.helpers import csrf_token
from tests.integration.web_support import text
from tests.workload_support import new_member, submitted, user


@pytest.fixture
def data(app: Flask):
    @contextmanager
    def context() -> Iterator[None]:
        with app.app_context():
            yield
            db.session.remove()

    return context


@pytest.fixture
def inbox(data) -> dict[str, int]:
    """One note to the Committee about a claim, one to committee2 alone, one to finance's role."""
    with data():
        claim_id = submitted()
        notes = {
            "committee": notify_role(db.session, "Committee", "sla_breached",
                                     "Claim late for the committee.", claim_id),
            "committee2": notify_user(db.session, user("committee2").id, "claim_reassigned",
                                      "Claim for committee2 alone.", claim_id),
            "finance": notify_role(db.session, "Finance", "payment_sla_breached",
                                   "Claim late for finance."),
        }
        db.session.commit()
        return {name: note.id for name, note in notes.items()}


def test_the_committee_reads_its_inbox_unread_first(inbox, client_for):
    committee1 = client_for("committee1")
    page = text(committee1.get("/notifications/list/?_flt_0_unread=y"))
    assert "Claim late for the committee." in page and "Decision date missed" in page
    assert "Claim for committee2 alone." not in page and "Claim late for finance." not in page
    assert "Unread" in page
    assert "Claim for committee2 alone." in text(
        client_for("committee2").get("/notifications/list/"))
    assert committee1.get(f"/notifications/show/{inbox['committee2']}").status_code == 404


def test_marking_read_from_the_list(inbox, data, client_for):
    committee1 = client_for("committee1")
    token = csrf_token(committee1, "/notifications/list/")
    # committee2's note is not his to mark: the whole request is refused.
    refused = committee1.post("/notifications/action_post", data={
        "csrf_token": token, "action": "mark_read",
        "rowid": [str(inbox["committee"]), str(inbox["committee2"])]})
    assert refused.status_code == 404
    response = committee1.post("/notifications/action_post", data={
        "csrf_token": token, "action": "mark_read", "rowid": [str(inbox["committee"])]},
        follow_redirects=True)
    assert "1 notification(s) marked as read." in text(response)
    assert "Claim late for the committee." not in text(
        committee1.get("/notifications/list/?_flt_0_unread=y"))
    assert "Claim late for the committee." in text(committee1.get("/notifications/list/"))
    with data():
        read = {n.id: n.read_at is not None for n in db.session.scalars(sa.select(Notification))}
    assert read == {inbox["committee"]: True, inbox["committee2"]: False,
                    inbox["finance"]: False}


def test_a_member_only_ever_sees_his_own(inbox, data):
    with data():
        member_login = user("member1")
        new_member(user_id=member_login.id)
        own = notify_user(db.session, member_login.id, "claim_reassigned", "For member1.")
        db.session.commit()
        def seen_by(username: str) -> set[int]:
            query = scope_query(sa.select(Notification.id), Notification, user(username))
            return set(db.session.scalars(query))

        assert seen_by("member1") == {own.id}  # never a role's inbox, never another's
        assert seen_by("committee1") == {inbox["committee"]}
        assert seen_by("admin") == {own.id, *inbox.values()}  # Admin sees everything


def test_members_and_finance_have_no_notifications_screen_yet(inbox, client_for):
    assert client_for("member1").get("/notifications/list/").status_code == 403
    assert client_for("finance").get("/notifications/list/").status_code == 403


def test_the_api_lists_filters_and_marks_read(inbox, client, api_headers):
    headers = api_headers("committee1")
    listed = client.get("/api/v1/notification/", headers=headers).get_json()
    assert listed["count"] == 1
    (note,) = listed["result"]
    assert (note["message"], note["kind"], note["unread"], note["read_at"]) == (
        "Claim late for the committee.", "sla_breached", True, None)
    answer = client.post(f"/api/v1/notification/{inbox['committee']}/read", headers=headers)
    assert answer.status_code == 200
    assert answer.get_json()["result"]["unread"] is False
    assert answer.get_json()["result"]["read_at"] is not None
    unread = client.get("/api/v1/notification/?q=(filters:!((col:unread,opr:eq,value:!t)))",
                        headers=headers).get_json()
    assert unread["count"] == 0
    # Another login's notification: as if it did not exist.
    refused = client.post(f"/api/v1/notification/{inbox['committee2']}/read", headers=headers)
    assert refused.status_code == 404 and refused.get_json()["message"]
    assert client.post("/api/v1/notification/abc/read", headers=headers).status_code == 404
    assert client.post(f"/api/v1/notification/{inbox['finance']}/read",
                       headers=api_headers("auditor")).status_code == 403
    assert client.get("/api/v1/notification/",
                      headers=api_headers("member1")).status_code == 403
