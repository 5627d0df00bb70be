"""The committee's decisions on chronic requests as users make them: buttons and forms on the
request's page, bulk actions on the list, REST transitions; each refusal with its message and
nothing changed."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from flask import Flask

from app.extensions import db
from app.models import AuditEvent, ChronicRequest
from tests import factories
from tests.audit_support import workflow_events
from tests.helpers import csrf_token
from tests.integration.web_support import text

TODAY = date.today()
FROM, TO = TODAY.isoformat(), (TODAY + timedelta(days=364)).isoformat()
_HIDDEN = re.compile(r'<input[^>]*name="(csrf_token|version)"[^>]*>')
_VALUE = re.compile(r'value="([^"]*)"')


@pytest.fixture
def fund(app: Flask) -> SimpleNamespace:
    with app.app_context():
        member = factories.member(user_id=factories.user_id("member1"))
        other = factories.member(user_id=factories.user_id("member2"))
        ids = [factories.chronic_request(member, condition=c, requested_monthly_amount=a).id
               for c, a in (("Asthma", "2500.00"), ("Hypertension", "4000.00"))]
        foreign = factories.chronic_request(other, condition="Epilepsy").id
        db.session.commit()
    return SimpleNamespace(app=app, ids=ids, foreign=foreign)


def state(app: Flask, pk: int) -> ChronicRequest:
    with app.app_context():
        request = db.session.get(ChronicRequest, pk)
        db.session.expunge(request)
        return request


def audit_actions(app: Flask, pk: int) -> list[str]:
    with app.app_context():
        return [e.action for e in db.session.query(AuditEvent).filter_by(
            resource_type="chronicrequest", resource_id=str(pk)).filter(workflow_events())
            .order_by(AuditEvent.id)]


def press(client, pk: int, action: str, data: dict):
    """Open the step's page and post it with the hidden fields it carries, as a browser does."""
    url = f"/chronic-requests/transition/{pk}/{action}"
    html = text(client.get(url))
    hidden = {m.group(1): _VALUE.search(m.group(0)).group(1) for m in _HIDDEN.finditer(html)}
    assert set(hidden) == {"csrf_token", "version"}, f"no form for {action}"
    return client.post(url, data={**hidden, **data}, follow_redirects=True)


def buttons(client, pk: int) -> set[str]:
    html = text(client.get(f"/chronic-requests/show/{pk}"))
    return set(re.findall(r"/chronic-requests/transition/%d/(\w+)" % pk, html))


def test_committee_approves_from_the_requests_page(fund, committee_client, member_client):
    pk = fund.ids[0]
    assert buttons(committee_client, pk) == {"approve", "reject"}
    assert buttons(member_client, pk) == set()  # members see the request, not the decisions
    page = text(press(committee_client, pk, "approve",
                      {"amount": "2250.00", "valid_from": FROM, "valid_to": TO}))
    assert f"Approve: Chronic request #{pk} (Asthma) is now approved." in page
    request = state(fund.app, pk)
    assert (request.status, request.approved_monthly_amount) == ("approved", D("2250.00"))
    assert request.valid_to == TODAY + timedelta(days=364)
    assert audit_actions(fund.app, pk) == ["chronicrequest.approve"]
    assert buttons(committee_client, pk) == set()


@pytest.mark.parametrize(("data", "message"), [
    ({"amount": "0", "valid_from": FROM, "valid_to": TO}, "must be above 0"),
    ({"amount": "12.345", "valid_from": FROM, "valid_to": TO}, "Use at most 2 decimal places."),
    ({"amount": "100", "valid_from": TO, "valid_to": FROM}, "cannot be before its start"),
    ({"amount": "100"}, "Enter the first day the approval covers."),
])
def test_a_refused_approval_shows_the_fields_problem(fund, committee_client, data, message):
    pk = fund.ids[0]
    response = press(committee_client, pk, "approve", data)
    assert response.status_code == 200 and message in text(response)
    assert state(fund.app, pk).status == "pending" and audit_actions(fund.app, pk) == []


