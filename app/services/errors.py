"""Domain errors. Views turn them into a flash message or field errors, the API into a 4xx."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal with a message a user can read."""

    status = 422

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(DomainError):
    """Input breaks one or more rules; ``errors`` maps a field name to its message."""

    status = 422

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in self.errors.items()))


class BadParameters(ValidationFailed):
    """A request's parameters (a report's filters, a file format) are not of a form the service
    takes: bad input (400), where ValidationFailed is a record breaking a rule (422)."""

    status = 400


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    """The record's state or version does not allow the operation (HTTP 409)."""

    status = 409


class Forbidden(DomainError):
    status = 403
