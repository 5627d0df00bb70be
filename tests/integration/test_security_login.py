"""Account lockout on the login form and the login API, and the API login's rate limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from limits import parse

from app.extensions import db
from app.models import LoginThrottle
from app.models.base import utcnow
from tests.helpers import TEST_PASSWORD, login

WRONG = "not-the-password-1A"
LOCKED = "Too many failed logins"


def api_login(client, username, password=TEST_PASSWORD):
    return client.post(
        "/api/v1/security/login",
        json={"username": username, "password": password, "provider": "db", "refresh": False},
    )


def form_login(client, username, password=TEST_PASSWORD):
    """Log in through the form; answer the page shown after it (with its flashed message)."""
    login(client, username, password)
    return client.get("/login/", follow_redirects=True).get_data(as_text=True)


def move_lock_into_the_past(app, username):
    with app.app_context():
        db.session.execute(
            sa.update(LoginThrottle)
            .where(LoginThrottle.username == username)
            .values(locked_until=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()


def test_five_failed_form_logins_lock_the_account_even_for_the_right_password(app):
    client = app.test_client()
    for _ in range(4):
        assert "Invalid login" in form_login(client, "committee1", WRONG)
    assert LOCKED in form_login(client, "committee1", WRONG)
    page = form_login(client, "committee1")
    assert LOCKED in page and "15 minutes" in page
    assert client.get("/claims/list/").status_code in (302, 401)


def test_the_lock_expires_after_fifteen_minutes(app):
    client = app.test_client()
    for _ in range(5):
        form_login(client, "finance", WRONG)
    assert LOCKED in form_login(client, "finance")
    move_lock_into_the_past(app, "finance")
    form_login(client, "finance")
    assert client.get("/users/userinfo/").status_code == 200


def test_a_successful_login_resets_the_count(app):
    client = app.test_client()
    for _ in range(4):
        form_login(client, "auditor", WRONG)
    form_login(client, "auditor")
    client.get("/logout/")
    for _ in range(4):
        assert "Invalid login" in form_login(client, "auditor", WRONG)
    form_login(client, "auditor")
    assert client.get("/users/userinfo/").status_code == 200


def test_the_api_login_is_locked_too_and_shares_the_count_with_the_form(app):
    client = app.test_client()
    for _ in range(3):
        form_login(client, "member1", WRONG)
    assert api_login(client, "member1", WRONG).status_code == 401
    response = api_login(client, "member1", WRONG)
    assert response.status_code == 401 and LOCKED in response.get_json()["message"]
    response = api_login(client, "member1")
    assert response.status_code == 401
    assert LOCKED in response.get_json()["message"]
    assert "access_token" not in response.get_json()
    move_lock_into_the_past(app, "member1")
    assert api_login(client, "member1").status_code == 200


def test_logging_in_by_e_mail_counts_against_the_same_account(app):
    client = app.test_client()
    for _ in range(5):
        api_login(client, "member2@example.org", WRONG)
    assert LOCKED in api_login(client, "member2").get_json()["message"]


def test_a_lock_does_not_tell_whether_the_user_exists(app):
    client = app.test_client()
    answers = {}
    for username in ("member2", "nobody-by-this-name"):
        for _ in range(5):
            form_login(client, username, WRONG)
        response = api_login(client, username)
        answers[username] = (response.status_code, response.get_json())
    assert answers["member2"] == answers["nobody-by-this-name"]
    assert answers["member2"][0] == 401


def test_the_api_login_is_rate_limited_with_a_json_429(app):
    client = app.test_client()
    allowed = parse(app.config["API_LOGIN_RATE_LIMIT"]).amount
    for _ in range(allowed):
        # Not JSON: refused before any password is checked, but counted by the limit.
        assert client.post("/api/v1/security/login", data="x").status_code == 400
    response = api_login(client, "admin")
    assert response.status_code == 429
    assert response.is_json and response.get_json()["message"]
    assert int(response.headers["Retry-After"]) >= 1


@pytest.mark.parametrize("username", ["", " "])
def test_an_empty_username_is_refused_without_a_lock(app, username):
    client = app.test_client()
    assert api_login(client, username).status_code in (400, 401)
    with app.app_context():
        assert db.session.query(LoginThrottle).count() == 0
