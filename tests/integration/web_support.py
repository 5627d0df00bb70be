"""Small helpers shared by the web-screen tests."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from tests.helpers import csrf_token


def delete(client: FlaskClient, base: str, pk: int) -> str:
    """Press a list's delete button (a POST with the page's token); return the page after it."""
    token = csrf_token(client, f"{base}/list/")
    response = client.post(f"{base}/delete/{pk}", data={"csrf_token": token},
                           follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def count(app: Flask, model: type, **where: Any) -> int:
    with app.app_context():
        return db.session.query(model).filter_by(**where).count()


def text(response) -> str:
    return response.get_data(as_text=True)
