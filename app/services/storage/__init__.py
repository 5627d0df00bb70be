"""Where attachment bytes live: one small interface, two backends.

Local disk under the upload folder is the embedded default; S3-compatible object storage
(``CLAIMDESK_STORAGE_URL=s3://bucket?endpoint_url=...``) serves several app instances. Keys are
random and chosen here, never derived from what a client sent.
"""

from __future__ import annotations

import re
import secrets
from abc import ABC, abstractmethod
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

from flask import Flask, current_app

from app.services.errors import DomainError

EXTENSION_KEY = "claimdesk_storage"
# 128 random bits in hex, optionally with a suffix for a derived file kept beside it.
KEY_PATTERN = re.compile(r"[0-9a-f]{32}(\.thumb)?")
THUMBNAIL_SUFFIX = ".thumb"


class StorageUnavailable(DomainError):
    """The storage backend failed; nothing was kept. The client may try again."""

    status = 503

    def __init__(self, message: str = "The file store is unavailable: try again in a moment."):
        super().__init__(message)


class FileStorage(ABC):
    """Bytes by key. Every method raises StorageUnavailable when the backend fails."""

    @abstractmethod
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    @abstractmethod
    def get(self, key: str) -> bytes: ...

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; a key that is not there is not an error."""

    @abstractmethod
    def keys(self) -> Iterator[str]:
        """Every key held (for audits of the store and for tests)."""


def new_key() -> str:
    return secrets.token_hex(16)


def thumbnail_key(key: str) -> str:
    return key + THUMBNAIL_SUFFIX


def check_key(key: str) -> str:
    """A key of ours or ValueError: backends never touch a path or object a key did not name."""
    if not KEY_PATTERN.fullmatch(key):
        raise ValueError(f"not a storage key: {key!r}")
    return key


def open_storage(url: str, upload_folder: str) -> FileStorage:
    """The backend a storage URL names; empty (or ``file:``) means the local upload folder."""
    parts = urlsplit(url or "")
    if parts.scheme in ("", "file"):
        from app.services.storage.local import LocalStorage

        return LocalStorage(parts.path or upload_folder)
    if parts.scheme == "s3":
        from app.services.storage.s3 import S3Storage

        options = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        return S3Storage(parts.netloc, prefix=parts.path.lstrip("/"), **options)
    raise ValueError(f"CLAIMDESK_STORAGE_URL: unknown scheme {parts.scheme!r} (use s3:// or "
                     "leave it empty for the upload folder)")


def storage(app: Flask | None = None) -> FileStorage:
    """The application's backend, opened once per application."""
    app = app or current_app
    backend = app.extensions.get(EXTENSION_KEY)
    if backend is None:
        backend = open_storage(app.config.get("STORAGE_URL") or "", app.config["UPLOAD_FOLDER"])
        app.extensions[EXTENSION_KEY] = backend
    return backend
