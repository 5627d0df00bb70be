"""Who may do what through REST: the SPEC's permission table and the Member role's own rows;
and the published OpenAPI document and Swagger UI."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Claim, ClaimItem, Dependent, Provider
from tests import factories

LAST_WEEK = (date.today() - timedelta(days=7)).isoformat()
RESOURCES = ("claim", "claimitem", "chronicrequest", "member", "dependent", "membershiptype",
             "benefitcategory", "scaleitem", "provider", "setting", "auditevent")


@pytest.fixture
def world(app):
    """member1's own records and another member's, for the row rule."""
    with app.app_context():
        mine = factories.member(first_name="Own", user_id=factories.user_id("member1"))
        my_child = factories.dependent(mine, status="pending")
        other = factories.member(first_name="Other")
        other_child = factories.dependent(other)
        my_claim = factories.claim(of=mine)
        other_claim = factories.claim(of=other)
        db.session.add_all([
            AuditEvent(action="claim.submit", resource_type="claim", resource_id="1"),
            AuditEvent(action="user.login", resource_type="user", resource_id="1"),
        ])
        db.session.commit()
        ids = dict(mine=mine.id, other=other.id, my_child=my_child.id,
                   other_child=other_child.id, my_claim=my_claim.id,
                   other_claim=other_claim.id, my_item=my_claim.items[0].id,
                   other_item=other_claim.items[0].id, provider=my_claim.provider_id)
        db.session.remove()
    return ids


def rows(app, model) -> int:
    with app.app_context():
        n = db.session.scalar(sa.select(sa.func.count()).select_from(model))
        db.session.remove()
    return n


@pytest.mark.parametrize("username", ["finance", "auditor"])
def test_finance_and_auditor_read_but_cannot_write(app, client, api_headers, world, username):
    headers = api_headers(username)
    before = rows(app, Claim), rows(app, Provider), rows(app, Dependent)
    assert client.get("/api/v1/claim/", headers=headers).get_json()["count"] == 2
    attempts = [
        client.post("/api/v1/claim/", headers=headers, json={
            "member": world["mine"], "claim_type": "outpatient",
            "provider": world["provider"], "first_visit_date": LAST_WEEK}),
        client.put(f"/api/v1/claim/{world['my_claim']}", json={"diagnosis": "x"},
                   headers=headers),
        client.delete(f"/api/v1/claim/{world['my_claim']}", headers=headers),
        client.post("/api/v1/provider/", headers=headers, json={
            "name": "X", "provider_type": "clinic", "registration_code": "X-1"}),
        client.delete(f"/api/v1/dependent/{world['my_child']}", headers=headers),
    ]
    for answer in attempts:
        assert answer.status_code == 403 and answer.get_json() == {"message": "Forbidden"}
    assert (rows(app, Claim), rows(app, Provider), rows(app, Dependent)) == before


def test_finance_does_not_read_the_audit_trail(client, api_headers, world):
    assert client.get("/api/v1/auditevent/", headers=api_headers("finance")).status_code == 403


def test_committee_reads_only_the_claims_audit_trail(client, api_headers, world):
    from app.access import CLAIM_AUDIT_RESOURCES

    committee = client.get("/api/v1/auditevent/", headers=api_headers("committee1")).get_json()
    shown = {e["resource_type"] for e in committee["result"]}
    assert "claim" in shown and shown <= set(CLAIM_AUDIT_RESOURCES)  # no user.login
    auditor = client.get("/api/v1/auditevent/", headers=api_headers("auditor")).get_json()
    assert auditor["count"] == rows(client.application, AuditEvent)  # every event
    assert committee["count"] < auditor["count"]


def test_a_member_lists_only_his_records(client, api_headers, world):
    headers = api_headers("member1")
    expected = {
        "member": {world["mine"]},
        "dependent": {world["my_child"]},
        "claim": {world["my_claim"]},
        "claimitem": {world["my_item"]},
    }
    for resource, ids in expected.items():
        listed = client.get(f"/api/v1/{resource}/", headers=headers).get_json()
        assert set(listed["ids"]) == ids and listed["count"] == len(ids), resource
    for url in (f"/api/v1/claim/{world['other_claim']}", f"/api/v1/member/{world['other']}",
                f"/api/v1/claimitem/{world['other_item']}"):
        assert client.get(url, headers=headers).status_code == 404
    assert client.get("/api/v1/setting/", headers=headers).status_code == 403
    assert client.get("/api/v1/provider/", headers=headers).get_json()["count"] == 2


def test_info_offers_a_member_only_his_own_records(client, api_headers, world):
    q = json.dumps({"keys": ["add_columns"]})
    info = client.get("/api/v1/claim/_info", query_string={"q": q},
                      headers=api_headers("member1")).get_json()
    offered = {f["name"]: [v["id"] for v in f.get("values", [])] for f in info["add_columns"]}
    assert offered["member"] == [world["mine"]]
    # His child is still pending: no patient until confirmed (test_member_claim_form.py).
    assert offered["dependent"] == []


def test_a_member_cannot_write_for_another_member(app, client, api_headers, world):
    headers = api_headers("member1")
    before = rows(app, Claim), rows(app, ClaimItem), rows(app, Dependent)
    for_other = client.post("/api/v1/claim/", headers=headers, json={
        "member": world["other"], "claim_type": "outpatient", "provider": world["provider"],
        "first_visit_date": LAST_WEEK})
    assert for_other.status_code == 422
    assert for_other.get_json()["message"] == {
        "member": [f"There is no member with id {world['other']}."]}
    other_patient = client.post("/api/v1/claim/", headers=headers, json={
        "member": world["mine"], "dependent": world["other_child"], "claim_type": "outpatient",
        "provider": world["provider"], "first_visit_date": LAST_WEEK})
    assert other_patient.status_code == 422
    item_on_other = client.post("/api/v1/claimitem/", headers=headers, json={
        "claim": world["other_claim"], "description": "X", "quantity": 1, "unit_cost": "5"})
    assert item_on_other.status_code == 422
    assert client.put(f"/api/v1/claim/{world['other_claim']}", json={"diagnosis": "x"},
                      headers=headers).status_code == 404
    assert (rows(app, Claim), rows(app, ClaimItem), rows(app, Dependent)) == before


def test_a_member_writes_his_draft_claim_but_not_the_received_date(app, client, api_headers,
                                                                    world):
    headers = api_headers("member1")
    backdated = client.post("/api/v1/claim/", headers=headers, json={
        "member": world["mine"], "claim_type": "outpatient", "provider": world["provider"],
        "first_visit_date": LAST_WEEK, "received_on": LAST_WEEK})
    assert backdated.status_code == 422
    assert backdated.get_json()["message"] == {
        "received_on": ["Only the fund's staff can set this."]}
    created = client.post("/api/v1/claim/", headers=headers, json={
        "member": world["mine"], "claim_type": "outpatient", "provider": world["provider"],
        "first_visit_date": LAST_WEEK})
    assert created.status_code == 201
    assert client.delete(f"/api/v1/claim/{created.get_json()['id']}",
                         headers=headers).status_code == 403


def test_a_member_changes_only_pending_dependents(app, client, api_headers, world):
    headers = api_headers("member1")
    assert client.put(f"/api/v1/dependent/{world['my_child']}", json={"first_name": "Imani"},
                      headers=headers).status_code == 200
    with app.app_context():
        db.session.get(Dependent, world["my_child"]).status = "active"
        db.session.commit()
        db.session.remove()
    confirmed = client.put(f"/api/v1/dependent/{world['my_child']}",
                           json={"first_name": "Neema"}, headers=headers)
    assert confirmed.status_code == 409 and "ask the fund" in confirmed.get_json()["message"]
    by_staff = client.put(f"/api/v1/dependent/{world['my_child']}", json={"first_name": "Neema"},
                          headers=api_headers("committee1"))
    assert by_staff.status_code == 200


def test_the_openapi_document_lists_every_resource_truthfully(client, api_headers):
    spec = client.get("/api/v1/_openapi", headers=api_headers("auditor")).get_json()
    for resource in RESOURCES:
        assert f"/api/v1/{resource}/" in spec["paths"], resource
        assert f"/api/v1/{resource}/_info" in spec["paths"], resource
    schemas = spec["components"]["schemas"]
    assert schemas["ClaimApi.get"]["properties"]["total_claimed"]["type"] == "string"
    assert schemas["ClaimApi.post"]["properties"]["member"]["type"] == "integer"
    listing = spec["paths"]["/api/v1/claim/"]["get"]["responses"]["200"]
    ids = listing["content"]["application/json"]["schema"]["properties"]["ids"]
    assert ids["items"]["type"] == "integer"
    q = schemas["ClaimApi.list.q"]["properties"]
    assert "status" in q["filters"]["items"]["properties"]["col"]["enum"]
    unprocessable = spec["components"]["responses"]["Unprocessable"]
    message = unprocessable["content"]["application/json"]["schema"]["properties"]["message"]
    assert [alternative["type"] for alternative in message["anyOf"]] == ["string", "object"]
    assert "post" not in spec["paths"]["/api/v1/auditevent/"]


def test_swagger_ui_renders(admin_client):
    page = admin_client.get("/swagger/v1")
    assert page.status_code == 200 and "swagger" in page.get_data(as_text=True).lower()
    assert page.mimetype == "text/html"
