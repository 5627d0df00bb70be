"""Why an uploaded file is refused; each carries the HTTP status the API answers with."""

from __future__ import annotations

from app.services.errors import DomainError


class FileTooLarge(DomainError):
    """Over a size bound: bytes, pixels, a PDF's expanded streams, or the owner's total."""

    status = 413


class UnsupportedFileType(DomainError):
    """Content of a type the fund does not accept, or a name that does not match it."""

    status = 415


class UnsafeFile(DomainError):
    """A file of an accepted type that is empty, damaged, encrypted or carries active content."""

    status = 422
