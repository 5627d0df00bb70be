"""GET /health: what a load balancer sees, logged in or not."""

from __future__ import annotations

import pytest

from app import create_app
from tests.conftest import test_config


def test_health_answers_ok_without_login_when_the_database_answers(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json()["status"] == "ok"


def test_health_needs_no_session_and_no_csrf_token(app):
    # A fresh client without cookies, on an app whose CSRF protection is on.
    assert app.config["WTF_CSRF_ENABLED"]
    response = app.test_client().get("/health")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
    # Only GET (and HEAD) exist, so there is nothing a forged POST could do.
    assert app.test_client().post("/health").status_code == 405
    assert app.test_client().head("/health").status_code == 200


def test_health_is_not_rate_limited(client):
    assert all(client.get("/health").status_code == 200 for _ in range(30))


@pytest.mark.parametrize(
    "unreachable_url",
    [
        "postgresql+psycopg2://claimdesk@127.0.0.1:1/claimdesk",
        "sqlite:////nonexistent-claimdesk-dir/no/claimdesk.db",
    ],
    ids=["postgresql-port-closed", "sqlite-missing-directory"],
)
def test_health_answers_503_with_json_when_the_database_is_unreachable(unreachable_url):
    app = create_app(test_config(SQLALCHEMY_DATABASE_URI=unreachable_url))
    response = app.test_client().get("/health")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["message"] == "The database is unreachable."
    # Connection details stay in the server's log.
    assert "127.0.0.1" not in response.get_data(as_text=True)
    assert "nonexistent" not in response.get_data(as_text=True)
