"""A claim's or chronic request's patient is the member or one of his *active* dependents: a
dependent still pending the committee's confirmation, or removed, cannot be chosen, even when
his id is posted directly (the pick lists do not offer him), on the web forms and over REST,
for a new record and for a changed patient. A draft made while the dependent was covered keeps
him: it can still be changed and submitted, and the adjudication says PATIENT_NOT_COVERED."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.models import ChronicRequest, Claim, Dependent
from app.services.calendar import fund_today
from tests import factories
from tests.helpers import submit_form
from tests.integration.test_web_lifecycle import press
from tests.integration.web_support import text

NOT_COVERED = ("{name} is not covered now ({status}): the patient must be the member or one "
               "of his active dependents.")


@pytest.fixture
def family(app: Flask) -> SimpleNamespace:
    """member1's household: Imani (active), Pendo (pending) and Rehema (removed); a draft
    claim and a pending chronic request for Imani; a provider and a scale item."""
    with app.app_context():
        today = fund_today()
        own = factories.member("Amani", "Ownfamily", user_id=factories.user_id("member1"),
                               contribution_receipt_date=today - timedelta(days=400))
        imani = factories.dependent(own, first_name="Imani", status="active")
        pendo = factories.dependent(own, "spouse", first_name="Pendo", status="pending")
        rehema = factories.dependent(own, first_name="Rehema", status="removed")
        clinic = factories.provider("Aga Khan Clinic")
        factories.scale_item("GP_CONSULT")
        draft = factories.claim(of=own, provider=clinic, dependent=imani,
                                first_visit_date=today - timedelta(days=3))
        request = factories.chronic_request(own, imani, condition="Asthma")
        db.session.commit()
        return SimpleNamespace(member=own.id, imani=imani.id, pendo=pendo.id,
                               rehema=rehema.id, provider=clinic.id, draft=draft.id,
                               request=request.id, visit=(today - timedelta(days=3)).isoformat())


def claims_of(app: Flask, member_id: int) -> list[tuple[int | None, str]]:
    with app.app_context():
        rows = db.session.execute(sa.select(Claim.dependent_id, Claim.status)
                                  .where(Claim.member_id == member_id).order_by(Claim.id)).all()
        db.session.remove()
        return [tuple(row) for row in rows]


def patient_of(app: Flask, model: type, pk: int) -> int | None:
    with app.app_context():
        value = db.session.scalar(sa.select(model.dependent_id).where(model.id == pk))
        db.session.remove()
        return value


def remove_dependent(app: Flask, dependent_id: int) -> None:
    with app.app_context():
        db.session.get(Dependent, dependent_id).status = "removed"
        db.session.commit()
        db.session.remove()


def claim_form(family: SimpleNamespace, patient: int | str) -> dict:
    return {"member": family.member, "dependent": patient, "claim_type": "outpatient",
            "provider": family.provider, "first_visit_date": family.visit,
            "statutory_rebate_per_day": "0", "other_insurance_benefit": "0",
            "hospital_discount": "0"}


# --- The web forms ---------------------------------------------------------------------------


@pytest.mark.parametrize(("patient", "name", "status"), [("pendo", "Pendo Ownfamily", "pending"),
                                                          ("rehema", "Rehema Ownfamily",
                                                           "removed")])
def test_a_new_claim_for_a_dependent_not_covered_is_refused_at_the_field(
        app, member_client, family, patient, name, status):
    before = claims_of(app, family.member)
    response = submit_form(member_client, "/claims/add",
                           claim_form(family, getattr(family, patient)))
    assert response.status_code == 200
    assert NOT_COVERED.format(name=name, status=status) in text(response)
    assert claims_of(app, family.member) == before

    saved = submit_form(member_client, "/claims/add", claim_form(family, family.imani),
                        follow_redirects=True)
    assert "Added Row" in text(saved)
    assert claims_of(app, family.member) == [*before, (family.imani, "draft")]


def test_a_drafts_patient_cannot_be_changed_to_a_dependent_not_covered(
        app, member_client, family):
    response = submit_form(member_client, f"/claims/edit/{family.draft}",
                           claim_form(family, family.pendo))
    assert NOT_COVERED.format(name="Pendo Ownfamily", status="pending") in text(response)
    assert patient_of(app, Claim, family.draft) == family.imani


def test_a_draft_whose_dependent_was_removed_is_still_changed_and_submitted(
        app, member_client, family):
    remove_dependent(app, family.imani)
    later = (fund_today() - timedelta(days=2)).isoformat()
    edited = submit_form(member_client, f"/claims/edit/{family.draft}",
                         {**claim_form(family, family.imani), "first_visit_date": later},
                         follow_redirects=True)
    assert "Changed Row" in text(edited)
    submitted = press(member_client, family.draft, "submit", {"declaration": "y"})
    assert "is now submitted" in text(submitted)
    with app.app_context():
        claim = db.session.get(Claim, family.draft)
        assert (claim.status, claim.dependent_id) == ("submitted", family.imani)
        assert "PATIENT_NOT_COVERED" in claim.reason_codes
        db.session.remove()


def test_a_chronic_request_for_a_dependent_not_covered_is_refused_at_the_field(
        app, member_client, family):
    response = submit_form(member_client, "/chronic-requests/add", {
        "member": family.member, "dependent": family.pendo, "condition": "Hypertension",
        "doctor_name": "Dr. Wanjiru Kamau", "requested_monthly_amount": "3000.00"})
    assert NOT_COVERED.format(name="Pendo Ownfamily", status="pending") in text(response)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ChronicRequest.id))) == 1
        db.session.remove()


# --- REST ------------------------------------------------------------------------------------


def test_rest_refuses_a_new_claim_or_a_changed_patient_not_covered(
        app, client, api_headers, family):
    headers = api_headers("member1")
    before = claims_of(app, family.member)
    body = {"member": family.member, "dependent": family.rehema, "claim_type": "outpatient",
            "provider": family.provider, "first_visit_date": family.visit}
    refused = client.post("/api/v1/claim/", json=body, headers=headers)
    assert refused.status_code == 422
    assert refused.get_json() == {"message": {"dependent": [NOT_COVERED.format(
        name="Rehema Ownfamily", status="removed")]}}
    assert claims_of(app, family.member) == before

    changed = client.put(f"/api/v1/claim/{family.draft}", json={"dependent": family.pendo},
                         headers=headers)
    assert changed.status_code == 422
    assert changed.get_json() == {"message": {"dependent": [NOT_COVERED.format(
        name="Pendo Ownfamily", status="pending")]}}
    assert patient_of(app, Claim, family.draft) == family.imani

    request = client.put(f"/api/v1/chronicrequest/{family.request}",
                         json={"dependent": family.pendo}, headers=headers)
    assert request.status_code == 422
    assert request.get_json() == {"message": {"dependent": [NOT_COVERED.format(
        name="Pendo Ownfamily", status="pending")]}}
    assert patient_of(app, ChronicRequest, family.request) == family.imani


def test_rest_keeps_a_drafts_patient_removed_meanwhile(app, client, api_headers, family):
    remove_dependent(app, family.imani)
    headers = api_headers("member1")
    kept = client.put(f"/api/v1/claim/{family.draft}", json={"dependent": family.imani,
                                                             "hospital_discount": "100.00"},
                      headers=headers)
    assert kept.status_code == 200, kept.get_json()
    assert kept.get_json()["result"]["hospital_discount"] == "100.00"
    assert patient_of(app, Claim, family.draft) == family.imani
