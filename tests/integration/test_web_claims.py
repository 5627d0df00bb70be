"""Keying in a claim and its items through the web forms: derived fields never typed in, the
treatment rules at the field, totals following the items, deletes only while a draft."""

from datetime import date, timedelta
from decimal import Decimal

from app.extensions import db
from app.models import Claim, ClaimItem
from tests import factories
from tests.helpers import submit_form
from tests.integration.web_support import count, delete, text

TODAY = date.today()
DAYS_AGO = (TODAY - timedelta(days=12)).isoformat()
NOT_TYPED = ("claim_number", "total_claimed", "total_eligible", "total_approved", "total_paid",
             "treatment_date", "status", "version", "reason_codes", "sla_due_at",
             "assigned_reviewer", "declaration_accepted_at", "created_at")


def _people(app):
    with app.app_context():
        member = factories.member(first_name="Njeri")
        child = factories.dependent(member, first_name="Kito")
        stranger = factories.dependent(factories.member(), first_name="Other")
        provider = factories.provider("Aga Khan Hospital")
        db.session.commit()
        return member.id, child.id, stranger.id, provider.id


def _claim_form(member_id, provider_id, **changes):
    return {"member": str(member_id), "dependent": "", "claim_type": "outpatient",
            "provider": str(provider_id), "received_on": TODAY.isoformat(),
            "first_visit_date": DAYS_AGO, "admission_date": "", "discharge_date": "",
            "return_date": "", "admission_notified_at": "", "diagnosis": "Malaria",
            "icd10_code": "B54", "chronic_request": "", "statutory_rebate_per_day": "0",
            "other_insurance_benefit": "0", "hospital_discount": "0", **changes}


def test_committee_keys_in_a_claim_for_a_patient(app, committee_client):
    member_id, child_id, _, provider_id = _people(app)
    form = text(committee_client.get("/claims/add"))
    for field in NOT_TYPED:
        assert f'name="{field}"' not in form, field
    assert 'data-lookup-url="/lookup/members/"' in form and 'data-depends-on="member"' in form
    response = submit_form(committee_client, "/claims/add",
                           _claim_form(member_id, provider_id, dependent=str(child_id)))
    assert response.status_code == 302
    with app.app_context():
        claim = db.session.query(Claim).one()
        assert claim.claim_number.startswith("CLM-") and claim.status == "draft"
        assert claim.dependent_id == child_id and claim.treatment_date.isoformat() == DAYS_AGO
        assert claim.created_by_id == factories.user_id("committee1")
        pk, number = claim.id, claim.claim_number
    show = text(committee_client.get(f"/claims/show/{pk}"))
    assert number in show and "Kito" in show and "Aga Khan Hospital" in show
    edit = text(committee_client.get(f"/claims/edit/{pk}"))
    assert f'<option value="{member_id}" selected>' in edit
    response = submit_form(committee_client, f"/claims/edit/{pk}",
                           _claim_form(member_id, provider_id, diagnosis="Typhoid"))
    assert response.status_code == 302
    with app.app_context():
        claim = db.session.get(Claim, pk)
        assert claim.diagnosis == "Typhoid" and claim.dependent_id is None


def test_claim_rules_show_at_the_field_and_nothing_is_written(app, admin_client):
    member_id, _, stranger_id, provider_id = _people(app)
    future = (TODAY + timedelta(days=3)).isoformat()
    inpatient = {"claim_type": "inpatient", "first_visit_date": ""}
    cases = [
        ({"first_visit_date": future}, "The date cannot be in the future."),
        ({"first_visit_date": ""}, "Enter the date of the first visit."),
        (inpatient, "An inpatient claim needs the admission date."),
        (inpatient, "An inpatient claim needs the discharge date."),
        ({**inpatient, "admission_date": "2026-01-10", "discharge_date": "2026-01-08"},
         "The discharge cannot be before the admission."),
        ({"dependent": str(stranger_id)},
         "The patient must be the member or one of his dependents."),
        ({"hospital_discount": "-10"}, "The amount cannot be negative."),
        ({"other_insurance_benefit": "1.005"}, "Use at most 2 decimal places."),
        ({"member": "999999"}, "Choose a record from the list."),
    ]
    for changes, message in cases:
        response = submit_form(admin_client, "/claims/add",
                               _claim_form(member_id, provider_id, **changes))
        assert response.status_code == 200 and message in text(response), message
    assert count(app, Claim) == 0


def test_same_day_day_care_is_valid(app, admin_client):
    member_id, _, _, provider_id = _people(app)
    day = (TODAY - timedelta(days=5)).isoformat()
    response = submit_form(admin_client, "/claims/add", _claim_form(
        member_id, provider_id, claim_type="inpatient", first_visit_date="",
        admission_date=day, discharge_date=day))
    assert response.status_code == 302 and count(app, Claim) == 1


