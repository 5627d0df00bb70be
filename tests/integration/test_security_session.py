"""The session cookie's flags, the 30-minute idle timeout, and which responses write the
cookie (only those that change the session: a stale answer must not undo a newer one)."""

from __future__ import annotations

import time

from app.auth import LAST_SEEN
from app.extensions import db
from tests import factories
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
    assert "Expires=" in cookie  # a permanent session: its lifetime restarts when it is written
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


def session_cookies(response) -> list[str]:
    return [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]


def test_the_idle_clock_is_renewed_at_most_once_a_minute(client_for):
    # A pick-list search: FAB's pages also keep their own history in the session.
    client = client_for("auditor")
    stamp = time.time() - 40
    with client.session_transaction() as session:
        session[LAST_SEEN] = stamp
    response = client.get("/lookup/providers/?q=Nairobi")
    assert response.status_code == 200 and session_cookies(response) == []
    with client.session_transaction() as session:
        assert session[LAST_SEEN] == stamp

    with client.session_transaction() as session:
        session[LAST_SEEN] = time.time() - 90
    response = client.get("/lookup/providers/?q=Nairobi")
    assert response.status_code == 200 and session_cookies(response)
    with client.session_transaction() as session:
        assert time.time() - session[LAST_SEEN] < 60


def test_static_files_and_pick_list_searches_leave_the_session_cookie_alone(app, client_for):
    with app.app_context():
        factories.provider("Nairobi West Hospital")
        db.session.commit()
    client = client_for("committee1")
    assert client.get("/users/userinfo/").status_code == 200  # the idle clock's stamp is set
    for url in ("/static/js/lookup.js", "/static/appbuilder/css/ab.css",
                "/lookup/providers/?q=Nairobi"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert session_cookies(response) == [], url
    assert "Nairobi West Hospital" in response.get_data(as_text=True)


def test_a_slow_answer_sent_before_the_logout_does_not_log_the_user_back_in(client_for):
    """The browser sends a search with the logged-in cookie, the user logs out, then the
    search's answer arrives: it must not carry the old session back."""
    client = client_for("committee1")
    assert client.get("/users/userinfo/").status_code == 200
    logged_in = client.get_cookie("session").value
    assert client.get("/logout/").status_code == 302
    assert client.get_cookie("session").value != logged_in

    client.set_cookie("session", logged_in)  # the request sent before the logout
    late = client.get("/lookup/providers/?q=Nairobi")
    assert late.status_code == 200 and session_cookies(late) == []


def test_static_files_are_no_activity_and_the_idle_timeout_still_logs_out(client_for):
    client = client_for("auditor")
    with client.session_transaction() as session:
        session[LAST_SEEN] = time.time() - 31 * 60
    static = client.get("/static/js/lookup.js")
    assert static.status_code == 200 and session_cookies(static) == []
    lookup = client.get("/lookup/providers/?q=Nairobi")  # no search for an idle session
    assert lookup.status_code in (302, 401, 403) and session_cookies(lookup)
    response = client.get("/users/userinfo/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]
    page = client.get("/login/").get_data(as_text=True)
    assert "logged out after 30 minutes without activity" in page
