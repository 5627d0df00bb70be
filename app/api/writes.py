"""What the REST routes need beyond FAB: ids from the URL, the JSON body, bad input as 400, the
domain's refusals as their status and database refusals as 409/422."""

from __future__ import annotations

import re
from functools import update_wrapper
from typing import TYPE_CHECKING, Any, Callable

from flask import Response, request
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import BadRequest

from app.api.fields import ID_MAX
from app.api.query import BadQuery, is_storable_text
from app.extensions import db
from app.services.errors import DomainError, ValidationFailed

if TYPE_CHECKING:
    from flask_appbuilder.api import BaseApi

_DIGITS = re.compile(r"[0-9]{1,19}")
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: ([\w., ]+)")
_PG_KEY = re.compile(r"Key \(([^)]+)\)=")


def parse_pk(pk: Any) -> int | None:
    """The record id in a URL, or None when it cannot name a record (a 404, never an error)."""
    text = str(pk)
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= ID_MAX else None


def integrity_failure(error: IntegrityError, model: type, fields: list[str]) -> tuple[int, Any]:
    """(status, message) for a write the database refused; the checks before it missed a race
    (two clients taking the same unique value) or a rule only the database knows."""
    text = str(error.orig)
    lowered = text.lower()
    if "unique" in lowered or "duplicate key" in lowered:
        field = _unique_field(text, fields)
        if field:
            return 409, {field: ["This value is already used by another record."]}
        return 409, "This record would duplicate an existing one."
    for constraint in model.__table__.constraints:
        if constraint.name and str(constraint.name) in text:
            return 422, f"The record breaks the rule {constraint.name}."
    if "foreign key" in lowered:
        return 422, "A record this one refers to does not exist."
    return 422, "The record breaks a rule of the database."


def _unique_field(text: str, fields: list[str]) -> str | None:
    match = _SQLITE_UNIQUE.search(text) or _PG_KEY.search(text)
    if not match:
        return None
    for column in (c.strip().split(".")[-1] for c in match.group(1).split(",")):
        for name in (column, column.removesuffix("_id")):
            if name in fields:
                return name
    return None


class BadBody(Exception):
    """A request body of the wrong form; ``message`` is a text or {field: [messages]}."""

    def __init__(self, message: Any) -> None:
        super().__init__(message)
        self.message = message


def load_step_request(schemas: dict[str, type], data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(action, checked values) of a transition's body, given each action's request schema; or
    BadBody naming each wrong field."""
    action = data.get("action")
    schema = schemas.get(action) if isinstance(action, str) else None
    if schema is None:
        raise BadBody({"action": ["Choose one of: " + ", ".join(schemas) + "."]})
    try:
        values = schema().load(data)
    except ValidationError as error:
        raise BadBody(error.messages) from None
    values.pop("action")
    return action, values


def domain_failure(error: DomainError) -> tuple[int, Any]:
    """(status, message) of a refusal by the fund's rules (app.services.errors): a rule
    violation names each field, {"field": ["message"]}; any other refusal is its text."""
    if isinstance(error, ValidationFailed):
        return error.status, {field: [message] for field, message in error.errors.items()}
    return error.status, error.message


def answers_bad_input(f: Callable[..., Response]) -> Callable[..., Response]:
    """Route decorator, the one place where a request of the wrong form becomes a 400 and a
    refusal by the fund's rules (app.services.errors) its own status (403, 404, 409, 422), after
    a rollback. Anything else propagates to the app's JSON error handlers (FAB's ``safe`` turned
    every exception, 413 included, into a 500)."""

    def wraps(self: BaseApi, *args: Any, **kwargs: Any) -> Response:
        try:
            return f(self, *args, **kwargs)
        except (BadBody, BadQuery) as e:
            db.session.rollback()
            return self.response_400(message=e.message)
        except DomainError as e:
            db.session.rollback()
            status, message = domain_failure(e)
            return self.response(status, message=message)

    return update_wrapper(wraps, f)


def json_body() -> dict[str, Any]:
    if not request.is_json:
        raise BadBody("Send the record as JSON (Content-Type: application/json).")
    try:
        data = request.get_json()
    except (BadRequest, RecursionError):
        raise BadBody("The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise BadBody("The body must be a JSON object.")
    if not is_storable_text(data):
        raise BadBody("The body holds a character that is not valid text.")
    return data