def test_reject_needs_a_reason_and_decided_requests_stay_decided(fund, committee_client):
    pk = fund.ids[1]
    assert "Write a reason." in text(press(committee_client, pk, "reject", {"reason": ""}))
    assert state(fund.app, pk).status == "pending"
    page = text(press(committee_client, pk, "reject", {"reason": "No specialist's report"}))
    assert "is now rejected" in page
    assert state(fund.app, pk).decision_reason == "No specialist's report"
    # An outdated page posting again is refused with the state's message.
    token = csrf_token(committee_client, "/chronic-requests/list/")
    page = text(committee_client.post(f"/chronic-requests/transition/{pk}/approve", data={
        "csrf_token": token, "version": state(fund.app, pk).version, "amount": "10",
        "valid_from": FROM, "valid_to": TO}, follow_redirects=True))
    assert "is rejected: it cannot be approved now" in page
    assert state(fund.app, pk).status == "rejected"


def test_members_and_readers_cannot_decide(fund, client_for):
    pk = fund.ids[0]
    for name in ("member1", "finance", "auditor"):
        assert client_for(name).get(f"/chronic-requests/transition/{pk}/approve").status_code \
            == 403
    assert client_for("committee1").get(
        f"/chronic-requests/transition/{fund.foreign}/nonsense").status_code == 404
    assert state(fund.app, pk).status == "pending"


def run_action(client, action: str, ids: list[int]):
    token = csrf_token(client, "/chronic-requests/list/")
    return client.post("/chronic-requests/action_post", data={
        "csrf_token": token, "action": action, "rowid": [str(i) for i in ids]},
        follow_redirects=True)


def results(html: str) -> list[tuple[str, str]]:
    rows = re.findall(r'<tr class="(success|danger)">(.*?)</tr>', html, re.S)
    return [(re.sub(r"<[^>]+>", "", re.findall(r"<td>(.*?)</td>", row, re.S)[0]).strip(), kind)
            for kind, row in rows]


def test_bulk_approval_with_one_validity(fund, committee_client):
    first, second = fund.ids
    press(committee_client, second, "reject", {"reason": "Duplicate request"})
    page = text(run_action(committee_client, "bulk_approve", [first, second]))
    assert "2 selected" in page and "Valid from" in page
    form_page = f"/chronic-requests/transition/bulk/approve?ids={first},{second}"
    token = csrf_token(committee_client, form_page)
    page = text(committee_client.post("/chronic-requests/transition/bulk/approve", data={
        "csrf_token": token, "ids": f"{first},{second}", "valid_from": FROM, "valid_to": TO}))
    assert "1 done, 1 refused." in page
    assert results(page) == [(f"Chronic request #{first} (Asthma)", "success"),
                             (f"Chronic request #{second} (Hypertension)", "danger")]
    assert "is rejected: it cannot be approved now" in page
    assert state(fund.app, first).approved_monthly_amount == D("2500.00")  # as requested
    assert state(fund.app, second).status == "rejected"


def test_bulk_reject_asks_one_reason(fund, committee_client, member_client):
    ids = fund.ids
    assert run_action(member_client, "bulk_reject", ids).status_code == 403
    page = text(run_action(committee_client, "bulk_reject", ids))
    token = csrf_token(committee_client, "/chronic-requests/list/")
    url = "/chronic-requests/transition/bulk/reject"
    page = text(committee_client.post(url, data={"csrf_token": token,
                                                 "ids": ",".join(map(str, ids)), "reason": ""}))
    assert "Write a reason." in page
    assert {state(fund.app, pk).status for pk in ids} == {"pending"}
    page = text(committee_client.post(url, data={"csrf_token": token,
                                                 "ids": ",".join(map(str, ids)),
                                                 "reason": "Not a chronic condition"}))
    assert "2 done, 0 refused." in page
    assert {state(fund.app, pk).status for pk in ids} == {"rejected"}


def api(client, headers, path: str, body: dict):
    return client.post(f"/api/v1/chronicrequest/{path}", json=body, headers=headers)


