"""The pick lists a member is offered on his claim form and chronic request form: as member only
himself; as patient himself (the empty choice) and his own dependents that are active, never a
pending or removed one, never another member's; providers and scale items are the fund's shared
lists. Checked on the web forms, the search behind their pick lists, and REST ``_info``."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient

from app.extensions import db
from tests import factories
from tests.helpers import submit_form

_SELECT = re.compile(r"<select([^>]*)>(.*?)</select>", re.S)
_OPTION = re.compile(r"<option([^>]*)>(.*?)</option>", re.S)
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')


@pytest.fixture
def families(app) -> dict[str, Any]:
    with app.app_context():
        own = factories.member(first_name="Amani", last_name="Ownfamily",
                               user_id=factories.user_id("member1"))
        imani = factories.dependent(own, first_name="Imani", status="active")
        factories.dependent(own, "spouse", first_name="Pendo", status="pending")
        factories.dependent(own, first_name="Rehema", status="removed",
                            date_of_birth=date(2012, 6, 1))
        other = factories.member(first_name="Zawadi", last_name="Otherfamily")
        other_child = factories.dependent(other, first_name="Baraka", status="active")
        clinic = factories.provider("Aga Khan Clinic")
        factories.provider("Mater Hospital")
        factories.scale_item("GP_VISIT", description="General practitioner visit")
        factories.scale_item("XRAY_CHEST", description="Chest X-ray")
        own_claim = factories.claim(of=own, provider=clinic, dependent=imani)
        other_claim = factories.claim(of=other, provider=clinic)
        factories.chronic_request(own, condition="Asthma")
        factories.chronic_request(other, other_child, condition="Epilepsy")
        db.session.commit()
        return {"own": own.id, "own_number": own.member_number, "other": other.id,
                "other_child": other_child.id, "own_claim": own_claim.id,
                "own_claim_number": own_claim.claim_number,
                "other_claim_number": other_claim.claim_number}


def selects(page: str) -> dict[str, dict[str, Any]]:
    """Each <select> of a page by name: its attributes and the labels of its options."""
    found = {}
    for attrs, body in _SELECT.findall(page):
        attr = dict(_ATTR.findall(attrs))
        labels = [re.sub(r"\s+", " ", label).strip() for _, label in _OPTION.findall(body)]
        found[attr["name"]] = {**attr, "labels": [label for label in labels if label]}
    return found


def offered(client: FlaskClient, select: dict[str, Any], q: str = "", **params: Any) -> list[str]:
    """What the pick list shows as the member types ``q``: it asks the search its page names."""
    response = client.get(select["data-lookup-url"], query_string={"q": q, **params})
    assert response.status_code == 200
    return [result["text"] for result in response.get_json()["results"]]


OWN_PATIENTS = ["Imani Ownfamily (child)"]


@pytest.mark.parametrize("form_url", ["/claims/add", "/chronic-requests/add"])
def test_the_member_is_offered_only_himself_as_member(app, member_client, families, form_url):
    page = member_client.get(form_url)
    assert page.status_code == 200
    member = selects(page.get_data(as_text=True))["member"]
    # He is already chosen (the only choice he has); anyone else would come by search.
    assert member["labels"] == [f"{families['own_number']} Amani Ownfamily"]
    assert offered(member_client, member) == [f"{families['own_number']} Amani Ownfamily"]
    assert offered(member_client, member, "Zawadi") == []
    assert offered(member_client, member, "Otherfamily") == []


@pytest.mark.parametrize("form_url", ["/claims/add", "/chronic-requests/add"])
def test_staff_start_from_an_empty_member_choice(app, committee_client, families, form_url):
    page = committee_client.get(form_url).get_data(as_text=True)
    assert selects(page)["member"]["labels"] == []


@pytest.mark.parametrize("form_url", ["/claims/add", "/chronic-requests/add"])
def test_the_patient_is_himself_or_one_of_his_active_dependents(app, member_client, families,
                                                                form_url):
    fields = selects(member_client.get(form_url).get_data(as_text=True))
    patient = fields["dependent"]
    assert patient["data-placeholder"] == "The member himself"  # the empty choice
    assert patient["data-depends-on"] == "member"
    assert patient["labels"] == []
    own, other = families["own"], families["other"]
    assert offered(member_client, patient, member=own) == OWN_PATIENTS
    for name in ("Pendo", "Rehema", "Baraka", "Otherfamily"):
        assert offered(member_client, patient, name, member=own) == []
    # Another member's id, or none chosen yet (the page sends 0), offers nobody.
    assert offered(member_client, patient, member=other) == []
    assert offered(member_client, patient, member=0) == []
    assert offered(member_client, patient) == OWN_PATIENTS


def test_providers_scale_items_are_shared_and_claims_his_own(app, member_client, families):
    claim_form = selects(member_client.get("/claims/add").get_data(as_text=True))
    providers = offered(member_client, claim_form["provider"])
    assert sorted(t.split(" (")[0] for t in providers) == ["Aga Khan Clinic", "Mater Hospital"]
    requests = offered(member_client, claim_form["chronic_request"], member=families["own"])
    assert [t.split(" ", 1)[1] for t in requests] == ["Asthma (pending)"]
    item_form = selects(member_client.get("/claim-items/add").get_data(as_text=True))
    assert item_form["scale_item"]["labels"] == [
        "__None", "GP_VISIT General practitioner visit", "XRAY_CHEST Chest X-ray"]
    claims = offered(member_client, item_form["claim"])
    assert [t.split()[0] for t in claims] == [families["own_claim_number"]]
    assert offered(member_client, item_form["claim"], families["other_claim_number"]) == []


def test_his_claims_edit_form_shows_his_choices_only(app, member_client, families):
    page = member_client.get(f"/claims/edit/{families['own_claim']}")
    assert page.status_code == 200
    fields = selects(page.get_data(as_text=True))
    assert fields["member"]["labels"] == [f"{families['own_number']} Amani Ownfamily"]
    assert fields["dependent"]["labels"] == OWN_PATIENTS
    assert "Zawadi" not in page.get_data(as_text=True)


def test_another_members_dependent_is_refused_as_patient(app, member_client, families):
    response = submit_form(member_client, "/claims/add", {
        "member": families["own"], "dependent": families["other_child"],
        "claim_type": "outpatient", "provider": "", "first_visit_date": "2026-01-05",
    })
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Choose a record from the list." in page and "Baraka" not in page


# --- REST: the related values _info offers --------------------------------------------------


def info_values(app, headers: dict, resource: str, *, paged: bool = False) -> dict[str, list]:
    query = {}
    if paged:  # the pages a client asks for, as the document describes
        query["q"] = "(add_columns:(dependent:(page:0,page_size:100)))"
    response = app.test_client().get(f"/api/v1/{resource}/_info", headers=headers,
                                     query_string=query)
    assert response.status_code == 200
    return {col["name"]: [v["value"] for v in col["values"]]
            for col in response.get_json()["add_columns"] if "values" in col}


def test_rest_offers_him_the_same_choices(app, api_headers, families):
    headers = api_headers("member1")
    claim = info_values(app, headers, "claim")
    assert claim["member"] == [f"{families['own_number']} Amani Ownfamily"]
    assert claim["dependent"] == OWN_PATIENTS
    assert info_values(app, headers, "claim", paged=True)["dependent"] == OWN_PATIENTS
    assert sorted(claim["provider"]) == ["Aga Khan Clinic", "Mater Hospital"]
    assert [v.split(" ", 1)[1] for v in claim["chronic_request"]] == ["Asthma"]
    assert info_values(app, headers, "chronicrequest")["dependent"] == OWN_PATIENTS
    item = info_values(app, headers, "claimitem")
    assert item["claim"] == [families["own_claim_number"]]
    assert sorted(item["scale_item"]) == ["GP_VISIT General practitioner visit",
                                         "XRAY_CHEST Chest X-ray"]
