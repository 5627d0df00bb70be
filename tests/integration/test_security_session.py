"""The session cookie's flags and the 30-minute idle timeout."""

from __future__ import annotations

import time

from app.auth import LAST_SEEN
from tests.helpers import _CSRF, TEST_PASSWORD, login


def session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, "no session cookie set"
    return cookies[-1]


def test_the_session_cookie_is_httponly_lax_and_lasts_thirty_minutes(app):
    client = app.test_client()
    cookie = session_cookie(login(client, "committee1"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http in development
    assert app.permanent_session_lifetime.total_seconds() == 30 * 60
    assert "Expires=" in cookie  # a permanent session: its lifetime restarts on each request
    assert "Expires=" in session_cookie(client.get("/users/userinfo/"))


def test_the_session_cookie_is_secure_over_https(app):
    client = app.test_client()
    response = login_over_https(client)
    assert "Secure" in session_cookie(response)


def login_over_https(client):
    page = client.get("/login/", base_url="https://localhost").get_data(as_text=True)
    token = _CSRF.search(page)
    return client.post(
        "/login/",
        data={"username": "finance", "password": TEST_PASSWORD,
              "csrf_token": token.group(1) or token.group(2)},
        base_url="https://localhost",
        # Over HTTPS Flask-WTF also wants the request to come from our own pages.
        headers={"Referer": "https://localhost/login/"},
    )


def test_a_session_idle_for_thirty_minutes_is_logged_out(client_for):
    client = client_for("auditor")
    assert client.get("/users/userinfo/").status_code == 200
    with client.session_transaction() as session:
        session[LAST_SEEN] = time.time() - 31 * 60
    response = client.get("/users/userinfo/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]
    page = client.get("/login/").get_data(as_text=True)
    assert "logged out after 30 minutes without activity" in page


def test_activity_within_thirty_minutes_keeps_the_session(client_for):
    client = client_for("auditor")
    with client.session_transaction() as session:
        session[LAST_SEEN] = time.time() - 29 * 60
    assert client.get("/users/userinfo/").status_code == 200
    with client.session_transaction() as session:
        assert time.time() - session[LAST_SEEN] < 60  # the clock restarted
