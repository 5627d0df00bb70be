"""Dependents from the member's side and the committee's: added pending, changed while pending,
removal asked by the member, confirmation against the cover rules (single and bulk), removal
with a reason; over the web screens and REST."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest
from flask import Flask

from app.extensions import db
from app.models import AuditEvent, Dependent
from tests import factories
from tests.audit_support import workflow_events
from tests.helpers import csrf_token
from tests.integration.web_support import text

_HIDDEN = re.compile(r'<input[^>]*name="(csrf_token|version)"[^>]*>')
_VALUE = re.compile(r'value="([^"]*)"')


@pytest.fixture
def fund(app: Flask) -> SimpleNamespace:
    with app.app_context():
        family = factories.membership_type("family", child_age_limit=18)
        single = factories.membership_type("single")  # the member only
        member = factories.member(user_id=factories.user_id("member1"), membership_type=family)
        alone = factories.member(user_id=factories.user_id("member2"), membership_type=single)
        child = factories.dependent(member, first_name="Baraka", status="pending").id
        adult = factories.dependent(member, first_name="Zawadi", status="pending",
                                    date_of_birth=date(2000, 1, 1)).id
        spouse = factories.dependent(alone, "spouse", first_name="Neema", status="pending").id
        db.session.commit()
        return SimpleNamespace(app=app, member=member.id, child=child, adult=adult,
                               spouse=spouse)


def state(app: Flask, pk: int) -> Dependent:
    with app.app_context():
        dependent = db.session.get(Dependent, pk)
        db.session.expunge(dependent)
        return dependent


def audit_actions(app: Flask, pk: int) -> list[str]:
    with app.app_context():
        return [e.action for e in db.session.query(AuditEvent).filter_by(
            resource_type="dependent", resource_id=str(pk)).filter(workflow_events())
            .order_by(AuditEvent.id)]


def buttons(client, pk: int) -> set[str]:
    html = text(client.get(f"/dependents/show/{pk}"))
    return set(re.findall(r"/dependents/transition/%d/(\w+)" % pk, html))


def press(client, pk: int, action: str, data: dict | None = None, page: str | None = None):
    url = f"/dependents/transition/{pk}/{action}"
    html = text(client.get(page or url))
    hidden = {}
    for tag in _HIDDEN.finditer(html):
        hidden.setdefault(tag.group(1), _VALUE.search(tag.group(0)).group(1))
    assert set(hidden) == {"csrf_token", "version"}, f"no form for {action}"
    return client.post(url, data={**hidden, **(data or {})}, follow_redirects=True)


def test_member_adds_a_dependent_who_stays_pending(fund, member_client, api_headers, client):
    token = csrf_token(member_client, "/dependents/add")
    member_client.post("/dependents/add", data={
        "csrf_token": token, "member": str(fund.member), "first_name": "Imani",
        "last_name": "Otieno", "relationship_type": "spouse", "date_of_birth": "1985-02-03",
        "status": "active"}, follow_redirects=True)
    with fund.app.app_context():
        added = db.session.query(Dependent).filter_by(first_name="Imani").one()
        assert added.status == "pending"
    answer = client.post("/api/v1/dependent/", headers=api_headers("member1"), json={
        "member": fund.member, "first_name": "Amani", "last_name": "Otieno",
        "relationship_type": "child", "date_of_birth": "2019-06-01", "status": "active"})
    assert answer.status_code in (400, 422)  # the status is not his to set
    answer = client.post("/api/v1/dependent/", headers=api_headers("member1"), json={
        "member": fund.member, "first_name": "Amani", "last_name": "Otieno",
        "relationship_type": "child", "date_of_birth": "2019-06-01"})
    assert answer.status_code == 201 and answer.get_json()["result"]["status"] == "pending"


def test_committee_confirms_from_the_dependents_page(fund, committee_client, member_client):
    assert buttons(member_client, fund.child) == {"request_removal"}
    assert buttons(committee_client, fund.child) == {"confirm", "remove"}
    page = text(press(committee_client, fund.child, "confirm",
                      page=f"/dependents/show/{fund.child}"))
    assert "Confirm: Dependent Baraka" in page and "is now active." in page
    assert state(fund.app, fund.child).confirmed_at is not None
    assert audit_actions(fund.app, fund.child) == ["dependent.confirm"]


def test_confirmation_checks_the_cover_rules(fund, committee_client):
    page = text(press(committee_client, fund.adult, "confirm",
                      page=f"/dependents/show/{fund.adult}"))
    assert "A child must be under 18 to be covered." in page
    page = text(press(committee_client, fund.spouse, "confirm",
                      page=f"/dependents/show/{fund.spouse}"))
    assert "membership does not cover a spouse." in page
    assert state(fund.app, fund.adult).status == state(fund.app, fund.spouse).status == "pending"
    assert audit_actions(fund.app, fund.adult) == []


def test_member_asks_for_removal_and_committee_removes(fund, member_client, committee_client):
    page = text(press(member_client, fund.child, "request_removal",
                      {"reason": "Moved to his mother's cover"}))
    assert "is now pending" in page
    assert state(fund.app, fund.child).removal_requested_at is not None
    assert member_client.get(f"/dependents/transition/{fund.child}/remove").status_code == 403
    assert "Write a reason." in text(press(committee_client, fund.child, "remove",
                                           {"reason": ""}))
    page = text(press(committee_client, fund.child, "remove", {"reason": "As asked"}))
    assert "is now removed" in page
    removed = state(fund.app, fund.child)
    assert (removed.status, removed.removal_reason) == ("removed", "As asked")
    assert audit_actions(fund.app, fund.child) == ["dependent.request_removal",
                                                  "dependent.remove"]


def test_member_changes_a_pending_dependent_only(fund, client, api_headers, member_client):
    headers = api_headers("member1")
    ok = client.put(f"/api/v1/dependent/{fund.child}", json={"first_name": "Barack"},
                    headers=headers)
    assert ok.status_code == 200
    client.post(f"/api/v1/dependent/{fund.child}/transition", headers=api_headers("admin"),
                json={"action": "confirm", "version": ok.get_json()["result"]["version"]})
    refused = client.put(f"/api/v1/dependent/{fund.child}", json={"first_name": "B"},
                         headers=headers)
    assert refused.status_code == 409 and "is active" in refused.get_json()["message"]
    token = csrf_token(member_client, f"/dependents/edit/{fund.child}")
    page = text(member_client.post(f"/dependents/edit/{fund.child}", data={
        "csrf_token": token, "member": str(fund.member), "first_name": "B",
        "last_name": "Otieno", "relationship_type": "child", "date_of_birth": "2015-03-01"},
        follow_redirects=True))
    assert "ask the fund to change a confirmed dependent" in page
    assert state(fund.app, fund.child).first_name == "Barack"


def test_bulk_confirm_and_remove_from_the_list(fund, committee_client, member_client):
    ids = [fund.child, fund.adult]
    token = csrf_token(committee_client, "/dependents/list/")
    assert member_client.post("/dependents/action_post", data={
        "csrf_token": csrf_token(member_client, "/dependents/list/"), "action": "bulk_confirm",
        "rowid": [str(i) for i in ids]}).status_code == 403
    page = text(committee_client.post("/dependents/action_post", data={
        "csrf_token": token, "action": "bulk_confirm", "rowid": [str(i) for i in ids]}))
    assert "1 done, 1 refused." in page and "A child must be under 18" in page
    assert state(fund.app, fund.child).status == "active"
    url = f"/dependents/transition/bulk/remove?ids={fund.child},{fund.adult}"
    page = text(committee_client.post(url, data={"csrf_token": token, "ids": f"{fund.child},"
                                                 f"{fund.adult}", "reason": "Left the family"}))
    assert "2 done, 0 refused." in page
    assert {state(fund.app, pk).status for pk in ids} == {"removed"}


def test_rest_transitions(fund, client, api_headers):
    def step(who: str, pk: int, **body):
        return client.post(f"/api/v1/dependent/{pk}/transition", headers=api_headers(who),
                           json={"version": state(fund.app, pk).version, **body})

    assert step("member1", fund.child, action="confirm").status_code == 403
    assert step("finance", fund.child, action="confirm").status_code == 403
    assert step("member2", fund.child, action="request_removal").status_code == 404
    refused = step("committee1", fund.adult, action="confirm")
    assert refused.status_code == 422
    assert refused.get_json()["message"] == {
        "date_of_birth": ["A child must be under 18 to be covered."]}
    done = step("committee1", fund.child, action="confirm")
    assert done.status_code == 200 and done.get_json()["result"]["status"] == "active"
    asked = step("member1", fund.child, action="request_removal")
    assert asked.status_code == 200
    assert asked.get_json()["result"]["removal_requested_at"] is not None
    assert step("member1", fund.child, action="request_removal").status_code == 409
    assert step("committee1", fund.child, action="remove").status_code == 422
    bulk = client.post("/api/v1/dependent/bulk_transition", headers=api_headers("committee1"),
                       json={"action": "remove", "ids": [fund.child, fund.spouse],
                             "reason": "Asked by the member"})
    assert bulk.status_code == 200
    assert [r["status"] for r in bulk.get_json()["result"]] == ["removed", "removed"]
    assert client.post("/api/v1/dependent/bulk_transition", headers=api_headers("member1"),
                       json={"action": "confirm", "ids": [fund.child]}).status_code == 403
