"""The Member role's row rule on every path: REST, screens, actions; staff-members unrestricted."""

from __future__ import annotations

import pytest
from flask import redirect
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.interface import SQLAInterface

from app import create_app
from app import security as perms
from app.extensions import db
from app.models import Claim
from app.services.roles import sync_roles
from app.views.base import ClaimdeskModelView
from tests import factories
from tests.conftest import test_config
from tests.helpers import TEST_PASSWORD, csrf_token, login


@pytest.fixture
def two_members(app):
    with app.app_context():
        mine = factories.member(first_name="Own", user_id=factories.user_id("member1"))
        other = factories.member(first_name="Other")
        own_claim, other_claim = factories.claim(of=mine), factories.claim(of=other)
        db.session.commit()
        return {"own": own_claim.id, "other": other_claim.id, "other_member": other.id}


def claim_status(app, pk):
    with app.app_context():
        return db.session.get(Claim, pk).status


def test_rest_answers_404_for_another_members_claim(app, api_headers, two_members):
    headers = api_headers("member1")
    client = app.test_client()
    other = two_members["other"]
    assert client.get(f"/api/v1/claim/{two_members['own']}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/claim/{other}", headers=headers).status_code == 404
    assert client.put(f"/api/v1/claim/{other}", json={"claim_type": "dental"},
                      headers=headers).status_code == 404
    # Members may not delete at all: refused before the record is looked up.
    assert client.delete(f"/api/v1/claim/{other}", headers=headers).status_code in (403, 404)
    assert claim_status(app, other) == "draft"
    member = two_members["other_member"]
    assert client.get(f"/api/v1/member/{member}", headers=headers).status_code == 404


def test_screens_answer_404_for_another_members_claim(app, member_client, two_members):
    other = two_members["other"]
    assert member_client.get(f"/claims/show/{two_members['own']}").status_code == 200
    assert member_client.get(f"/claims/show/{other}").status_code == 404
    assert member_client.get(f"/claims/edit/{other}").status_code == 404
    token = csrf_token(member_client, "/resetmypassword/form")
    response = member_client.post(f"/claims/edit/{other}", data={"csrf_token": token})
    assert response.status_code == 404
    assert member_client.post(f"/claims/delete/{other}",
                              data={"csrf_token": token}).status_code in (403, 404)
    assert claim_status(app, other) == "draft"


def test_staff_who_are_fund_members_see_every_claim(app, two_members):
    with app.app_context():
        sm = app.appbuilder.sm
        user = sm.add_user("committee_member", "Comm", "Member", "cm@example.org",
                           [sm.find_role("Committee"), sm.find_role("Member")], TEST_PASSWORD)
        factories.member(first_name="Staff", user_id=user.id)
        db.session.commit()
    client = app.test_client()
    login(client, "committee_member")
    assert client.get(f"/claims/show/{two_members['other']}").status_code == 200
    assert client.get(f"/api/v1/claim/{two_members['other']}").status_code == 200


# --- Actions: FAB loads their rows without base_filters; ours re-load them through the rule -----


class WithdrawProbeView(ClaimdeskModelView):
    """A view with one action, as the claim screens will have (registered on its own app)."""

    datamodel = SQLAInterface(Claim)
    class_permission_name = perms.CLAIM
    route_base = "/probe-claims"
    method_permission_name = {**perms.MODEL_METHOD_PERMISSIONS, "withdraw": perms.TRANSITION}

    @action("withdraw", "Withdraw", "", "fa-undo")
    def withdraw(self, items):
        for item in items if isinstance(items, list) else [items]:
            item.status = "withdrawn"
        db.session.commit()
        return redirect("/")


@pytest.fixture(scope="module")
def probe_app(app):
    application = create_app(test_config())
    with application.app_context():
        application.appbuilder.add_view_no_menu(WithdrawProbeView)
        sync_roles()
        db.session.remove()
    return application


@pytest.fixture
def probe_member(probe_app):
    client = probe_app.test_client()
    login(client, "member1")
    return client, csrf_token(client, "/resetmypassword/form")


def test_a_member_cannot_act_on_another_members_claim_from_the_list(app, probe_member,
                                                                    two_members):
    client, token = probe_member
    response = client.post("/probe-claims/action_post", data={
        "action": "withdraw", "rowid": [str(two_members["own"]), str(two_members["other"])],
        "csrf_token": token,
    })
    assert response.status_code == 404
    assert claim_status(app, two_members["other"]) == "draft"
    assert claim_status(app, two_members["own"]) == "draft"  # all or nothing


def test_a_member_cannot_act_on_another_members_claim_from_its_page(app, probe_member,
                                                                    two_members):
    client, token = probe_member
    other = two_members["other"]
    response = client.post(f"/probe-claims/action/withdraw/{other}",
                           data={"csrf_token": token})
    assert response.status_code == 404
    assert claim_status(app, other) == "draft"


def test_a_member_acts_on_his_own_claim(app, probe_member, two_members):
    client, token = probe_member
    own = two_members["own"]
    response = client.post("/probe-claims/action_post", data={
        "action": "withdraw", "rowid": [str(own)], "csrf_token": token})
    assert response.status_code == 302
    assert claim_status(app, own) == "withdrawn"


def test_a_role_without_the_actions_permission_is_refused(app, probe_app, two_members):
    client = probe_app.test_client()
    login(client, "auditor")
    token = csrf_token(client, "/resetmypassword/form")
    response = client.post(f"/probe-claims/action/withdraw/{two_members['own']}",
                           data={"csrf_token": token})
    assert response.status_code == 403
    assert claim_status(app, two_members["own"]) == "draft"
