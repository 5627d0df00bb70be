"""The subject-access export as PDF: each section with each record's fields, in the order
and with the names of the JSON export, so that both say the same."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from app.services.reports.render.pdf import build, key_values, paragraph, printed_at

SECTIONS = (("member", "Member record"), ("login", "Login"), ("dependents", "Dependents"),
            ("claims", "Claims"), ("attachments", "Files held (descriptions)"),
            ("chronic_requests", "Chronic-illness requests"), ("notes", "Notes on claims"),
            ("notifications", "Notifications"), ("payments", "Payments"),
            ("audit_events", "Audit trail"))
WIDTHS = (50 * mm, 130 * mm)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _record(values: dict[str, Any], title: str) -> list[Flowable]:
    nested = {k: v for k, v in values.items() if isinstance(v, list)}
    story: list[Flowable] = [paragraph(title, "Heading4"), key_values(
        [(k, _text(v)) for k, v in values.items() if k not in nested], WIDTHS)]
    for key, rows in nested.items():
        for n, row in enumerate(rows, start=1):
            story += _record(row, f"{title}: {key} {n}")
    return story


def subject_access_pdf(data: dict[str, Any]) -> bytes:
    member = data["member"]
    story: list[Flowable] = [
        paragraph(data["fund"], "Title"),
        paragraph(f"Personal data held about member {member['member_number']}", "Heading2"),
        paragraph("Everything the fund holds about the member, for a subject-access request "
                  "under the Data Protection Act, 2019. Files are described, not included."),
        paragraph(f"Printed {printed_at()}"),
        Spacer(1, 4 * mm),
    ]
    for key, title in SECTIONS:
        value = data.get(key)
        story.append(paragraph(title, "Heading3"))
        if not value:
            story.append(paragraph("None held."))
        elif isinstance(value, dict):
            story += _record(value, title)
        else:
            for n, row in enumerate(value, start=1):
                story += _record(row, f"{title} {n}")
    return build(story, f"{data['fund']}: personal data of {member['member_number']}")
