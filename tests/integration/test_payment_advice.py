"""The payment advice (issue 7, point 5): one PDF per member per paid batch, read back with
pypdf; the member downloads his own from his pages, never another's; Finance gets any."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.models import Claim, Payment
from app.services.payments.batches import build_batch, perform
from app.services.payments.eligibility import BatchFilters
from tests.integration.web_support import text
from tests.meeting_support import user
from tests.payment_support import payable_claim, payee, second_finance


@pytest.fixture
def paid(app):
    with app.app_context():
        own = payee()
        own.user_id = user("member1").id
        db.session.commit()
        mine = [payable_claim(own, "1500.00"), payable_claim(own, "2000.00")]
        other = payable_claim(payee(), "1000.00")
        batch, _ = build_batch(BatchFilters.checked("bank"), user("finance"))
        pending = {p.claim_id: p.id for p in batch.payments}
        perform(batch.id, "approve", second_finance())
        perform(batch.id, "release", user("finance"))
        perform(batch.id, "mark_paid", user("finance"), paid_on=date(2026, 6, 3),
                bank_reference="FT26154ADV")
        data = {"mine": [pending[c.id] for c in mine], "other": pending[other.id],
                "claims": [c.claim_number for c in mine], "other_claim": other.claim_number,
                "batch": batch.batch_number, "member": own.member_number,
                "refs": [p.reference for p in db.session.get(
                    type(batch), batch.id).payments if p.member_id == own.id]}
        db.session.remove()
    return data


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_member_downloads_his_advice_from_his_payment_page(client_for, paid):
    member = client_for("member1")
    page = text(member.get(f"/payments/show/{paid['mine'][0]}"))
    assert f"/payments/advice/{paid['mine'][0]}" in page
    answer = member.get(f"/payments/advice/{paid['mine'][0]}")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    body = _pdf_text(answer.data)
    for expected in (*paid["claims"], *paid["refs"], paid["batch"], paid["member"],
                     "FT26154ADV", "03 June 2026", "1,200.00", "1,600.00", "2,800.00"):
        assert expected in body, expected
    assert paid["other_claim"] not in body  # one advice per member: nobody else's claims
    assert member.get(f"/payments/advice/{paid['other']}").status_code == 404


def test_finance_gets_any_advice_and_rest_serves_it(app, client, client_for, api_headers,
                                                    paid):
    answer = client_for("finance").get(f"/payments/advice/{paid['other']}")
    assert answer.status_code == 200 and paid["other_claim"] in _pdf_text(answer.data)
    rest = client.get(f"/api/v1/payment/{paid['mine'][1]}/advice",
                      headers=api_headers("member1"))
    assert rest.status_code == 200 and paid["claims"][1] in _pdf_text(rest.data)
    assert client.get(f"/api/v1/payment/{paid['other']}/advice",
                      headers=api_headers("member1")).status_code == 404
    assert client.get(f"/api/v1/payment/{paid['other']}/advice",
                      headers=api_headers("member2")).status_code == 404


def test_no_advice_before_the_batch_is_paid(app, client, api_headers):
    with app.app_context():
        payable_claim(payee())
        build_batch(BatchFilters.checked("bank"), user("finance"))
        payment_id = db.session.query(Payment.id).scalar()
        assert db.session.query(Claim.status).scalar() == "approved"
        db.session.remove()
    answer = client.get(f"/api/v1/payment/{payment_id}/advice", headers=api_headers("finance"))
    assert answer.status_code == 409