def test_rest_transitions(fund, client, api_headers):
    committee, member = api_headers("committee1"), api_headers("member1")
    pk = fund.ids[0]
    body = {"action": "approve", "version": 1, "amount": "1800.00",
            "valid_from": FROM, "valid_to": TO}
    assert api(client, member, f"{pk}/transition", body).status_code == 403
    bad = api(client, committee, f"{pk}/transition", {**body, "amount": "0"})
    assert bad.status_code == 422
    assert bad.get_json()["message"] == {"amount": ["The approved monthly amount must be above 0."]}
    assert api(client, committee, f"{pk}/transition", {**body, "colour": "red"}).status_code == 400
    assert api(client, committee, f"{pk}/transition", {**body, "version": 7}).status_code == 409
    assert api(client, committee, f"{fund.foreign + 1000}/transition", body).status_code == 404
    assert state(fund.app, pk).status == "pending"
    done = api(client, committee, f"{pk}/transition", body)
    assert done.status_code == 200, done.get_json()
    result = done.get_json()["result"]
    assert (result["status"], result["approved_monthly_amount"], result["version"]) == (
        "approved", "1800.00", 2)
    again = api(client, committee, f"{pk}/transition", {**body, "version": 2})
    assert again.status_code == 409 and "is approved" in again.get_json()["message"]


def test_rest_bulk_transition(fund, client, api_headers):
    ids = [*fund.ids, 999999]
    body = {"action": "reject", "ids": ids, "reason": "Incomplete"}
    assert api(client, api_headers("member1"), "bulk_transition", body).status_code == 403
    answer = api(client, api_headers("committee1"), "bulk_transition", body)
    assert answer.status_code == 200
    data = answer.get_json()
    assert (data["done"], data["refused"]) == (2, 1)
    assert [(r["ok"], r["status"]) for r in data["result"]] == [
        (True, "rejected"), (True, "rejected"), (False, None)]
    assert data["result"][2]["name"] is None
    amount = api(client, api_headers("committee1"), "bulk_transition",
                 {"action": "approve", "ids": ids, "amount": "5"})
    assert amount.status_code == 400  # bulk approval takes each request's own amount


def test_member_edits_only_a_pending_request(fund, client, api_headers):
    member = api_headers("member1")
    pk = fund.ids[0]
    changed = client.put(f"/api/v1/chronicrequest/{pk}", json={"condition": "Severe asthma"},
                         headers=member)
    assert changed.status_code == 200
    api(client, api_headers("committee1"), f"{pk}/transition",
        {"action": "reject", "version": changed.get_json()["result"]["version"], "reason": "x"})
    refused = client.put(f"/api/v1/chronicrequest/{pk}", json={"condition": "Asthma"},
                         headers=member)
    assert refused.status_code == 409
    assert "only a pending request can be changed" in refused.get_json()["message"]
    assert state(fund.app, pk).condition == "Severe asthma"


def test_a_decided_request_cannot_be_edited_on_its_page(fund, committee_client):
    pk = fund.ids[0]
    press(committee_client, pk, "reject", {"reason": "No evidence"})
    token = csrf_token(committee_client, f"/chronic-requests/edit/{pk}")
    page = text(committee_client.post(f"/chronic-requests/edit/{pk}", data={
        "csrf_token": token, "member": str(state(fund.app, pk).member_id),
        "condition": "Changed", "doctor_name": "Dr X", "requested_monthly_amount": "100.00"},
        follow_redirects=True))
    assert "only a pending request can be changed" in page
    assert state(fund.app, pk).condition == "Asthma"


def test_the_expiry_command(fund, committee_client):
    pk = fund.ids[0]
    past = (TODAY - timedelta(days=30)).isoformat(), (TODAY - timedelta(days=1)).isoformat()
    press(committee_client, pk, "approve",
          {"amount": "100", "valid_from": past[0], "valid_to": past[1]})
    runner = fund.app.test_cli_runner()
    first = runner.invoke(args=["claimdesk", "expire-chronic"])
    assert first.exit_code == 0
    assert f"Expired chronic request #{pk}" in first.output
    assert "1 chronic request(s) expired." in first.output
    again = runner.invoke(args=["claimdesk", "expire-chronic"])
    assert "0 chronic request(s) expired." in again.output
    assert state(fund.app, pk).status == "expired"
    assert audit_actions(fund.app, pk) == ["chronicrequest.approve", "chronicrequest.expire"]
