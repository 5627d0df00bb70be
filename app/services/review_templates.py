"""Review templates: canned rejection reasons, information requests and notes an admin keeps.

A reviewer picks one and its text becomes the reason he sends; he may still change the text
first (the form fills it in), and what he sends is what is recorded.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import ReviewTemplate
from app.models.review import TEMPLATE_KINDS
from app.services.errors import ValidationFailed

KIND_LABELS = {"rejection": "rejections", "info_request": "information requests",
               "note": "notes"}
MAX_NAME = 100
MAX_TEXT = 4000  # the longest reason a transition accepts


def active_templates(session: Session, kind: str) -> list[ReviewTemplate]:
    return list(session.scalars(
        sa.select(ReviewTemplate)
        .where(ReviewTemplate.kind == kind, ReviewTemplate.active.is_(True))
        .order_by(ReviewTemplate.name)))


def template_text(session: Session, template_id: Any, kind: str) -> str:
    """The text of an active template of ``kind``; ValidationFailed on any other id."""
    ident = template_id if isinstance(template_id, int) and not isinstance(
        template_id, bool) else None
    if isinstance(template_id, str) and template_id.strip().isdigit():
        ident = int(template_id.strip())
    found = None
    if ident is not None and 0 < ident < 2**63:
        found = session.scalar(sa.select(ReviewTemplate.text).where(
            ReviewTemplate.id == ident, ReviewTemplate.kind == kind,
            ReviewTemplate.active.is_(True)))
    if found is None:
        raise ValidationFailed({"template_id": f"Choose one of the templates for "
                                               f"{KIND_LABELS[kind]}."})
    return found


def fill_reason(session: Session, params: dict[str, Any], kind: str) -> dict[str, Any]:
    """``params`` with the chosen template's text as the reason when none is written.

    The template is resolved once: ``params`` is changed in place, so a bulk run (which hands
    every claim the same parameters) reads it for its first claim only.
    """
    template_id = params.get("template_id")
    if template_id in (None, ""):
        params.pop("template_id", None)
        return params
    text = template_text(session, template_id, kind)
    params.pop("template_id")
    if not (params.get("reason") or "").strip():
        params["reason"] = text
    return params


def review_template_errors(template: ReviewTemplate) -> dict[str, str]:
    """The rules of a template, for the admin's form and the REST API."""
    errors: dict[str, str] = {}
    name = (template.name or "").strip()
    if not name:
        errors["name"] = "Give the template a name."
    elif len(name) > MAX_NAME:
        errors["name"] = f"Use at most {MAX_NAME} characters."
    if template.kind not in TEMPLATE_KINDS:
        errors["kind"] = "Choose rejection, information request or note."
    text = (template.text or "").strip()
    if not text:
        errors["text"] = "Write the template's text."
    elif len(text) > MAX_TEXT:
        errors["text"] = f"Use at most {MAX_TEXT} characters: it becomes a reason."
    return errors
