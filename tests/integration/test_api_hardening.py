"""Bad input gets the right 4xx with a JSON message, and writes nothing (rows counted)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_jwt_extended import create_access_token
from werkzeug.exceptions import InternalServerError, TooManyRequests

from app.extensions import db
from app.models import Claim, ClaimItem, Dependent, Member, MembershipType, Provider
from tests import factories

RESOURCES = ("claim", "claimitem", "chronicrequest", "member", "dependent", "membershiptype",
             "benefitcategory", "scaleitem", "provider", "setting", "auditevent")
WRITABLE = RESOURCES[:-1]
TOMORROW = (date.today() + timedelta(days=1)).isoformat()
LAST_WEEK = (date.today() - timedelta(days=7)).isoformat()
HUGE_ID = 2**63 + 5


def rows(app, *models) -> tuple[int, ...]:
    with app.app_context():
        counts = tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                       for m in models)
        db.session.remove()
    return counts


@pytest.fixture
def refs(app):
    with app.app_context():
        member = factories.member()
        claim = factories.claim(of=member, items=1)
        db.session.commit()
        ids = dict(member=member.id, provider=claim.provider_id, claim=claim.id,
                   item=claim.items[0].id, family=member.membership_type_id)
        db.session.remove()
    return ids


@pytest.fixture
def admin(api_headers):
    return api_headers("admin")


def message(response):
    assert response.is_json, response.get_data(as_text=True)[:200]
    return response.get_json()["message"]


@pytest.mark.parametrize("resource", WRITABLE)
def test_malformed_or_non_object_json_is_a_400(app, client, admin, refs, resource):
    before = rows(app, Claim, ClaimItem, Member)
    for body in ('{"name": ', "[1, 2]", '"text"', "[" * 5000):
        answer = client.post(f"/api/v1/{resource}/", data=body, headers=admin,
                             content_type="application/json")
        assert answer.status_code == 400, body[:20]
        assert isinstance(message(answer), str)
    not_json = client.post(f"/api/v1/{resource}/", data="name=x", headers=admin)
    assert not_json.status_code == 400 and "JSON" in message(not_json)
    assert rows(app, Claim, ClaimItem, Member) == before


def test_text_no_database_can_store_is_a_400(app, client, admin, refs):
    """A lone surrogate ("\\ud800") is valid JSON but not text: the drivers fail on it."""
    before = rows(app, Claim, ClaimItem, Provider)
    lone = '"bad \\ud800 name"'
    bodies = {"/api/v1/provider/": '{"name": %s}' % lone,
              f"/api/v1/claim/{refs['claim']}/transition":
                  '{"action": "withdraw", "version": 1, "reason": %s}' % lone}
    for url, body in bodies.items():
        answer = client.post(url, data=body, headers=admin, content_type="application/json")
        assert answer.status_code == 400, url
        assert message(answer) == "The body holds a character that is not valid text."
    q = '{"filters": [{"col": "name", "opr": "ct", "value": %s}]}' % lone
    answer = client.get("/api/v1/provider/", query_string={"q": q}, headers=admin)
    assert answer.status_code == 400
    assert message(answer) == "The q argument holds a character that is not valid text."
    assert rows(app, Claim, ClaimItem, Provider) == before


@pytest.mark.parametrize("resource", RESOURCES)
def test_ids_that_cannot_name_a_record_are_404(client, admin, resource):
    for pk in (HUGE_ID, "abc", "1.5", "-1", "0"):
        for method in (("get",) if resource == "auditevent" else ("get", "put", "delete")):
            if resource == "chronicrequest" and method == "delete":
                continue
            answer = getattr(client, method)(f"/api/v1/{resource}/{pk}", json={}, headers=admin)
            assert answer.status_code == 404, (method, pk)
            assert message(answer) == "Not found"


@pytest.mark.parametrize("resource", RESOURCES)
def test_malformed_q_is_a_400(client, admin, resource):
    for q in ("1.55e+136", "(((", "{" * 3000, "(page:-1)", "(page_size:'x')", "(bogus:1)",
              json.dumps({"filters": [{"col": "id", "opr": "eq"}]})):
        for url in (f"/api/v1/{resource}/", f"/api/v1/{resource}/_info"):
            answer = client.get(url, query_string={"q": q}, headers=admin)
            assert answer.status_code == 400, (url, q)
            assert isinstance(message(answer), str)


def test_filter_values_of_the_wrong_type_are_a_400(client, admin, refs):
    for col, opr, value in (("treatment_date", "gt", "not a date"),
                            ("treatment_date", "eq", 20240101),
                            ("claim_number", "ct", 5),
                            ("claim_number", "in", "CLM"),
                            ("total_claimed", "gt", "lots"),
                            ("member", "rel_o_m", HUGE_ID),
                            ("member", "rel_o_m", "one"),
                            ("critical_illness", "eq", "yes"),
                            ("claim_number", "eq", "a\x00b")):
        q = json.dumps({"filters": [{"col": col, "opr": opr, "value": value}]})
        answer = client.get("/api/v1/claim/", query_string={"q": q}, headers=admin)
        assert answer.status_code == 400, (col, opr, value)
        assert col in message(answer)


@pytest.mark.parametrize("value", [{}, {"id": 1, "name": "New"}, {"first_name": "X"}, 999999,
                                   HUGE_ID, "1", True, None])
def test_a_relationship_takes_only_a_known_id(app, client, admin, refs, value):
    before = rows(app, Member, Claim, Provider)
    answer = client.post("/api/v1/claim/", headers=admin, json={
        "member": value, "claim_type": "outpatient", "provider": refs["provider"],
        "first_visit_date": LAST_WEEK})
    assert answer.status_code == 422
    assert list(message(answer)) == ["member"]
    assert rows(app, Member, Claim, Provider) == before


def test_post_claim_item_with_an_unknown_claim_is_a_422(app, client, admin, refs):
    before = rows(app, ClaimItem, Claim)
    answer = client.post("/api/v1/claimitem/", headers=admin, json={
        "claim": 424242, "description": "X", "quantity": 1, "unit_cost": "10.00"})
    assert answer.status_code == 422
    assert message(answer) == {"claim": ["There is no claim with id 424242."]}
    assert rows(app, ClaimItem, Claim) == before


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("unit_cost", "12.345", "Use at most 2 decimal places."),
    ("unit_cost", -5, "The amount cannot be negative."),
    ("unit_cost", "1e20", "The amount is too large."),
    ("unit_cost", "NaN", None),
    ("unit_cost", "lots", None),
    ("quantity", 0, "The quantity must be above 0."),
    ("quantity", "many", None),
    ("quantity", 2**40, None),
    ("description", "   ", None),
    ("description", "a\x00b", "The text contains a NUL character."),
    ("description", "x" * 300, None),
])
def test_claim_item_fields_are_checked(app, client, admin, refs, field, value, expected):
    payload = {"claim": refs["claim"], "description": "Consultation", "quantity": 1,
               "unit_cost": "100.00", field: value}
    before = rows(app, ClaimItem)
    answer = client.post("/api/v1/claimitem/", headers=admin, json=payload)
    assert answer.status_code == 422, answer.get_json()
    errors = message(answer)
    assert list(errors) == [field]
    if expected:
        assert errors[field] == [expected]
    assert rows(app, ClaimItem) == before


@pytest.mark.parametrize(("change", "field", "expected"), [
    ({"first_visit_date": TOMORROW}, "first_visit_date", "The date cannot be in the future."),
    ({"claim_type": "inpatient", "first_visit_date": None, "admission_date": LAST_WEEK,
      "discharge_date": (date.today() - timedelta(days=9)).isoformat()},
     "discharge_date", "The discharge cannot be before the admission."),
    ({"claim_type": "surgery"}, "claim_type", "Must be one of: outpatient, inpatient, chronic, "
                                              "dental, optical."),
    ({"hospital_discount": "10.001"}, "hospital_discount", "Use at most 2 decimal places."),
    ({"provider": 0}, "provider", "There is no provider with id 0."),
    ({"first_visit_date": "2024-02-30"}, "first_visit_date", "Not a valid date."),
])
def test_claim_rules_answer_422_and_change_nothing(app, client, admin, refs, change, field,
                                                   expected):
    before = client.get(f"/api/v1/claim/{refs['claim']}", headers=admin).get_json()["result"]
    answer = client.put(f"/api/v1/claim/{refs['claim']}", headers=admin, json=change)
    assert answer.status_code == 422
    assert message(answer)[field] == [expected]
    after = client.get(f"/api/v1/claim/{refs['claim']}", headers=admin).get_json()["result"]
    assert after == before


def test_member_and_dependent_rules_are_the_forms_rules(app, client, admin, refs):
    before = rows(app, Member, Dependent)
    future_member = client.post("/api/v1/member/", headers=admin, json={
        "first_name": "A", "last_name": "B", "date_of_birth": TOMORROW,
        "membership_type": refs["family"], "payout_method": "bank"})
    assert future_member.status_code == 422
    assert message(future_member) == {
        "date_of_birth": ["The date cannot be in the future."],
        "bank_account_number": ["A bank payout needs the account number."],
        "bank_name": ["A bank payout needs the bank's name."],
        "bank_branch_code": ["A bank payout needs the branch code."]}
    old_child = client.post("/api/v1/dependent/", headers=admin, json={
        "member": refs["member"], "first_name": "C", "last_name": "D",
        "relationship_type": "child", "date_of_birth": "1990-01-01"})
    assert old_child.status_code == 422
    assert message(old_child) == {"date_of_birth": ["A child must be under 18 to be covered."]}
    assert rows(app, Member, Dependent) == before


def test_a_duplicate_unique_value_is_a_409_and_is_rolled_back(app, client, admin, refs):
    before = rows(app, MembershipType)
    duplicate = client.post("/api/v1/membershiptype/", headers=admin, json={
        "key": "family", "name": "Family again", "covers": "family"})
    assert duplicate.status_code == 409
    assert message(duplicate) == {"key": ["This value is already used by another record."]}
    assert rows(app, MembershipType) == before
    # The session is usable again: the next request works.
    fine = client.post("/api/v1/membershiptype/", headers=admin, json={
        "key": "single", "name": "Single", "covers": "member"})
    assert fine.status_code == 201
    assert rows(app, MembershipType) == (before[0] + 1,)


def test_delete_of_a_referenced_record_is_a_409(app, client, admin, refs):
    before = rows(app, Member, Provider)
    for url in (f"/api/v1/member/{refs['member']}", f"/api/v1/provider/{refs['provider']}"):
        answer = client.delete(url, headers=admin)
        assert answer.status_code == 409
        assert "Close the record" in message(answer)
    assert rows(app, Member, Provider) == before


def test_a_claim_past_draft_is_changed_only_by_transitions(app, client, admin, refs):
    with app.app_context():
        db.session.get(Claim, refs["claim"]).status = "under_review"
        db.session.commit()
        db.session.remove()
    before = rows(app, ClaimItem)
    for answer in (
        client.put(f"/api/v1/claim/{refs['claim']}", json={"diagnosis": "x"}, headers=admin),
        client.put(f"/api/v1/claimitem/{refs['item']}", json={"quantity": 2}, headers=admin),
        client.post("/api/v1/claimitem/", headers=admin, json={
            "claim": refs["claim"], "description": "More", "quantity": 1, "unit_cost": "1"}),
        client.delete(f"/api/v1/claimitem/{refs['item']}", headers=admin),
        client.delete(f"/api/v1/claim/{refs['claim']}", headers=admin),
    ):
        assert answer.status_code == 409
        assert "under review" in message(answer)
    assert rows(app, ClaimItem) == before


def test_bad_credentials_are_401_json(app, client):
    for header in ("Bearer not-a-token", "Bearer a.b.c", "Basic YWRtaW46eA==", "Bearer "):
        answer = client.get("/api/v1/claim/", headers={"Authorization": header})
        assert answer.status_code == 401, header
        assert isinstance(message(answer), str)
    assert client.get("/api/v1/claim/").status_code == 401
    with app.app_context():
        expired = create_access_token(identity=str(factories.user_id("admin")),
                                      expires_delta=timedelta(seconds=-60))
    answer = client.get("/api/v1/claim/", headers={"Authorization": f"Bearer {expired}"})
    assert answer.status_code == 401 and message(answer) == "The token has expired."


def test_http_errors_on_api_paths_are_json(app, client, admin):
    unknown = client.get("/api/v1/no-such-resource/", headers=admin)
    assert unknown.status_code == 404 and message(unknown) == "Not found."
    wrong_method = client.put("/api/v1/claim/", json={}, headers=admin)
    assert wrong_method.status_code == 405 and message(wrong_method)
    read_only = client.post("/api/v1/auditevent/", json={}, headers=admin)
    assert read_only.status_code == 405 and message(read_only)

    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1000
    try:
        too_large = client.post("/api/v1/provider/", data=json.dumps({"name": "x" * 2000}),
                                content_type="application/json", headers=admin)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert too_large.status_code == 413 and message(too_large) == "The request is too large."

    for error, status in ((TooManyRequests(), 429), (InternalServerError(), 500)):
        with app.test_request_context("/api/v1/claim/"):
            answer = app.make_response(app.handle_http_exception(error))
        assert answer.status_code == status and answer.is_json and answer.get_json()["message"]
        with app.test_request_context("/claimview/list/"):
            page = app.make_response(app.handle_http_exception(error))
        assert not page.is_json  # web pages keep their HTML errors
