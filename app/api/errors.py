"""JSON errors for every /api/ path, whatever raised them (routing, size limit, rate limit, JWT).

Web pages keep Flask's (or another handler's) answer: each handler here answers only for /api/
paths and hands every other path to the handler registered before it, if any.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
HANDLED_CODES = (400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500)
MESSAGES = {
    404: "Not found.",
    405: "This method is not allowed here.",
    413: "The request is too large.",
    429: "Too many requests: wait a moment and try again.",
    500: "Internal error.",
}


def json_error(status: int, message: Any, headers: Any = None) -> Response:
    response = jsonify(message=message)
    response.status_code = status
    for name, value in headers or ():
        if name.lower() in ("retry-after", "allow", "www-authenticate"):
            response.headers[name] = value
    return response


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def register_error_handlers(app: Flask) -> None:
    """Registered once by app.registry.register_views."""
    for code in HANDLED_CODES:
        previous = app.error_handler_spec.get(None, {}).get(code, {})
        app.register_error_handler(code, _api_error_handler(code, dict(previous)))
    _register_jwt_loaders(app)


def _api_error_handler(code: int, previous: dict[type, Callable[..., Any]]) -> Callable[..., Any]:
    def handle(error: HTTPException) -> Any:
        if not is_api_request():
            for exc_class in type(error).__mro__:
                if exc_class in previous:
                    return previous[exc_class](error)
            return error
        if code == 500:
            original = getattr(error, "original_exception", None)
            if original is not None:
                log.error("API request failed", exc_info=original)
        message = MESSAGES.get(code) or error.description or error.name
        headers = error.get_response().headers.items() if code != 500 else ()
        return json_error(code, message, headers)

    return handle


def _register_jwt_loaders(app: Flask) -> None:
    """flask-jwt-extended answers a bad token with 422 and {"msg": ...}; a client should see
    401 and our {"message": ...} for every kind of unusable credentials."""
    jwt = app.appbuilder.sm.jwt_manager

    def unauthorized(message: str) -> Response:
        return json_error(401, message)

    jwt.unauthorized_loader(lambda reason: unauthorized("Log in first: no credentials given."))
    jwt.invalid_token_loader(lambda reason: unauthorized("The token is not valid."))
    jwt.expired_token_loader(lambda header, payload: unauthorized("The token has expired."))
    jwt.revoked_token_loader(lambda header, payload: unauthorized("The token was revoked."))
    jwt.needs_fresh_token_loader(lambda header, payload: unauthorized("Log in again."))
    jwt.user_lookup_error_loader(
        lambda header, payload: unauthorized("The token's user no longer exists.")
    )
    jwt.token_verification_failed_loader(
        lambda header, payload: unauthorized("The token was refused.")
    )

