"""Helpers that act as a user would: fetch a form, take its CSRF token, post it."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

TEST_PASSWORD = "Claimdesk-Test-2026ab"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(client: FlaskClient, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, f"GET {url} answered {page.status_code}"
    match = _CSRF.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


def submit_form(client: FlaskClient, url: str, data: dict[str, Any], **kwargs: Any):
    """GET the form at ``url`` and POST ``data`` with its CSRF token, as a browser would."""
    token = csrf_token(client, url)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def login(client: FlaskClient, username: str, password: str = TEST_PASSWORD):
    return submit_form(client, "/login/", {"username": username, "password": password})


def api_token(client: FlaskClient, username: str, password: str = TEST_PASSWORD) -> str:
    response = client.post(
        "/api/v1/security/login",
        json={"username": username, "password": password, "provider": "db", "refresh": False},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["access_token"]