def _item_form(**changes):
    return {"scale_item": "", "description": "Consultation", "quantity": "2",
            "unit_cost": "1500.50", "receipt_number": "R-77", **changes}


def test_items_are_added_from_the_claim_page_and_totals_follow(app, committee_client):
    with app.app_context():
        claim = factories.claim(items=0)
        db.session.commit()
        pk = claim.id
    page = text(committee_client.get(f"/claims/show/{pk}"))
    add_url = f"/claim-items/add?_flt_0_claim={pk}"
    assert add_url in page
    form = text(committee_client.get(add_url))
    for field in ("line_no", "claimed_amount", "eligible_amount", "approved_amount"):
        assert f'name="{field}"' not in form
    assert submit_form(committee_client, add_url, _item_form()).status_code == 302
    assert submit_form(committee_client, add_url,
                       _item_form(quantity="1", unit_cost="99", receipt_number="R-78")
                       ).status_code == 302
    with app.app_context():
        claim = db.session.get(Claim, pk)
        assert [i.line_no for i in claim.items] == [1, 2]
        assert claim.items[0].claimed_amount == Decimal("3001.00")
        assert claim.total_claimed == Decimal("3100.00")
        first = claim.items[0].id
    page = text(committee_client.get(f"/claims/show/{pk}"))
    assert "3,100.00" in page and "R-78" in page
    assert submit_form(committee_client, f"/claim-items/edit/{first}",
                       {**_item_form(quantity="1"), "claim": str(pk)}).status_code == 302
    with app.app_context():
        assert db.session.get(Claim, pk).total_claimed == Decimal("1599.50")


def test_item_rules_show_at_the_field(app, admin_client):
    with app.app_context():
        pk = factories.claim(items=0).id
        db.session.commit()
    url = f"/claim-items/add?_flt_0_claim={pk}"
    for changes, message in (({"quantity": "0"}, "The quantity must be above 0."),
                             ({"unit_cost": "10.999"}, "Use at most 2 decimal places."),
                             ({"unit_cost": "-3"}, "The amount cannot be negative.")):
        response = submit_form(admin_client, url, _item_form(**changes))
        assert response.status_code == 200 and message in text(response), message
    assert count(app, ClaimItem) == 0


def test_deletes_only_while_draft(app, admin_client):
    with app.app_context():
        draft = factories.claim(items=2)
        submitted = factories.claim(items=1, status="submitted")
        db.session.commit()
        draft_id, item_id = draft.id, draft.items[0].id
        submitted_id, submitted_item = submitted.id, submitted.items[0].id
        number = submitted.claim_number
    assert "Deleted" in delete(admin_client, "/claim-items", item_id)
    with app.app_context():
        assert db.session.get(Claim, draft_id).total_claimed == Decimal("1500.00")
    page = delete(admin_client, "/claims", submitted_id)
    assert f"Claim {number} is submitted: only a draft claim can be deleted." in page
    assert "its items can no longer be deleted" in delete(admin_client, "/claim-items",
                                                          submitted_item)
    assert "Deleted" in delete(admin_client, "/claims", draft_id)
    assert count(app, Claim) == 1 and count(app, ClaimItem) == 1


def test_claims_list_newest_first(app, admin_client):
    with app.app_context():
        older, newer = factories.claim(), factories.claim()
        db.session.commit()
        older_number, newer_number = older.claim_number, newer.claim_number
    page = text(admin_client.get("/claims/list/"))
    assert page.index(newer_number) < page.index(older_number)
    assert "1,500.00" in page


def test_a_member_cannot_add_items_to_another_members_claim(app, client_for):
    with app.app_context():
        factories.member(first_name="Own", user_id=factories.user_id("member1"))
        other = factories.claim(items=0)
        db.session.commit()
        other_id = other.id
    member = client_for("member1")
    response = submit_form(member, f"/claim-items/add?_flt_0_claim={other_id}", _item_form(),
                           follow_redirects=True)
    assert "You cannot use that record." in text(response)
    assert count(app, ClaimItem) == 0


def test_a_submitted_claims_items_change_only_through_its_transitions(app, committee_client):
    # The same rule as REST's: the web form may not change what the committee is deciding.
    with app.app_context():
        claim = factories.claim(items=1, status="submitted")
        db.session.commit()
        pk, item_id = claim.id, claim.items[0].id
    refused = "is submitted: you can only"
    edit = submit_form(committee_client, f"/claim-items/edit/{item_id}",
                       {**_item_form(quantity="9"), "claim": str(pk)}, follow_redirects=True)
    assert refused in text(edit)
    add_url = f"/claim-items/add?_flt_0_claim={pk}"
    added = submit_form(committee_client, add_url, _item_form(), follow_redirects=True)
    assert refused in text(added)
    with app.app_context():
        claim = db.session.get(Claim, pk)
        assert [i.quantity for i in claim.items] == [1]
        assert claim.total_claimed == Decimal("1500.00")
