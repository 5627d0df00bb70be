"""After Save on his claim form (new or changed) or on an item of his claim, a member lands on
the claim's page, where he goes on (items, files, submit), not on FAB's last list. The fund's
staff keep FAB's way."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Claim
from tests import factories
from tests.helpers import submit_form
from tests.integration.web_support import text


@pytest.fixture
def family(app) -> dict:
    with app.app_context():
        member = factories.member(user_id=factories.user_id("member1"))
        clinic = factories.provider("Aga Khan Clinic")
        claim = factories.claim(of=member, provider=clinic, items=1)
        db.session.commit()
        return {"member": member.id, "provider": clinic.id, "claim": claim.id,
                "item": claim.items[0].id}


def flashed(response) -> list[str]:
    import re

    return re.findall(r'class="(?:alert[^"]*|help-block[^"]*)"[^>]*>(.*?)<', text(response), re.S)


def claim_form(family: dict, visit: str) -> dict:
    return {"member": str(family["member"]), "dependent": "", "claim_type": "outpatient",
            "provider": str(family["provider"]), "first_visit_date": visit,
            "admission_date": "", "discharge_date": "", "return_date": "",
            "admission_notified_at": "", "diagnosis": "Malaria", "icd10_code": "B54",
            "chronic_request": "", "statutory_rebate_per_day": "0",
            "other_insurance_benefit": "0", "hospital_discount": "0"}


def test_a_new_claim_opens_its_page(app, member_client, family):
    member_client.get("/claims/list/")  # FAB would go back here
    saved = submit_form(member_client, "/claims/add", claim_form(family, "2026-01-05"))
    assert saved.status_code == 302, flashed(saved)
    with app.app_context():
        new_id = db.session.query(Claim.id).order_by(Claim.id.desc()).first()[0]
    assert new_id != family["claim"]
    assert saved.headers["Location"] == f"/claims/show/{new_id}"
    page = text(member_client.get(saved.headers["Location"]))
    assert "Added Row" in page or "added" in page.lower()


def test_a_changed_claim_and_item_go_back_to_the_claims_page(member_client, family):
    member_client.get("/claims/list/")
    saved = submit_form(member_client, f"/claims/edit/{family['claim']}",
                        claim_form(family, "2026-01-06"))
    assert saved.status_code == 302, flashed(saved)
    assert saved.headers["Location"] == f"/claims/show/{family['claim']}"
    item = submit_form(member_client, f"/claim-items/edit/{family['item']}", {
        "claim": str(family["claim"]), "scale_item": "", "description": "GP visit",
        "quantity": "1", "unit_cost": "1500.00", "receipt_number": "R-1"})
    assert item.status_code == 302, flashed(item)
    assert item.headers["Location"] == f"/claims/show/{family['claim']}"


def test_staff_keep_the_list(committee_client, family):
    committee_client.get("/claims/list/")
    saved = submit_form(committee_client, f"/claims/edit/{family['claim']}",
                        {**claim_form(family, "2026-01-06"), "received_on": "2026-01-07"})
    assert saved.status_code == 302
    assert not saved.headers["Location"].startswith("/claims/show/")
