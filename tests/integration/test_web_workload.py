"""The committee's workload through the web, as its users see it: reviewers' settings kept by
Admin, a reviewer's queue by SLA urgency, reassignment from the claim's page and from the list,
the trustees' list, and the claims list sorted and filtered by SLA.

Records are made and read back in application contexts of their own: a request made while a
test holds one would share its ``g`` (and its login) with every other request."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta
from typing import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.models import Claim, ReviewerSetting
from app.models.base import utcnow
from app.services.lifecycle import perform
from tests.helpers import csrf_token, submit_form
from tests.integration.web_support import text
from tests.workload_support import draft, new_member, settings_for, submitted, user

DAY = timedelta(days=1)
CLAIM_NUMBER = re.compile(r"CLM-\d{4}-\d{6}")
REVIEWER_CELL = re.compile(r">\s*committee[12]\s*<")  # the reviewer column's cell


@pytest.fixture
def data(app: Flask):
    @contextmanager
    def context() -> Iterator[None]:
        with app.app_context():
            yield
            db.session.remove()

    return context


def number(claim_id: int) -> str:
    return db.session.get(Claim, claim_id).claim_number


def reviewer_of(claim_id: int) -> str | None:
    claim = db.session.get(Claim, claim_id)
    return claim.assigned_reviewer.username if claim.assigned_reviewer else None


def set_clock(claim_id: int, due, state: str) -> None:
    db.session.execute(sa.update(Claim).where(Claim.id == claim_id).values(
        sla_due_at=due, sla_status=state))
    db.session.commit()


# --- Reviewers' settings --------------------------------------------------------------------


def test_admin_sets_a_reviewers_capacity_and_range(data, admin_client):
    page = text(admin_client.get("/reviewers/add"))
    # Only committee members can be chosen.
    assert "Committee1 Test" in page and "Finance Test" not in page
    with data():
        committee1 = user("committee1").id
    response = submit_form(admin_client, "/reviewers/add", {
        "user": str(committee1), "active": "y", "capacity": "10",
        "min_amount": "1000.00", "max_amount": "50000.00"}, follow_redirects=True)
    assert response.status_code == 200
    with data():
        row = db.session.scalars(sa.select(ReviewerSetting)).one()
        assert (row.user_id, row.capacity, row.min_amount, row.max_amount) == (
            committee1, 10, 1000, 50000)
    listing = text(admin_client.get("/reviewers/list/"))
    assert "Committee1 Test" in listing and "50,000.00" in listing


def test_a_wrong_range_or_a_second_row_is_shown_and_nothing_is_saved(data, admin_client):
    with data():
        committee1, committee2 = user("committee1").id, user("committee2").id
        settings_for("committee2")
    response = submit_form(admin_client, "/reviewers/add", {
        "user": str(committee1), "active": "y", "min_amount": "5000.00",
        "max_amount": "100.00"})
    assert "The largest amount cannot be below the smallest." in text(response)
    response = submit_form(admin_client, "/reviewers/add", {
        "user": str(committee2), "active": "y"})
    assert "has reviewer settings already" in text(response)
    with data():
        assert db.session.scalar(sa.select(sa.func.count(ReviewerSetting.id))) == 1


def test_a_reviewer_reads_his_own_settings_only(data, client_for):
    with data():
        own = settings_for("committee1", capacity=7).id
        other = settings_for("committee2", capacity=3).id
    committee = client_for("committee1")
    assert committee.get(f"/reviewers/show/{own}").status_code == 200
    assert committee.get(f"/reviewers/show/{other}").status_code == 404
    listing = text(committee.get("/reviewers/list/"))
    assert "Committee1 Test" in listing and "Committee2 Test" not in listing
    assert committee.get("/reviewers/add").status_code == 403
    assert client_for("finance").get("/reviewers/list/").status_code == 403


# --- My queue -------------------------------------------------------------------------------


def test_my_queue_lists_my_open_claims_breached_first_then_at_risk_then_by_due_date(
        data, client_for):
    with data():
        now = utcnow()
        ids = [submitted() for _ in range(6)]  # committee1 and committee2 in turn
        late, others_claim, risky, _, later, _ = ids
        set_clock(late, now - DAY, "breached")
        set_clock(risky, now + 20 * DAY, "at_risk")
        set_clock(later, now + 10 * DAY, "on_track")
        set_clock(others_claim, now - 2 * DAY, "breached")
        numbers = {claim_id: number(claim_id) for claim_id in ids}
    queue = client_for("committee1")
    shown = CLAIM_NUMBER.findall(text(queue.get("/my-queue/list/")))
    assert shown == [numbers[late], numbers[risky], numbers[later]]
    # Its rows open the claim's own page.
    response = queue.get(f"/my-queue/show/{late}")
    assert response.status_code == 302 and f"/claims/show/{late}" in response.headers["Location"]


def test_a_decided_claim_leaves_the_queue(data, client_for):
    with data():
        claim_id = submitted()
        claim_number = number(claim_id)
    queue = client_for("committee1")
    assert claim_number in text(queue.get("/my-queue/list/"))
    with data():
        perform(claim_id, "start_review", user("committee1"))
        perform(claim_id, "reject", user("committee1"), reason="Not covered")
    assert claim_number not in text(queue.get("/my-queue/list/"))


def test_only_reviewers_have_a_queue(client_for):
    for username in ("finance", "auditor", "member1"):
        assert client_for(username).get("/my-queue/list/").status_code == 403, username


# --- Reassignment ---------------------------------------------------------------------------


def test_reassign_from_the_claims_page(data, committee_client):
    with data():
        claim_id = submitted()  # committee1's
        version = db.session.get(Claim, claim_id).version
        committee2 = user("committee2").id
    url = f"/claims/transition/{claim_id}/reassign"
    assert url in text(committee_client.get(f"/claims/show/{claim_id}"))
    assert "Committee2 Test (0 open of 25)" in text(committee_client.get(url))
    page = text(submit_form(committee_client, url, {
        "version": version, "reviewer_id": str(committee2), "reason": "Back from leave"},
        follow_redirects=True))
    assert "Reassign: claim" in page and "is now submitted" in page
    with data():
        assert reviewer_of(claim_id) == "committee2"


def test_a_refused_reviewer_is_named_at_the_field(data, committee_client):
    with data():
        claim_id = submitted()
        settings_for("committee2", active=False)
        version = db.session.get(Claim, claim_id).version
        committee2 = user("committee2").id
    url = f"/claims/transition/{claim_id}/reassign"
    page = text(submit_form(committee_client, url, {
        "version": version, "reviewer_id": str(committee2)}))
    assert "is not reviewing claims now (inactive in the reviewer settings)" in page
    with data():
        assert reviewer_of(claim_id) == "committee1"


def test_bulk_reassign_asks_for_the_reviewer_once(data, committee_client):
    with data():
        ids = [submitted() for _ in range(3)]  # committee1, committee2, committee1
        own = draft(new_member(user_id=user("committee2").id))
        perform(own, "submit", user("committee1"), received_on=utcnow().date(),
                declaration=True)
        committee2 = user("committee2").id
    selected = [*ids, own]
    token = csrf_token(committee_client, "/claims/list/")
    response = committee_client.post("/claims/action_post", data={
        "csrf_token": token, "action": "bulk_reassign", "rowid": [str(i) for i in selected]})
    assert response.status_code == 302
    form_url = response.headers["Location"]
    assert "/claims/transition/bulk/reassign" in form_url
    assert "Reviewer" in text(committee_client.get(form_url))
    page = text(submit_form(committee_client, form_url, {
        "ids": ",".join(str(i) for i in selected), "reviewer_id": str(committee2)}))
    assert "already" in page and "he or his dependant is its member or patient" in page
    with data():
        assert {reviewer_of(i) for i in ids} == {"committee2"}
        assert reviewer_of(own) == "committee1"


# --- Trustee review, claims list ------------------------------------------------------------


def test_second_appeals_are_listed_for_admin(data, admin_client, client_for):
    with data():
        claim_id, other = submitted(), submitted()
        claim = db.session.get(Claim, claim_id)
        claim.status, claim.appeal_count = "trustee_review", 2
        db.session.commit()
        numbers = number(claim_id), number(other)
    page = text(admin_client.get("/trustee-review/list/"))
    assert numbers[0] in page and numbers[1] not in page
    assert client_for("committee1").get("/trustee-review/list/").status_code == 403


def test_the_claims_list_sorts_and_filters_by_sla(data, committee_client):
    with data():
        now = utcnow()
        ids = [submitted() for _ in range(3)]
        for claim_id, due, state in zip(ids, (now + 20 * DAY, now - DAY, now + 3 * DAY),
                                        ("on_track", "breached", "at_risk"), strict=True):
            set_clock(claim_id, due, state)
        on_track, breached, at_risk = (number(i) for i in ids)
    page = text(committee_client.get(
        "/claims/list/?_oc_ClaimView=sla_due_at&_od_ClaimView=asc"))
    assert CLAIM_NUMBER.findall(page) == [breached, at_risk, on_track]
    page = text(committee_client.get("/claims/list/?_flt_0_sla_status=breached"))
    assert CLAIM_NUMBER.findall(page) == [breached]
    assert "_oc_ClaimView=sla_due_at" in page and REVIEWER_CELL.search(page)


def test_a_member_sees_no_review_columns(data, client_for):
    with data():
        member_login = user("member1")
        claim_id = draft(new_member(user_id=member_login.id))
        perform(claim_id, "submit", member_login, declaration=True)
        claim_number = number(claim_id)
    page = text(client_for("member1").get("/claims/list/"))
    assert claim_number in page
    assert "_oc_ClaimView=sla_due_at" not in page and not REVIEWER_CELL.search(page)
