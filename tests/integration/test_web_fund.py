"""The fund's configuration screens: membership types, benefit categories, scale, providers,
provider rates, settings, the audit trail."""

from decimal import Decimal

from app.extensions import db
from app.models import (
    AuditEvent,
    BenefitCategory,
    ClaimItem,
    MembershipType,
    Provider,
    ProviderRateOverride,
    ScaleItem,
    Setting,
)
from tests import factories
from tests.helpers import submit_form
from tests.integration.web_support import count, delete, text

MEMBERSHIP = {"key": "joint", "name": "Joint", "contribution": "8000.00", "term_years": "2",
              "follows_fund_cycle": "y", "covers": "member_spouse", "child_age_limit": "18",
              "waiting_period_days": "90", "active": "y"}


def test_membership_type_create_read_update_delete(app, admin_client):
    response = submit_form(admin_client, "/membership-types/add", MEMBERSHIP)
    assert response.status_code == 302
    with app.app_context():
        mtype = db.session.query(MembershipType).filter_by(key="joint").one()
        assert mtype.contribution == Decimal("8000.00") and mtype.follows_fund_cycle
        pk = mtype.id
    listing = text(admin_client.get("/membership-types/list/"))
    assert "Joint" in listing and "8,000.00" in listing and "claimdesk-money" in listing
    assert "Waiting period (days)" in listing
    assert "member_spouse" in text(admin_client.get(f"/membership-types/show/{pk}"))
    response = submit_form(admin_client, f"/membership-types/edit/{pk}",
                           {**MEMBERSHIP, "name": "Joint (couple)", "contribution": "8500"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(MembershipType, pk).name == "Joint (couple)"
    page = delete(admin_client, "/membership-types", pk)
    assert "Deleted" in page and count(app, MembershipType) == 0


def test_money_is_checked_at_the_field_and_nothing_is_written(app, admin_client):
    for value, message in (("8000.125", "Use at most 2 decimal places."),
                           ("-1", "The amount cannot be negative.")):
        response = submit_form(admin_client, "/membership-types/add",
                               {**MEMBERSHIP, "contribution": value})
        assert response.status_code == 200 and message in text(response)
    assert count(app, MembershipType) == 0


def test_benefit_category_lists_its_scale_items(app, admin_client):
    response = submit_form(admin_client, "/benefit-categories/add",
                           {"key": "optical", "name": "Optical", "annual_limit": "30000",
                            "critical_illness_top_up": "0"})
    assert response.status_code == 302
    with app.app_context():
        category = db.session.query(BenefitCategory).filter_by(key="optical").one()
        factories.scale_item("SPECTACLES", benefit_category=category, claim_types="optical")
        db.session.commit()
        pk = category.id
    page = text(admin_client.get(f"/benefit-categories/show/{pk}"))
    assert "30,000.00" in page and "SPECTACLES" in page


def _scale_form(category_id, **changes):
    return {"code": "XRAY", "description": "X-ray", "benefit_category": str(category_id),
            "claim_types": ["outpatient", "inpatient"], "unit": "procedure",
            "rate_percent": "80", "fee_cap": "2500.00", "max_per_day": "", "role": "",
            "bylaw": "5.4", "effective_from": "2024-01-01", "effective_to": "", **changes}


def test_scale_item_claim_types_are_a_multi_select(app, admin_client):
    with app.app_context():
        category_id = factories.benefit_category().id
        db.session.commit()
    form = text(admin_client.get("/scale/add"))
    assert 'name="claim_types"' in form and "multiple" in form and "chronic" in form
    assert submit_form(admin_client, "/scale/add", _scale_form(category_id)).status_code == 302
    with app.app_context():
        item = db.session.query(ScaleItem).filter_by(code="XRAY").one()
        assert item.claim_types == "outpatient|inpatient" and item.role is None
        pk = item.id
    edit = text(admin_client.get(f"/scale/edit/{pk}"))
    assert '<option selected value="inpatient">' in edit or 'value="inpatient" selected' in edit
    assert "XRAY" in text(admin_client.get("/scale/list/"))


def test_scale_item_rules_show_at_the_field(app, admin_client):
    with app.app_context():
        category_id = factories.benefit_category().id
        db.session.commit()
    cases = [({"claim_types": []}, "Choose the claim types the item applies to."),
             ({"rate_percent": "120"}, "The rate must be between 0 and 100 percent."),
             ({"effective_to": "2023-01-01"}, "The end cannot be before the start."),
             ({"fee_cap": "10.001"}, "Use at most 2 decimal places.")]
    for changes, message in cases:
        response = submit_form(admin_client, "/scale/add", _scale_form(category_id, **changes))
        assert response.status_code == 200 and message in text(response), message
    assert count(app, ScaleItem) == 0


def test_provider_and_its_rates(app, admin_client):
    response = submit_form(admin_client, "/providers/add",
                           {"name": "Fund Clinic", "provider_type": "clinic",
                            "registration_code": "CL-1", "country": "KE", "active": "y"})
    assert response.status_code == 302
    with app.app_context():
        provider_id = db.session.query(Provider).filter_by(name="Fund Clinic").one().id
        scale_id = factories.scale_item("DAY_CARE").id
        db.session.commit()
    add_url = f"/provider-rates/add?_flt_0_provider={provider_id}"
    both = submit_form(admin_client, add_url, {"claim_type": "outpatient",
                                               "scale_item": str(scale_id), "rate_percent": "100"})
    assert "Choose either a claim type or a scale item, not both." in text(both)
    assert count(app, ProviderRateOverride) == 0
    ok = submit_form(admin_client, add_url, {"claim_type": "outpatient", "scale_item": "",
                                             "rate_percent": "100"})
    assert ok.status_code == 302
    page = text(admin_client.get(f"/providers/show/{provider_id}"))
    assert "outpatient" in page and "100.00" in page
    assert f"/provider-rates/add?_flt_0_provider={provider_id}" in page
    assert submit_form(admin_client, f"/providers/edit/{provider_id}",
                       {"name": "Fund Clinic Ltd", "provider_type": "clinic",
                        "registration_code": "CL-1", "country": "KE"}).status_code == 302
    with app.app_context():
        assert db.session.get(Provider, provider_id).active is False


def test_referenced_records_are_not_deleted(app, admin_client):
    with app.app_context():
        claim = factories.claim()
        scale = factories.scale_item("GP")
        claim.items[0].scale_item = scale
        db.session.commit()
        provider_id, scale_id = claim.provider_id, scale.id
        mtype_id, category_id = claim.member.membership_type_id, scale.benefit_category_id
    cases = [("/providers", provider_id, "1 claim refer to it"),
             ("/scale", scale_id, "1 claim item refer to it"),
             ("/membership-types", mtype_id, "1 member refer to it"),
             ("/benefit-categories", category_id, "1 scale item refer to it")]
    for base, pk, message in cases:
        page = delete(admin_client, base, pk)
        assert message in page and "cannot be deleted" in page, base
    assert count(app, Provider) == 1 and count(app, ScaleItem) == 1
    assert count(app, ClaimItem) == 1 and count(app, MembershipType) == 1


def test_committee_reads_but_does_not_change_the_configuration(app, committee_client):
    assert committee_client.get("/providers/list/").status_code == 200
    assert committee_client.get("/providers/add").status_code == 403
    assert committee_client.get("/settings/list/").status_code == 200


def test_settings_are_typed_and_hidden_from_members(app, admin_client, member_client):
    bad = submit_form(admin_client, "/settings/add",
                      {"key": "late_days", "value": "ninety", "value_type": "int"})
    assert "Enter a whole number." in text(bad) and count(app, Setting) == 0
    ok = submit_form(admin_client, "/settings/add",
                     {"key": "late_days", "value": "90", "value_type": "int"})
    assert ok.status_code == 302 and count(app, Setting) == 1
    assert member_client.get("/settings/list/").status_code == 403


def test_audit_trail_is_read_only(app, admin_client, auditor_client):
    with app.app_context():
        event = AuditEvent(action="claim.submit", actor_name="committee1",
                           resource_type="claim", resource_id="1")
        db.session.add(event)
        db.session.commit()
        pk = event.id
    assert "claim.submit" in text(auditor_client.get("/audit/list/"))
    assert auditor_client.get(f"/audit/show/{pk}").status_code == 200
    for url in ("/audit/add", f"/audit/edit/{pk}"):
        assert admin_client.get(url).status_code == 404
    assert admin_client.post(f"/audit/delete/{pk}").status_code in (400, 404, 405)
    with app.app_context():  # still there, unchanged
        assert db.session.get(AuditEvent, pk).action == "claim.submit"
