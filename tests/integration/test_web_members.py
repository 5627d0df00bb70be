"""Member and dependent screens: keyed in by Admin or Committee, derived fields shown only,
the membership type's cover rules at the field, deletes refused once others refer to a record."""

from datetime import date, timedelta

from app.extensions import db
from app.models import Dependent, Member
from tests import factories
from tests.helpers import submit_form
from tests.integration.web_support import count, delete, text

DERIVED = ("member_number", "valid_from", "valid_to", "benefits_from", "status", "created_at")


def _member_form(type_id, **changes):
    return {"first_name": "Wanjiru", "middle_name": "", "last_name": "Kamau",
            "national_id": "27450011", "date_of_birth": "1979-08-02", "phone": "0722000111",
            "email": "wanjiru@example.org", "membership_type": str(type_id),
            "contribution_receipt_date": "2025-04-20", "statutory_insurer_number": "",
            "other_medical_scheme": "", "payout_method": "mobile_money", "bank_name": "",
            "bank_branch_code": "", "bank_account_number": "", "bank_account_name": "",
            "mobile_money_number": "0722000111", **changes}


def _family_type(app):
    with app.app_context():
        type_id = factories.membership_type("family").id
        db.session.commit()
    return type_id


def test_committee_keys_in_a_member_and_the_validity_is_derived(app, committee_client):
    type_id = _family_type(app)
    form = text(committee_client.get("/members/add"))
    for field in DERIVED:
        assert f'name="{field}"' not in form, field
    response = submit_form(committee_client, "/members/add", _member_form(type_id))
    assert response.status_code == 302
    with app.app_context():
        member = db.session.query(Member).one()
        assert member.member_number.startswith("M-") and member.status == "pending"
        assert member.valid_from == date(2025, 4, 20) and member.benefits_from is not None
        pk, number = member.id, member.member_number
    show = text(committee_client.get(f"/members/show/{pk}"))
    assert number in show and "Benefits from" in show and "Wanjiru" in show
    listing = text(committee_client.get("/members/list/"))
    assert number in listing and "Family" in listing
    response = submit_form(committee_client, f"/members/edit/{pk}",
                           _member_form(type_id, phone="0733999888"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Member, pk).phone == "0733999888"


def test_member_rules_show_at_the_field(app, admin_client):
    type_id = _family_type(app)
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    cases = [({"date_of_birth": tomorrow}, "The date cannot be in the future."),
             ({"payout_method": "bank"}, "A bank payout needs the account number."),
             ({"payout_method": "mobile_money", "mobile_money_number": ""},
              "A mobile-money payout needs the phone number.")]
    for changes, message in cases:
        response = submit_form(admin_client, "/members/add", _member_form(type_id, **changes))
        assert response.status_code == 200 and message in text(response), message
    assert count(app, Member) == 0


def test_member_page_lists_dependents_and_claims(app, admin_client):
    with app.app_context():
        member = factories.member(first_name="Otieno")
        factories.dependent(member, first_name="Akinyi")
        claim = factories.claim(of=member)
        db.session.commit()
        pk, claim_number = member.id, claim.claim_number
    page = text(admin_client.get(f"/members/show/{pk}"))
    assert "Akinyi" in page and claim_number in page
    assert f"/dependents/add?_flt_0_member={pk}" in page


def _dependent_form(member_id, **changes):
    return {"member": str(member_id), "first_name": "Baraka", "last_name": "Kamau",
            "relationship_type": "child", "date_of_birth": "2016-02-01",
            "statutory_insurer_number": "", **changes}


def test_dependent_create_update_delete(app, committee_client, admin_client):
    with app.app_context():
        member_id = factories.member().id
        db.session.commit()
    response = submit_form(committee_client, f"/dependents/add?_flt_0_member={member_id}",
                           _dependent_form(member_id))
    assert response.status_code == 302
    with app.app_context():
        dependent = db.session.query(Dependent).one()
        assert dependent.member_id == member_id and dependent.status == "pending"
        pk = dependent.id
    assert "Baraka" in text(committee_client.get("/dependents/list/"))
    response = submit_form(committee_client, f"/dependents/edit/{pk}",
                           _dependent_form(member_id, first_name="Barack"))
    assert response.status_code == 302
    assert "Barack" in text(committee_client.get(f"/dependents/show/{pk}"))
    assert "Deleted" in delete(admin_client, "/dependents", pk)
    assert count(app, Dependent) == 0


def test_dependent_must_fit_the_membership_type(app, admin_client):
    with app.app_context():
        single = factories.member(membership_type=factories.membership_type("single"))
        family = factories.member()
        factories.dependent(family, "spouse", first_name="Mary")
        db.session.commit()
        single_id, family_id = single.id, family.id
    too_old = date(date.today().year - 19, 1, 1).isoformat()
    cases = [(single_id, {"relationship_type": "spouse"},
              "A Single membership does not cover a spouse."),
             (single_id, {}, "A Single membership does not cover children."),
             (family_id, {"date_of_birth": too_old}, "A child must be under 18 to be covered."),
             (family_id, {"relationship_type": "spouse"},
              "The member already has a spouse covered.")]
    for member_id, changes, message in cases:
        response = submit_form(admin_client, "/dependents/add",
                               _dependent_form(member_id, **changes))
        assert response.status_code == 200 and message in text(response), message
    assert count(app, Dependent) == 1


def test_the_covered_spouse_can_be_edited(app, admin_client):
    with app.app_context():
        family = factories.member()
        spouse = factories.dependent(family, "spouse", first_name="Mary")
        db.session.commit()
        family_id, pk = family.id, spouse.id
    response = submit_form(admin_client, f"/dependents/edit/{pk}",
                           _dependent_form(family_id, relationship_type="spouse",
                                           first_name="Maryanne", date_of_birth="1982-01-09"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Dependent, pk).first_name == "Maryanne"
        assert len(db.session.get(Member, family_id).dependents) == 1


def test_a_member_with_claims_is_not_deleted(app, admin_client):
    with app.app_context():
        busy = factories.claim().member
        idle = factories.member()
        db.session.commit()
        busy_id, idle_id = busy.id, idle.id
    page = delete(admin_client, "/members", busy_id)
    assert "cannot be deleted: 1 claim refer to it" in page
    assert "Close the record (change its status) instead." in page
    assert "Deleted" in delete(admin_client, "/members", idle_id)
    assert count(app, Member) == 1


def test_committee_cannot_delete_members(app, committee_client):
    with app.app_context():
        pk = factories.member().id
        db.session.commit()
    response = committee_client.post(f"/members/delete/{pk}", data={})
    assert response.status_code in (400, 403)
    assert count(app, Member) == 1
