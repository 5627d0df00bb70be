"""One claim's statement as PDF, the fund's processing form: the claim, each line with the
adjudication's working, the decision with its reasons, the two signatures (who recommended and
who decided, by name and date) and the committee meeting that ratified it.

A member gets only his own claims (the row rule of app.access: another's answers NotFound), and
the reviewers' names only when the fund shows them to members (setting show_reviewer_names).
Every statement given out is audited, as a file download.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer
from sqlalchemy.orm import Session

from app.access import reviewer_names_visible, scope_query
from app.models import Claim
from app.services.adjudication.reasons import reason_text, split_codes
from app.services.audit import record
from app.services.calendar import fund_timezone
from app.services.errors import NotFound
from app.services.reports.exports import fund_name
from app.services.reports.render import FileOut
from app.services.reports.render.pdf import build, grid, key_values, paragraph, printed_at

WORKING = ("Line", "Item", "Qty (allowed)", "Claimed", "Deductions", "Net claimed", "Rate %",
           "At rate", "Fee cap", "Discount", "Chronic cut", "Eligible", "Limit cut",
           "Override", "Approved", "Reasons")
WIDTHS = [9, 42, 13, 17, 17, 17, 11, 17, 17, 15, 15, 17, 15, 17, 17, 14]


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{Decimal(value):,.2f}"


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    return f"{moment.replace(tzinfo=timezone.utc).astimezone(fund_timezone()):%d %b %Y}"


def _person(user: Any) -> str:
    if user is None:
        return "-"
    return f"{user.first_name or ''} {user.last_name or ''}".strip() or user.username


def visible_claim(session: Session, claim_id: Any, user: Any) -> Claim:
    try:
        claim_id = int(claim_id)
    except (TypeError, ValueError):
        raise NotFound("No such claim.") from None
    if not 0 < claim_id < 2**63:  # beyond what an id column holds (a 500 on SQLite)
        raise NotFound("No such claim.")
    claim = session.scalars(scope_query(sa.select(Claim).where(Claim.id == claim_id), Claim,
                                        user)).first()
    if claim is None:
        raise NotFound("No such claim.")
    return claim


def _line(item: Any) -> list[str]:
    deductions = sum((v for v in (item.rebate_deduction, item.other_insurance_deduction)
                      if v is not None), Decimal(0))
    quantity = str(item.quantity)
    if item.allowed_quantity is not None and item.allowed_quantity != item.quantity:
        quantity += f" ({item.allowed_quantity})"
    label = f"{item.scale_item.code} {item.description}" if item.scale_item else item.description
    return [str(item.line_no), label, quantity, _money(item.claimed_amount),
            _money(deductions) if item.net_claimed is not None else "",
            _money(item.net_claimed),
            "" if item.rate_percent is None else f"{item.rate_percent:.0f}",
            _money(item.rated_amount), _money(item.fee_cap_total),
            _money(item.discount_deduction), _money(item.chronic_cut),
            _money(item.eligible_amount), _money(item.limit_cut),
            _money(item.override_amount), _money(item.approved_amount),
            ", ".join(split_codes(item.reason_codes))]


def _signatures(claim: Claim, names: bool) -> list[tuple[str, str]]:
    def signed(user: Any, moment: datetime | None) -> str:
        if moment is None:
            return "Not signed"
        who = _person(user) if names else "A committee member"
        return f"{who}, {_when(moment)}"

    meeting = claim.ratified_meeting
    if meeting is not None:
        ratified = f"Ratified at the committee meeting of {meeting.meeting_date:%d %B %Y}"
    elif claim.awaiting_ratification:
        ratified = "Awaiting ratification by a committee meeting"
    else:
        ratified = "-"
    return [("First signature (recommended)", signed(claim.recommended_by, claim.recommended_at)),
            ("Second signature (decided)", signed(claim.decided_by, claim.decided_at)),
            ("Date of meeting", ratified)]


def render(claim: Claim, names: bool, fund: str) -> bytes:
    treated = claim.treatment_date.strftime("%d %b %Y") if claim.treatment_date else "-"
    patient = claim.patient_name
    story: list[Flowable] = [
        paragraph(fund, "Title"),
        paragraph(f"Claim statement {claim.claim_number}", "Heading2"),
        key_values([
            ("Member", f"{claim.member.member_number} {claim.member.full_name}"),
            ("Patient", patient), ("Claim type", claim.claim_type.capitalize()),
            ("Provider", claim.provider.name), ("Treatment date", treated),
            ("Diagnosis", " ".join(p for p in (claim.icd10_code, claim.diagnosis) if p) or "-"),
            ("Received", claim.received_on.strftime("%d %b %Y") if claim.received_on else "-"),
            ("Status", claim.status.replace("_", " ").capitalize()),
            ("Printed", printed_at()),
        ], (40 * mm, 200 * mm)),
        Spacer(1, 4 * mm),
        paragraph("Lines and the working", "Heading3"),
    ]
    lines = [_line(item) for item in claim.items]
    lines.append(["", "Total", "", _money(claim.total_claimed), "", "", "", "", "", "", "",
                  _money(claim.total_eligible), "", "", _money(claim.total_approved), ""])
    numeric = [False, False, True, *([True] * 12), False]
    story.append(grid(list(WORKING), lines, numeric, [w * mm for w in WIDTHS], total_row=True))
    story += [Spacer(1, 4 * mm), paragraph("Decision", "Heading3")]
    decision = [("Outcome", claim.status.replace("_", " ").capitalize()),
                ("Approved", _money(claim.total_approved)), ("Paid", _money(claim.total_paid))]
    if claim.decision_reason:
        decision.append(("Reason", claim.decision_reason))
    codes = split_codes(claim.reason_codes) + sorted(
        {c for item in claim.items for c in split_codes(item.reason_codes)}
        - set(split_codes(claim.reason_codes)))
    for code in codes:
        decision.append((code, reason_text(code)))
    story.append(key_values([*decision, *_signatures(claim, names)], (55 * mm, 185 * mm)))
    return build(story, f"{fund}: claim {claim.claim_number}", wide=True)


def claim_statement(session: Session, claim_id: Any, user: Any) -> FileOut:
    claim = visible_claim(session, claim_id, user)
    pdf = render(claim, reviewer_names_visible(user), fund_name())
    record(session, "claim.statement", actor=user, resource_type="claim", resource_id=claim.id,
           details={"format": "pdf"})
    session.commit()
    return FileOut(f"statement-{claim.claim_number}.pdf", "application/pdf", pdf)
