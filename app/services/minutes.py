"""A closed committee meeting's minutes as a PDF: the meeting, who was present against the
quorum, the minutes' text, and each decision put to it (claim, member, amounts, reason codes,
the two signatures) with what the meeting did: ratified, sent back (and why) or deferred.

Everything printed comes from the meeting's own record (the agenda items keep the decision as
the meeting saw it), so the document is the same however the claims move on afterwards.
Drawn with fpdf2's built-in Helvetica, whose character set is Latin-1: other characters are
replaced, never an error.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from flask import current_app
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from sqlalchemy.orm import Session

from app.models import CommitteeMeeting
from app.services import audit
from app.services.adjudication.reasons import split_codes
from app.services.agenda import agenda_items
from app.services.calendar import fund_timezone
from app.services.errors import Conflict
from app.services.meetings import load_meeting

OUTCOME_WORDS = {"ratified": "Ratified", "sent_back": "Sent back to review",
                 "deferred": "Deferred to a later meeting", "pending": "Not acted on"}
_TYPOGRAPHY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                             "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00a0": " "})
# (heading, width in mm) of the decisions' table on landscape A4 (277 mm between margins)
COLUMNS = (("Claim", 30), ("Member", 40), ("Decision", 22), ("Claimed", 21), ("Eligible", 21),
           ("Approved", 21), ("Reason codes", 30), ("Recommended by", 27), ("Decided by", 27),
           ("Outcome", 38))


def latin1(text: str | None) -> str:
    return (text or "").translate(_TYPOGRAPHY).encode("latin-1", "replace").decode("latin-1")


def _local(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    local = moment.replace(tzinfo=timezone.utc).astimezone(fund_timezone())
    return f"{local:%d %b %Y %H:%M}"


def _money(amount: Decimal | None) -> str:
    return "-" if amount is None else f"{amount:,.2f}"


def _name(user: object) -> str:
    first, last = getattr(user, "first_name", ""), getattr(user, "last_name", "")
    return f"{first} {last}".strip() or getattr(user, "username", "")


class _Minutes(FPDF):
    heading = ""

    def header(self) -> None:
        self.set_font("helvetica", "", 8)
        self.cell(0, 5, latin1(self.heading), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("helvetica", "", 8)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")


def _section(pdf: FPDF, title: str) -> None:
    pdf.ln(3)
    pdf.set_font("helvetica", "B", 11)
    pdf.cell(0, 7, latin1(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("helvetica", "", 9)


def render(meeting: CommitteeMeeting, fund_name: str, session: Session) -> bytes:
    items = agenda_items(session, meeting.id)
    pdf = _Minutes(orientation="landscape", format="A4")
    pdf.heading = f"{fund_name}: minutes of the {meeting.title}"
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 15)
    pdf.cell(0, 9, latin1(f"Claims committee: {meeting.title}"),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("helvetica", "", 9)
    present = len(meeting.attendees)
    with pdf.table(col_widths=(40, 237), first_row_as_headings=False, line_height=5) as table:
        for label, value in (
            ("Fund", fund_name),
            ("Date of meeting", f"{meeting.meeting_date:%d %B %Y}"),
            ("Type", meeting.meeting_type.capitalize()),
            ("Opened", _local(meeting.opened_at)),
            ("Closed", _local(meeting.closed_at)),
            ("Quorum", f"{meeting.quorum} committee members; {present} present"),
        ):
            row = table.row()
            row.cell(label)
            row.cell(latin1(value))
    _section(pdf, f"Present ({present})")
    names = "; ".join(f"{_name(u)} ({u.username})" for u in meeting.attendees) or "Nobody"
    pdf.multi_cell(0, 5, latin1(names), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _section(pdf, "Minutes")
    pdf.multi_cell(0, 5, latin1(meeting.minutes), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    counts = {word: sum(1 for i in items if i.outcome == key)
              for key, word in (("ratified", "ratified"), ("sent_back", "sent back"),
                                ("deferred", "deferred"))}
    _section(pdf, "Decisions put to the meeting: "
             + ", ".join(f"{n} {word}" for word, n in counts.items()))
    if not items:
        pdf.cell(0, 5, "No decisions were on the agenda.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return bytes(pdf.output())
    pdf.set_font("helvetica", "", 8)
    with pdf.table(col_widths=tuple(w for _, w in COLUMNS), line_height=4,
                   text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT",
                               "LEFT", "LEFT", "LEFT")) as table:
        heading = table.row()
        for title, _ in COLUMNS:
            heading.cell(title)
        for item in items:
            outcome = OUTCOME_WORDS.get(item.outcome, item.outcome)
            if item.outcome_reason:
                outcome = f"{outcome}: {item.outcome_reason}"
            row = table.row()
            for value in (
                item.claim.claim_number, item.member_label,
                (item.decision or "").replace("_", " "), _money(item.total_claimed),
                _money(item.total_eligible), _money(item.total_approved),
                ", ".join(split_codes(item.reason_codes)) or "-",
                item.recommended_by_name or "-", item.decided_by_name or "-", outcome,
            ):
                row.cell(latin1(value))
    return bytes(pdf.output())


def minutes_pdf(session: Session, meeting_id: int) -> tuple[str, bytes]:
    """(file name, PDF) of a closed meeting's minutes; refused while the meeting can change."""
    meeting = load_meeting(session, meeting_id)
    if meeting.status != "closed":
        raise Conflict(f"The {meeting.title} is {meeting.status}: its minutes are exported once "
                       "it is closed.")
    fund_name = current_app.config.get("FUND_NAME") or "Claimdesk"
    name = f"minutes-{meeting.meeting_date:%Y-%m-%d}-{meeting.id}.pdf"
    pdf = render(meeting, fund_name, session)
    # An export of the decisions it lists (members' claims among them): on record.
    audit.record(session, "committeemeeting.minutes_export", resource_type="committeemeeting",
                 resource_id=meeting.id, details={"format": "pdf", "bytes": len(pdf),
                                                  "decisions": len(meeting.agenda)})
    session.commit()
    return name, pdf
