"""JSON errors for every /api/ path (filled out by the REST work)."""

from __future__ import annotations

from flask import Flask


def register_error_handlers(app: Flask) -> None:
    """Registered once by app.registry.register_views."""
