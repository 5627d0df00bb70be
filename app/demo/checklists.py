"""The demo fund's review aids: checklists per claim type that follow the fund's claim processing
form, the committee's canned texts, and the answers its reviewers gave on the claims they took up.

Items and templates are found by their natural key (claim type and text, template name) and only
inserted when missing. Answers go through app.services.checklists, as a reviewer's do, and are
what the processing form shows: "within 90 days" is answered no on a late claim, and so on.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import ChecklistItem, Claim, ReviewTemplate
from app.services import checklists
from app.services.adjudication import reasons as rc

# claim type -> (item, mandatory), in the order of the processing form.
CHECKLISTS: dict[str, tuple[tuple[str, bool], ...]] = {
    "outpatient": (
        ("Original receipts attached for every line", True),
        ("Claim received within 90 days of the first visit", True),
        ("Patient is the member or a registered dependant", True),
        ("Prescription attached for medicines", False),
        ("Referral letter attached for a specialist", False),
    ),
    "inpatient": (
        ("Original receipts and the itemised hospital bill attached", True),
        ("Claim received within 90 days of discharge", True),
        ("Statutory insurer (SHIF) rebate deducted for the days of admission", True),
        ("Discharge summary attached", True),
        ("Admission notified within 48 hours", False),
        ("Referral letter attached for a specialist", False),
    ),
    "chronic": (
        ("Approved chronic-illness request covers the treatment date", True),
        ("Prescription attached for medicines", True),
        ("Original pharmacy receipts attached", True),
        ("Claim received within 90 days of the first visit", True),
    ),
    "dental": (
        ("Original receipts attached for every line", True),
        ("Claim received within 90 days of the first visit", True),
        ("Treatment is not cosmetic", True),
        ("Dentist's report attached for emergency treatment", False),
    ),
    "optical": (
        ("Original receipts attached for every line", True),
        ("Claim received within 90 days of the first visit", True),
        ("Optometrist's prescription attached for lenses or spectacles", True),
    ),
}

# name, kind, text
TEMPLATES = (
    ("Late submission", "rejection",
     "The claim reached the fund more than 90 days after the treatment (by-laws, clause 4)."),
    ("Not covered by the scale", "rejection",
     "The treatment is not covered by the fund's reimbursement scale for this type of claim."),
    ("No chronic approval", "rejection",
     "There is no approved chronic-illness request for the patient on the treatment date."),
    ("Referral letter", "info_request",
     "Please send the doctor's referral letter for this treatment."),
    ("Itemised bill", "info_request",
     "Please send the itemised hospital bill; the receipt gives only a total."),
    ("Other scheme", "info_request",
     "Please confirm whether another medical scheme paid part of this bill, and how much."),
    ("Provider called", "note",
     "Called the provider to confirm the treatment and the amounts on the receipts."),
    ("Original receipts requested", "note",
     "The receipts are copies: the originals were asked for by phone."),
)


def load_review_aids() -> tuple[int, int]:
    """Insert the checklist items and templates the database does not have; (items, templates)
    added, flushed."""
    have = set(db.session.execute(sa.select(ChecklistItem.claim_type, ChecklistItem.text)).all())
    items = 0
    for claim_type, questions in CHECKLISTS.items():
        for position, (text, mandatory) in enumerate(questions, start=1):
            if (claim_type, text) not in have:
                db.session.add(ChecklistItem(claim_type=claim_type, text=text,
                                             mandatory=mandatory, position=position * 10))
                items += 1
    names = set(db.session.scalars(sa.select(ReviewTemplate.name)))
    templates = 0
    for name, kind, text in TEMPLATES:
        if name not in names:
            db.session.add(ReviewTemplate(name=name, kind=kind, text=text))
            templates += 1
    db.session.flush()
    return items, templates


def _answer(claim: Claim, text: str) -> str:
    """What the processing form says about ``claim`` for the item ``text``."""
    codes = set(rc.split_codes(claim.reason_codes))
    lowered = text.lower()
    if "90 days" in lowered:
        return "no" if rc.LATE_SUBMISSION in codes else "yes"
    if "chronic-illness request" in lowered:
        return "no" if rc.NO_CHRONIC_APPROVAL in codes else "yes"
    if "48 hours" in lowered:
        return "no" if claim.late_admission_notice else "yes"
    if "rebate" in lowered:
        return "yes" if claim.statutory_rebate_per_day else "not_applicable"
    if "referral" in lowered:
        return "yes" if claim.provider.provider_type == "specialist" else "not_applicable"
    if "prescription" in lowered and claim.claim_type not in ("chronic", "optical"):
        units = {item.scale_item.unit for item in claim.items if item.scale_item}
        return "yes" if "item" in units else "not_applicable"
    return "yes"


def answer_checklist(claim_id: int, reviewer: Any, complete: bool = True) -> int:
    """The reviewer's answers on a claim in review: every item, or (``complete`` False, a review
    still going on) the first half of them. Returns how many were answered."""
    claim = db.session.get(Claim, claim_id)
    items = checklists.items_for(db.session, claim.claim_type)
    if not complete:
        items = items[: len(items) // 2]
    answers = {}
    for item in items:
        answer = _answer(claim, item.text)
        comment = "See the reason codes on the processing form." if answer == "no" else None
        answers[item.id] = checklists.AnswerInput(answer, comment)
    if answers:
        checklists.record_answers(db.session, claim_id, answers, reviewer)
    return len(answers)
