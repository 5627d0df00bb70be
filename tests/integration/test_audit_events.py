"""Each audited action, done the way a user does it, leaves exactly the expected event: changes
of records (values for money, statuses, dates and references; personal fields by name only;
secrets never), logins, failed logins, logouts, password changes, user and role changes,
settings, staff's looks at a member's claim, and bulk runs."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Setting
from tests import factories
from tests.helpers import TEST_PASSWORD, login, submit_form
from tests.integration import test_api_lifecycle as lifecycle
from tests.integration.test_api_lifecycle import SUBMITTED, draft
from tests.integration.web_support import delete

fund = lifecycle.fund  # member1's record and the GP consultation

SECRET_MARKERS = ("scrypt", "pbkdf2", TEST_PASSWORD)


def events(app, *where) -> list[AuditEvent]:
    with app.app_context():
        rows = db.session.scalars(sa.select(AuditEvent).where(*where).order_by(AuditEvent.id))
        found = list(rows)
        db.session.expunge_all()
        return found


def one(app, *where) -> tuple[AuditEvent, dict]:
    found = events(app, *where)
    assert len(found) == 1, [(e.action, e.details) for e in found]
    return found[0], json.loads(found[0].details)


def no_secret_anywhere(app) -> None:
    for event in events(app):
        for marker in SECRET_MARKERS:
            assert marker not in (event.details or ""), event.action


@pytest.fixture
def member_id(app):
    with app.app_context():
        member = factories.member(phone="+254711000001", email="amina@example.org")
        db.session.commit()
        return member.id


# --- Changes of records -----------------------------------------------------------------------


def test_a_rest_update_keeps_money_old_and_new(app, api_headers):
    with app.app_context():
        kind = factories.membership_type("single")
        db.session.commit()
        pk = kind.id
    response = app.test_client().put(f"/api/v1/membershiptype/{pk}", headers=api_headers("admin"),
                                     json={"contribution": "7500.00"})
    assert response.status_code == 200, response.get_json()
    event, details = one(app, AuditEvent.action == "membershiptype.update")
    assert (event.resource_type, event.resource_id, event.actor_name) == (
        "membershiptype", str(pk), "admin")
    assert details["changed"] == {"contribution": {"old": "6000.00", "new": "7500.00"}}
    assert event.occurred_at and event.ip_address == "127.0.0.1" and event.user_agent


def test_personal_fields_are_named_never_shown(app, member_id, api_headers):
    response = app.test_client().put(
        f"/api/v1/member/{member_id}", headers=api_headers("admin"),
        json={"first_name": "Aminah", "national_id": "29999999", "date_of_birth": "1981-06-01"})
    assert response.status_code == 200, response.get_json()
    event, details = one(app, AuditEvent.action == "member.update")
    assert details["personal_changed"] == ["first_name", "national_id"]
    assert details["changed"] == {"date_of_birth": {"old": "1980-05-17", "new": "1981-06-01"}}
    assert "Aminah" not in event.details and "29999999" not in event.details


def test_a_created_record_has_its_values_and_a_deleted_one_its_last(app, admin_client):
    response = submit_form(admin_client, "/providers/add", {
        "name": "Coast General", "provider_type": "hospital", "registration_code": "H-77",
        "country": "KE", "active": "y"})
    assert response.status_code == 302
    created, details = one(app, AuditEvent.action == "provider.create")
    assert details["values"]["name"] == "Coast General"
    assert details["values"]["registration_code"] == "H-77"
    delete(admin_client, "/providers", int(created.resource_id))
    deleted, details = one(app, AuditEvent.action == "provider.delete")
    assert deleted.resource_id == created.resource_id and deleted.actor_name == "admin"
    assert details["values"]["name"] == "Coast General"


def test_a_settings_change_is_recorded_with_both_values(app, api_headers):
    with app.app_context():
        from app.services.settings import set_setting

        set_setting("committee_quorum", 4)
        db.session.commit()
        pk = db.session.scalar(sa.select(Setting.id).where(Setting.key == "committee_quorum"))
    response = app.test_client().put(f"/api/v1/setting/{pk}", headers=api_headers("admin"),
                                     json={"value": "6"})
    assert response.status_code == 200, response.get_json()
    event, details = one(app, AuditEvent.action == "setting.update")
    assert details["changed"]["value"] == {"old": "4", "new": "6"}
    assert event.actor_name == "admin"


# --- Logins, logouts, passwords ---------------------------------------------------------------


def test_logins_failed_logins_and_logouts(app, client):
    login(client, "committee1", "wrong-password")
    login(client, "nobody-such", "whatever")
    assert login(client, "committee1").status_code == 302
    client.get("/logout/")
    failed = events(app, AuditEvent.action == "user.login_failed")
    assert [json.loads(e.details)["username"] for e in failed] == ["committee1", "nobody-such"]
    assert all(e.actor_id is None and e.ip_address == "127.0.0.1" for e in failed)
    login_event, details = one(app, AuditEvent.action == "user.login")
    assert login_event.actor_name == "committee1" and details["via"] == "web"
    logout, _ = one(app, AuditEvent.action == "user.logout")
    assert logout.actor_name == "committee1"
    no_secret_anywhere(app)


def test_an_api_login_is_recorded(app, api_headers):
    api_headers("auditor")
    event, details = one(app, AuditEvent.action == "user.login")
    assert event.actor_name == "auditor" and details["via"] == "api"


def test_a_password_change_is_recorded_without_the_password(app, client_for):
    user = client_for("finance")
    new_password = "Another-Pass-2026xy"
    response = submit_form(user, "/resetmypassword/form",
                           {"password": new_password, "conf_password": new_password})
    assert response.status_code == 302
    event, details = one(app, AuditEvent.action == "user.password_change")
    assert event.actor_name == "finance" and details == {"own": True}
    assert not events(app, AuditEvent.action == "user.update")  # the hash is no "change" event
    no_secret_anywhere(app)
    with app.app_context():  # back to the suite's password for the other tests
        sm = app.appbuilder.sm
        sm.reset_password(sm.find_user(username="finance").id, TEST_PASSWORD)


def test_role_changes_of_a_user_are_recorded(app, admin_client):
    with app.app_context():
        sm = app.appbuilder.sm
        user = sm.add_user(username="clerk", first_name="Wanjiru", last_name="Kamau",
                           email="clerk@example.org", role=sm.find_role("Finance"),
                           password=TEST_PASSWORD)
        pk = user.id
        auditor_role = sm.find_role("Auditor").id
        finance_role = sm.find_role("Finance").id
    created, details = one(app, AuditEvent.action == "user.create",
                           AuditEvent.resource_id == str(pk))
    assert details["values"]["username"] == "clerk"
    assert set(details["personal"]) >= {"first_name", "last_name", "email"}
    response = submit_form(admin_client, f"/users/edit/{pk}", {
        "first_name": "Wanjiru", "last_name": "Kamau", "username": "clerk", "active": "y",
        "email": "clerk@example.org", "roles": [str(finance_role), str(auditor_role)]})
    assert response.status_code == 302
    event, details = one(app, AuditEvent.action == "user.update",
                         AuditEvent.resource_id == str(pk))
    assert details["collections"] == {"roles": {"added": ["Auditor"]}}
    assert event.actor_name == "admin"
    no_secret_anywhere(app)


# --- Looks at a member's claim ----------------------------------------------------------------


@pytest.fixture
def claim_of_member1(app):
    with app.app_context():
        member = factories.member(user_id=factories.user_id("member1"))
        claim = factories.claim(member)
        db.session.commit()
        return claim.id, member.id


def test_staff_opening_a_claim_is_recorded_and_its_member_is_not(app, claim_of_member1,
                                                                 committee_client, member_client,
                                                                 api_headers):
    claim_id, member = claim_of_member1
    assert committee_client.get(f"/claims/show/{claim_id}").status_code == 200
    assert member_client.get(f"/claims/show/{claim_id}").status_code == 200
    response = app.test_client().get(f"/api/v1/claim/{claim_id}", headers=api_headers("auditor"))
    assert response.status_code == 200
    looks = events(app, AuditEvent.action == "claim.view")
    assert [(e.actor_name, e.resource_id, json.loads(e.details)["via"]) for e in looks] == [
        ("committee1", str(claim_id), "web"), ("auditor", str(claim_id), "api")]
    assert all(json.loads(e.details)["member_id"] == member for e in looks)


# --- Bulk runs ---------------------------------------------------------------------------------


def test_a_bulk_run_has_an_event_per_claim_and_one_for_the_run(app, fund, api_headers):
    ids = [draft(fund, SUBMITTED) for _ in range(3)]
    response = app.test_client().post(
        "/api/v1/claim/bulk_transition", headers=api_headers("committee1"),
        json={"action": "start_review", "ids": [*ids, 999999]})
    assert response.status_code == 200, response.get_json()
    per_claim = events(app, AuditEvent.action == "claim.start_review")
    assert sorted(int(e.resource_id) for e in per_claim) == ids
    run, details = one(app, AuditEvent.action == "claim.bulk_start_review")
    assert details["done"] == [int(e.resource_id) for e in per_claim] and details["asked"] == 4
    assert list(details["refused"]) == ["999999"]
    assert run.id > max(e.id for e in per_claim) and run.actor_name == "committee1"
    # The transitions described the claims' changes: no generic event besides.
    assert not events(app, AuditEvent.action.in_(["claim.update", "claimitem.update"]))


def test_staff_opening_a_chronic_request_is_recorded(app, committee_client, member_client,
                                                     api_headers):
    with app.app_context():
        member = factories.member(user_id=factories.user_id("member1"))
        request_id = factories.chronic_request(member).id
        db.session.commit()
    assert committee_client.get(f"/chronic-requests/show/{request_id}").status_code == 200
    assert member_client.get(f"/chronic-requests/show/{request_id}").status_code == 200
    response = app.test_client().get(f"/api/v1/chronicrequest/{request_id}",
                                     headers=api_headers("admin"))
    assert response.status_code == 200
    looks = events(app, AuditEvent.action == "chronicrequest.view")
    assert [(e.actor_name, e.resource_id) for e in looks] == [
        ("committee1", str(request_id)), ("admin", str(request_id))]


def test_a_logout_at_the_idle_timeout_is_recorded(app, client_for):
    import time

    from app.auth import LAST_SEEN

    user = client_for("committee2")
    with user.session_transaction() as session:
        session[LAST_SEEN] = time.time() - 31 * 60
    user.get("/claims/list/")
    event, details = one(app, AuditEvent.action == "user.logout")
    assert event.actor_name == "committee2" and details == {"reason": "idle"}
