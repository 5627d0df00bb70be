"""Create, read, update, delete of every resource through REST with a JWT, and list paging,
filtering and ordering."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    BenefitCategory,
    ChronicRequest,
    Claim,
    ClaimItem,
    Dependent,
    Member,
    MembershipType,
    Provider,
    ScaleItem,
    Setting,
)
from tests import factories

LAST_WEEK = (date.today() - timedelta(days=7)).isoformat()


@pytest.fixture
def refs(app):
    """Ids of the records the payloads below refer to."""
    with app.app_context():
        family = factories.membership_type("family")
        general = factories.benefit_category("general")
        scale = factories.scale_item("GP_CONSULT", benefit_category=general)
        provider = factories.provider()
        member = factories.member(membership_type=family)
        claim = factories.claim(of=member, provider=provider, items=0)
        db.session.commit()
        ids = dict(family=family.id, general=general.id, scale=scale.id, provider=provider.id,
                   member=member.id, claim=claim.id)
        db.session.remove()
    return ids


# resource -> (model, payload to create, change to make, field and value the change shows)
CASES = {
    "membershiptype": (MembershipType, lambda r: {
        "key": "joint", "name": "Joint", "contribution": "4000.00", "term_years": 2,
        "follows_fund_cycle": True, "covers": "member_spouse"},
        {"contribution": 4500.5}, ("contribution", "4500.50")),
    "benefitcategory": (BenefitCategory, lambda r: {
        "key": "optical", "name": "Optical", "annual_limit": "30000.00"},
        {"annual_limit": "35000"}, ("annual_limit", "35000.00")),
    "scaleitem": (ScaleItem, lambda r: {
        "code": "XRAY", "description": "X-ray", "benefit_category": r["general"],
        "claim_types": "outpatient|inpatient", "unit": "item", "rate_percent": "80",
        "effective_from": "2024-01-01"},
        {"fee_cap": "2500.00"}, ("fee_cap", "2500.00")),
    "provider": (Provider, lambda r: {
        "name": "Aga Khan Hospital", "provider_type": "hospital",
        "registration_code": "AKH-001", "country": "KE"},
        {"active": False}, ("active", False)),
    "setting": (Setting, lambda r: {"key": "sla_decision_days", "value": "30",
                                    "value_type": "int"},
                {"value": "45"}, ("value", "45")),
    "member": (Member, lambda r: {
        "first_name": "Wanjiku", "last_name": "Kamau", "date_of_birth": "1985-02-03",
        "membership_type": r["family"], "contribution_receipt_date": "2025-04-14"},
        {"phone": "+254700000001"}, ("phone", "+254700000001")),
    "dependent": (Dependent, lambda r: {
        "member": r["member"], "first_name": "Zawadi", "last_name": "Kamau",
        "relationship_type": "child", "date_of_birth": "2016-01-01"},
        {"first_name": "Zawadi Njeri"}, ("first_name", "Zawadi Njeri")),
    "claim": (Claim, lambda r: {
        "member": r["member"], "claim_type": "outpatient", "provider": r["provider"],
        "first_visit_date": LAST_WEEK},
        {"diagnosis": "Malaria"}, ("diagnosis", "Malaria")),
    "claimitem": (ClaimItem, lambda r: {
        "claim": r["claim"], "scale_item": r["scale"], "description": "Consultation",
        "quantity": 2, "unit_cost": "1500.00", "receipt_number": "R-0001"},
        {"quantity": 3}, ("claimed_amount", "4500.00")),
    "chronicrequest": (ChronicRequest, lambda r: {
        "member": r["member"], "condition": "Diabetes", "doctor_name": "Dr. Achieng",
        "requested_monthly_amount": "3000.00"},
        {"condition": "Type 2 diabetes"}, ("condition", "Type 2 diabetes")),
}


def count(app, model) -> int:
    with app.app_context():
        n = db.session.scalar(sa.select(sa.func.count()).select_from(model))
        db.session.remove()
    return n


@pytest.mark.parametrize("resource", list(CASES))
def test_create_read_update_delete(app, client, api_headers, refs, resource):
    model, payload, change, (field, shown) = CASES[resource]
    headers = api_headers("admin")
    url = f"/api/v1/{resource}/"
    before = count(app, model)

    created = client.post(url, json=payload(refs), headers=headers)
    assert created.status_code == 201, created.get_json()
    new_id = created.get_json()["id"]
    assert isinstance(new_id, int) and created.get_json()["result"]
    assert count(app, model) == before + 1

    shown_now = client.get(f"{url}{new_id}", headers=headers)
    assert shown_now.status_code == 200 and shown_now.get_json()["id"] == new_id

    changed = client.put(f"{url}{new_id}", json=change, headers=headers)
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["result"][field] == shown
    assert client.get(f"{url}{new_id}", headers=headers).get_json()["result"][field] == shown

    listed = client.get(url, headers=headers).get_json()
    assert new_id in listed["ids"] and listed["count"] == before + 1

    deleted = client.delete(f"{url}{new_id}", headers=headers)
    if resource == "chronicrequest":  # no role deletes a request (SPEC: Admin rw t)
        assert deleted.status_code == 405 and "message" in deleted.get_json()
        return
    assert deleted.status_code == 200 and deleted.get_json() == {"message": "Deleted."}
    assert client.get(f"{url}{new_id}", headers=headers).status_code == 404
    assert count(app, model) == before


def test_derived_fields_are_filled_and_read_only(client, api_headers, refs):
    headers = api_headers("admin")
    claim = client.post("/api/v1/claim/", headers=headers, json={
        "member": refs["member"], "claim_type": "outpatient", "provider": refs["provider"],
        "first_visit_date": LAST_WEEK}).get_json()["result"]
    assert claim["claim_number"].startswith("CLM-") and claim["status"] == "draft"
    assert claim["treatment_date"] == LAST_WEEK and claim["total_claimed"] == "0.00"
    item = client.post("/api/v1/claimitem/", headers=headers, json={
        "claim": claim["id"], "description": "Consultation", "quantity": 2,
        "unit_cost": "1250.50"}).get_json()["result"]
    assert item["line_no"] == 1 and item["claimed_amount"] == "2501.00"
    shown = client.get(f"/api/v1/claim/{claim['id']}", headers=headers).get_json()["result"]
    assert shown["total_claimed"] == "2501.00"

    for field, value in (("status", "approved"), ("total_claimed", "1.00"),
                         ("claim_number", "CLM-X"), ("version", 9)):
        refused = client.put(f"/api/v1/claim/{claim['id']}", json={field: value},
                             headers=headers)
        assert refused.status_code == 422
        assert refused.get_json()["message"] == {field: ["Unknown field."]}


def test_member_validity_is_derived_from_the_receipt(client, api_headers, refs):
    member = client.post("/api/v1/member/", headers=api_headers("admin"), json={
        "first_name": "Otieno", "last_name": "Odhiambo", "date_of_birth": "1979-09-09",
        "membership_type": refs["family"], "contribution_receipt_date": "2025-04-14",
    }).get_json()["result"]
    assert member["member_number"].startswith("M-") and member["status"] == "pending"
    assert member["valid_from"] == "2025-04-14" and member["valid_to"] == "2027-04-13"
    assert member["benefits_from"] == "2025-07-13"


@pytest.fixture
def providers(app):
    with app.app_context():
        for n in range(30):
            factories.provider(name=f"Clinic {n:02d}", provider_type="clinic",
                               active=n % 3 != 0)
        db.session.commit()
        db.session.remove()


def listing(client, headers, resource, **q):
    return client.get(f"/api/v1/{resource}/", query_string={"q": json.dumps(q)},
                      headers=headers)


def test_list_pages_orders_and_filters(client, api_headers, providers):
    headers = api_headers("finance")
    first = listing(client, headers, "provider").get_json()
    assert first["count"] == 30 and len(first["result"]) == 25  # default page size

    page = listing(client, headers, "provider", page=2, page_size=10,
                   order_column="name", order_direction="desc").get_json()
    assert [p["name"] for p in page["result"]] == [f"Clinic {n:02d}" for n in range(9, -1, -1)]

    inactive = listing(client, headers, "provider", filters=[
        {"col": "active", "opr": "eq", "value": False},
        {"col": "name", "opr": "sw", "value": "Clinic 1"}]).get_json()
    assert sorted(p["name"] for p in inactive["result"]) == ["Clinic 12", "Clinic 15",
                                                             "Clinic 18"]
    chosen = listing(client, headers, "provider", filters=[
        {"col": "name", "opr": "in", "value": ["Clinic 01", "Clinic 02", "Nowhere"]}]).get_json()
    assert chosen["count"] == 2


def test_filter_by_relation_and_date(client, api_headers, refs, app):
    with app.app_context():
        other = factories.member()
        factories.claim(of=other, first_visit_date=date(2025, 1, 5))
        db.session.commit()
        other_id = other.id
        db.session.remove()
    headers = api_headers("committee1")
    mine = listing(client, headers, "claim", filters=[
        {"col": "member", "opr": "rel_o_m", "value": other_id}]).get_json()
    assert mine["count"] == 1 and mine["result"][0]["member"]["id"] == other_id
    early = listing(client, headers, "claim", filters=[
        {"col": "treatment_date", "opr": "lt", "value": "2025-02-01"}]).get_json()
    assert early["count"] == 1


def test_page_size_is_capped_by_configuration(app, client, api_headers, providers):
    headers = api_headers("admin")
    limit = app.config["FAB_API_MAX_PAGE_SIZE"]
    assert listing(client, headers, "provider", page_size=limit).status_code == 200
    refused = listing(client, headers, "provider", page_size=limit + 1)
    assert refused.status_code == 400
    assert f"{limit + 1} is greater than the maximum of {limit}" in refused.get_json()["message"]


def test_unknown_order_or_filter_column_is_refused(client, api_headers):
    headers = api_headers("admin")
    for q in ({"order_column": "secret"}, {"filters": [{"col": "x", "opr": "eq", "value": 1}]},
              {"filters": [{"col": "name", "opr": "gt", "value": "a"}]}):
        answer = listing(client, headers, "provider", **q)
        assert answer.status_code == 400, q
        assert isinstance(answer.get_json()["message"], str)
