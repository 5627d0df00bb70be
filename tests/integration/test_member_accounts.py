"""Members' logins: Admin makes them from the member's page or for many selected members, sees
each one-time password once, and the member must set his own password before anything else
(web pages redirect to the password form, the API answers 403) until he does."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from app.extensions import db
from app.models import Member, PasswordChangeDue
from tests import factories
from tests.helpers import TEST_PASSWORD, csrf_token, login, submit_form

NEW_PASSWORD = "Own-Secret-2026xy"
_LOGIN_ROW = re.compile(r"<code>([^<]+)</code></td><td><code>([^<]+)</code>")


def _members(app: Flask, *emails: str | None, linked_to: str | None = None) -> list[int]:
    with app.app_context():
        members = [factories.member(email=email) for email in emails]
        if linked_to:
            members[-1].user_id = factories.user_id(linked_to)
        db.session.commit()
        return [m.id for m in members]


def _create_login(client, pk: int):
    token = csrf_token(client, f"/members/show/{pk}")
    return client.post(f"/members/action/create_login/{pk}", data={"csrf_token": token})


def _credentials(response) -> list[tuple[str, str]]:
    return _LOGIN_ROW.findall(response.get_data(as_text=True))


def test_admin_creates_a_login_from_the_member_page_and_sees_the_password_once(
        app, admin_client):
    (pk,) = _members(app, "wanjiru@example.org")
    page = admin_client.get(f"/members/show/{pk}").get_data(as_text=True)
    assert "Create login" in page

    response = _create_login(admin_client, pk)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    [(username, password)] = _credentials(response)
    assert "not shown again" in response.get_data(as_text=True)
    with app.app_context():
        member = db.session.get(Member, pk)
        assert username == member.member_number.lower()
        user = app.appbuilder.sm.find_user(username=username)
        assert member.user_id == user.id and [r.name for r in user.roles] == ["Member"]
        assert password not in user.password  # only FAB's hash is kept
        assert db.session.get(PasswordChangeDue, user.id) is not None
    # A second time: refused, nothing shown.
    again = _create_login(admin_client, pk)
    assert _credentials(again) == []
    assert "This member already has a login." in again.get_data(as_text=True)


def test_bulk_creation_skips_members_without_email_or_with_a_login(app, admin_client):
    with_email, without, linked = _members(app, "a@example.org", None, None)
    with app.app_context():
        db.session.get(Member, linked).user_id = factories.user_id("member2")
        db.session.commit()
    token = csrf_token(admin_client, "/members/list/")
    response = admin_client.post("/members/action_post", data={
        "csrf_token": token, "action": "create_login", "rowid": [with_email, without, linked]})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert len(_credentials(response)) == 1
    assert "This member has no e-mail address: add one first." in page
    assert "This member already has a login." in page


@pytest.mark.parametrize("username", ["committee1", "member1"])
def test_only_admin_creates_logins(app, client_for, username):
    (pk,) = _members(app, "b@example.org")
    with app.app_context():
        db.session.get(Member, pk).user_id = None
        db.session.commit()
    client = client_for(username)
    token = csrf_token(client, "/resetmypassword/form")  # any form of his gives the token
    response = client.post(f"/members/action/create_login/{pk}", data={"csrf_token": token})
    assert response.status_code in (403, 404)
    with app.app_context():
        assert db.session.get(Member, pk).user_id is None


def test_first_login_must_set_his_own_password_before_anything_else(app, admin_client):
    (pk,) = _members(app, "c@example.org")
    [(username, password)] = _credentials(_create_login(admin_client, pk))

    member = app.test_client()
    assert login(member, username, password).status_code == 302
    for url in ("/", "/claims/list/", "/my/", "/dependents/add"):
        response = member.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].endswith("/resetmypassword/form"), url
    assert member.get("/resetmypassword/form").status_code == 200

    token = member.post("/api/v1/security/login", json={
        "username": username, "password": password, "provider": "db"}).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    answer = member.get("/api/v1/claim/", headers=headers)
    assert answer.status_code == 403
    assert "Set your own password first" in answer.get_json()["message"]
    assert app.test_client().get(f"/api/v1/member/{pk}/balance", headers=headers
                                 ).status_code == 403

    # A password breaking the complexity rule is refused and changes nothing.
    weak = submit_form(member, "/resetmypassword/form", {"password": "short",
                                                          "conf_password": "short"})
    assert weak.status_code == 200
    assert member.get("/claims/list/").status_code == 302

    done = submit_form(member, "/resetmypassword/form", {"password": NEW_PASSWORD,
                                                          "conf_password": NEW_PASSWORD})
    assert done.status_code == 302
    home = member.get("/")
    assert home.status_code == 200 and "Benefit balance" in home.get_data(as_text=True)
    assert member.get("/claims/list/").status_code == 200
    assert app.test_client().get("/api/v1/claim/", headers=headers).status_code == 200
    with app.app_context():
        assert db.session.query(PasswordChangeDue).count() == 0
    # The one-time password no longer works; his own does.
    assert "/login/" in login(app.test_client(), username, password).headers["Location"]
    assert login(app.test_client(), username, NEW_PASSWORD).status_code == 302


def test_logins_that_never_had_a_one_time_password_are_not_held_up(member_client):
    assert member_client.get("/claims/list/").status_code == 200


def test_cli_creates_logins_for_all_members_with_email_and_no_login(app):
    _members(app, "d@example.org", "e@example.org", None)
    result = app.test_cli_runner().invoke(args=["claimdesk", "create-member-logins"])
    assert result.exit_code == 0, result.output
    lines = [line.split("\t") for line in result.output.splitlines() if "\t" in line]
    created = [parts for parts in lines if len(parts) == 3]
    assert len(created) == 2 and "2 logins created, 0 skipped." in result.output
    _, username, password = created[0]
    assert login(app.test_client(), username, password).status_code == 302
    again = app.test_cli_runner().invoke(args=["claimdesk", "create-member-logins"])
    assert "0 logins created" in again.output
    assert TEST_PASSWORD not in result.output
