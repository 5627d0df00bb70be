"""Finance's pages (issue 7, point 7): build a batch and see every claim left out, approve with
a second pair of eyes, release, download the payout file, record it paid, cancel; a member sees
his own payments and never the batches."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Claim, PaymentBatch
from tests.helpers import csrf_token, submit_form
from tests.integration.web_support import text
from tests.meeting_support import user
from tests.payment_support import payable_claim, payee, second_finance


@pytest.fixture
def fund(app):
    with app.app_context():
        second_finance()
        own = payee()
        own.user_id = user("member1").id
        db.session.commit()
        ids = {"mine": payable_claim(own).id, "theirs": payable_claim(payee(), "2000.00").id,
               "blocked": payable_claim(payee(payout_method=None)).claim_number}
        db.session.remove()
    return ids


def _batch(app) -> PaymentBatch:
    with app.app_context():
        batch = db.session.scalars(sa.select(PaymentBatch)).one()
        db.session.expunge(batch)
        return batch


def _post_step(client, batch: PaymentBatch, action: str):
    """The button on the batch's page, as the browser posts it."""
    token = csrf_token(client, f"/paymentbatches/show/{batch.id}")
    return client.post(f"/paymentbatches/step/{batch.id}/{action}",
                       data={"csrf_token": token, "version": batch.version})


def test_finance_builds_approves_releases_downloads_and_pays_on_the_web(app, client_for, fund):
    finance, second = client_for("finance"), client_for("finance2")
    page = submit_form(finance, "/paymentbatches/build/", {"method": "bank"})
    assert page.status_code == 200
    body = text(page)
    assert "Claims left out (1)" in body and fund["blocked"] in body
    assert "Blocking:" in body and "no payout method" in body
    batch = _batch(app)
    assert batch.payment_count == 2

    shown = text(finance.get(f"/paymentbatches/show/{batch.id}"))
    assert "Approve the batch" in shown and "Payout file" not in shown
    refused = _post_step(finance, batch, "approve")
    assert refused.status_code == 403 and "Four eyes" in text(refused)
    assert _post_step(second, batch, "approve").status_code == 302
    batch = _batch(app)
    assert batch.status == "approved" and batch.approved_by_id == user_id(app, "finance2")
    assert _post_step(second, batch, "release").status_code == 302
    batch = _batch(app)

    payout = finance.get(f"/paymentbatches/payout/{batch.id}")
    assert payout.status_code == 200 and payout.mimetype == "text/csv"
    assert "CONTROL TOTAL" in payout.get_data(as_text=True)

    form = f"/paymentbatches/step/{batch.id}/mark_paid"
    missing = submit_form(finance, form, {"version": batch.version, "paid_on": ""})
    assert missing.status_code == 200 and "Enter the date the payments were made." in text(
        missing)
    done = submit_form(finance, form, {"version": batch.version,
                                       "paid_on": date.today().isoformat(),
                                       "bank_reference": "FT26340WEB"})
    assert done.status_code == 302
    with app.app_context():
        assert {db.session.get(Claim, fund[k]).status for k in ("mine", "theirs")} == {"paid"}
        assert db.session.scalars(sa.select(PaymentBatch)).one().bank_reference == "FT26340WEB"


def user_id(app, username: str) -> int:
    with app.app_context():
        return user(username).id


def test_cancel_asks_a_reason_and_frees_the_claims(app, client_for, fund):
    finance = client_for("finance")
    submit_form(finance, "/paymentbatches/build/", {"method": "bank"})
    batch = _batch(app)
    form = f"/paymentbatches/step/{batch.id}/cancel"
    refused = submit_form(finance, form, {"version": batch.version, "reason": ""})
    assert refused.status_code == 200 and _batch(app).status == "draft"
    done = submit_form(finance, form, {"version": batch.version, "reason": "Wrong filters."})
    assert done.status_code == 302 and _batch(app).status == "cancelled"
    again = submit_form(finance, "/paymentbatches/build/", {"method": "bank"})
    assert again.status_code == 200


def test_filters_are_checked_at_their_fields(client_for, fund):
    page = submit_form(client_for("finance"), "/paymentbatches/build/",
                       {"method": "bank", "min_amount": "abc"})
    assert page.status_code == 200 and "Enter an amount such as 1500.00." in text(page)


def test_a_member_sees_his_own_payments_and_no_batches(app, client_for, fund):
    submit_form(client_for("finance"), "/paymentbatches/build/", {"method": "bank"})
    member = client_for("member1")
    listed = text(member.get("/payments/list/"))
    with app.app_context():
        mine = db.session.get(Claim, fund["mine"]).claim_number
        theirs = db.session.get(Claim, fund["theirs"]).claim_number
    assert mine in listed and theirs not in listed
    assert member.get("/paymentbatches/list/").status_code == 403
    assert member.get("/paymentbatches/build/").status_code == 403
    assert client_for("auditor").get("/paymentbatches/list/").status_code == 200
    assert client_for("auditor").get("/paymentbatches/build/").status_code == 403


def test_a_claim_has_no_pay_button_or_page_of_its_own(app, client_for, fund):
    finance = client_for("finance")
    page = text(finance.get(f"/claims/show/{fund['mine']}"))
    assert f"/claims/transition/{fund['mine']}/pay" not in page and "Mark paid" not in page
    assert finance.get(f"/claims/transition/{fund['mine']}/pay").status_code == 404
    with app.app_context():
        assert db.session.get(Claim, fund["mine"]).status == "approved"


def test_cheque_numbers_are_recorded_on_the_batch_page(app, client_for):
    with app.app_context():
        second_finance()
        first = payable_claim(payee(payout_method="cheque")).id
        payable_claim(payee(payout_method="cheque"), "2000.00")
        db.session.remove()
    finance, second = client_for("finance"), client_for("finance2")
    submit_form(finance, "/paymentbatches/build/", {"method": "cheque"})
    batch = _batch(app)
    assert 'name="cheque_' not in text(finance.get(f"/paymentbatches/show/{batch.id}"))
    _post_step(second, batch, "approve")
    batch = _batch(app)
    with app.app_context():
        payments = {p.claim_id: p.id for p in db.session.get(PaymentBatch, batch.id).payments}
    page = text(finance.get(f"/paymentbatches/show/{batch.id}"))
    assert f'name="cheque_{payments[first]}"' in page
    token = csrf_token(finance, f"/paymentbatches/show/{batch.id}")
    done = finance.post(f"/paymentbatches/cheques/{batch.id}", data={
        "csrf_token": token, "version": batch.version,
        **{f"cheque_{pid}": f"00{n}" for n, pid in enumerate(payments.values(), start=41)}})
    assert done.status_code == 302
    page = text(finance.get(done.headers["Location"]))
    assert "Cheque numbers recorded." in page
    with app.app_context():
        stored = [p.cheque_number for p in db.session.get(PaymentBatch, batch.id).payments]
    assert sorted(stored) == ["0041", "0042"]
    same = finance.post(f"/paymentbatches/cheques/{batch.id}", data={
        "csrf_token": token, "version": _batch(app).version,
        **{f"cheque_{pid}": "0099" for pid in payments.values()}})
    assert "Each payment has its own cheque." in text(finance.get(same.headers["Location"]))
