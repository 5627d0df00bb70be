"""The payment SLA (issue 7, point 6): due 30 days after the approval; claims awaiting payment,
due soon and overdue counted on the dashboard and on Finance's pages, overdue payments flagged;
a claim counts as settled only once a statement reconciled its payment."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import Claim
from app.services import dashboard
from app.services.payments.batches import build_batch, perform
from app.services.payments.eligibility import BatchFilters
from app.services.payments.overview import payment_overview
from app.services.payments.reconciliation import import_statement
from app.services.sla_tick import sla_tick
from tests.integration.web_support import text
from tests.meeting_support import user
from tests.payment_support import payable_claim, payee, second_finance


def _age(claim_id: int, days: int) -> None:
    """The claim was decided ``days`` ago: its payment clock with it."""
    claim = db.session.get(Claim, claim_id)
    claim.decided_at -= timedelta(days=days)
    claim.payment_due_at -= timedelta(days=days)
    db.session.commit()


def test_overview_counts_awaiting_overdue_batched_paid_and_settled(app, ctx):
    late = payable_claim(payee(), "1500.00").id  # 1,200.00
    soon = payable_claim(payee(), "2000.00").id  # 1,600.00
    payable_claim(payee(), "1000.00")  # 800.00, decided just now
    _age(late, 31)
    _age(soon, 25)
    sla_tick(db.session)
    assert db.session.get(Claim, late).payment_breached_at is not None
    got = payment_overview(db.session)
    assert (got["awaiting"], got["awaiting_amount"], got["due_soon"], got["overdue"],
            got["overdue_amount"]) == (3, "3600.00", 1, 1, "1200.00")

    batch, _ = build_batch(BatchFilters.checked("bank", sla_status="breached"), user("finance"))
    assert [p.claim_id for p in batch.payments] == [late] and batch.payments[0].overdue
    assert payment_overview(db.session)["in_open_batches"] == 1
    perform(batch.id, "approve", second_finance())
    perform(batch.id, "release", user("finance"))
    perform(batch.id, "mark_paid", user("finance"), paid_on=date.today(), bank_reference="FT1")
    got = payment_overview(db.session)
    assert (got["awaiting"], got["paid_unreconciled"], got["settled"]) == (2, 1, 0)
    reference = db.session.get(type(batch), batch.id).payments[0].reference
    import_statement("bank", "s.csv", f"date,reference,amount\n{date.today()},{reference},"
                     "1200.00\n".encode(), user("finance"))
    got = payment_overview(db.session)
    assert (got["paid_unreconciled"], got["settled"], got["settled_amount"]) == (
        0, 1, "1200.00")
    assert dashboard.chart(db.session, "sla")["payments"] == got


def test_dashboard_and_finance_pages_show_the_counts(app, client_for):
    with app.app_context():
        late = payable_claim(payee()).id
        _age(late, 40)
        sla_tick(db.session)
        batch_id = build_batch(BatchFilters.checked("bank"), user("finance"))[0].id
        assert db.session.scalar(sa.select(Claim.sla_status)) == "breached"
        db.session.remove()
    board = text(client_for("committee1").get("/dashboard/"))
    assert 'data-payments="overdue"' in board
    batches = text(client_for("finance").get("/paymentbatches/list/"))
    assert "Awaiting payment" in batches and "Overdue" in batches
    page = client_for("finance").get(f"/paymentbatches/show/{batch_id}")
    assert "label-danger" in text(page)
