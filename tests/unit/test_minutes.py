"""The minutes of a closed meeting as PDF, read back with pypdf as a reader's program would."""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.extensions import db
from app.models import AuditEvent, Claim, CommitteeMeeting
from app.services import agenda, meetings
from app.services.errors import Conflict
from app.services.minutes import latin1, minutes_pdf
from tests.meeting_support import decided_claim, fund, meeting, user


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_minutes_list_each_decision_with_its_amounts_signatures_and_outcome(ctx):
    the_fund = fund(first_name="Achieng", last_name="Odhiambo")
    ratified, sent_back, deferred = (decided_claim(the_fund), decided_claim(the_fund),
                                     decided_claim(the_fund, "rejected"))
    held = meeting(status="open", present=4)
    officer = user("committee1")
    ids = [ratified.id, sent_back.id, deferred.id]
    agenda.run(held.id, "add", ids, officer)
    agenda.run(held.id, "ratify", [ratified.id], officer)
    agenda.send_back(held.id, [sent_back.id], officer, "The bill is not itemised.")
    record = db.session.get(CommitteeMeeting, held.id)
    record.minutes = "Mr. Kamau’s motion — to pay within 30 days — was carried. Résumé noted."
    db.session.commit()
    meetings.perform(held.id, "close", officer)

    name, pdf = minutes_pdf(db.session, held.id)
    assert name == f"minutes-{held.meeting_date:%Y-%m-%d}-{held.id}.pdf"
    assert pdf.startswith(b"%PDF")
    export = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "committeemeeting.minutes_export")).one()  # the export is on record
    assert export.resource_id == str(held.id)
    assert json.loads(export.details) == {"format": "pdf", "bytes": len(pdf), "decisions": 3}
    text = text_of(pdf)
    words = flat(text)
    assert f"Claims committee: Monthly meeting of {held.meeting_date:%d %b %Y}" in words
    assert "4 committee members; 4 present" in words
    for person in ("Committee1 Test (committee1)", "Committee2 Test (committee2)",
                   "Wanjiku Mwangi (committee3)", "Kamau Njoroge (committee4)"):
        assert person in words
    assert "Mr. Kamau's motion - to pay within 30 days - was carried. Résumé noted." in words
    assert "1 ratified, 1 sent back, 1 deferred" in words
    claims = {c.id: c for c in db.session.query(Claim).filter(Claim.id.in_(ids))}
    for claim_id in ids:
        assert claims[claim_id].claim_number in words
    assert words.count(f"{the_fund['member'].member_number}") >= 3
    # The consultation's 80% of 2,000.00 is approved; the rejection approves nothing.
    assert "2,000.00" in words and "1,600.00" in words and "0.00" in words
    assert "NOT_COVERED" in words
    assert "Committee1 Test" in words and "Committee2 Test" in words  # the two signatures
    assert "Ratified" in words and "Deferred to a later meeting" in words
    assert "Sent back to review: The bill is not itemised." in words


def test_a_meeting_still_open_has_no_minutes_to_export(ctx):
    held = meeting(status="open")
    with pytest.raises(Conflict, match="its minutes are exported once it is closed"):
        minutes_pdf(db.session, held.id)


def test_text_outside_the_pdf_fonts_characters_is_replaced_not_refused():
    assert latin1("Nairobi – “Kenya” ✓") == 'Nairobi - "Kenya" ?'
