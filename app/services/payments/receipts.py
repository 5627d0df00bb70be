"""The payment advice (issue 7, point 5): one PDF per member per paid batch, telling him which
claims were paid, their approved and paid amounts, the payment references, the date and where
the money went. A member gets his own (the row rule on payments); Finance, and the staff who
read payments, any member's. Each download is audited.

Drawn with fpdf2's built-in Helvetica like the meetings' minutes (app.services.minutes).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from sqlalchemy.orm import Session, joinedload

from app.access import scope_query
from app.models import Claim, Payment
from app.services import audit
from app.services.errors import Conflict, NotFound
from app.services.lifecycle.rules import actor_snapshot
from app.services.minutes import latin1

COLUMNS = (("Claim", 38), ("Treatment", 26), ("Payment reference", 42), ("Approved", 32),
           ("Paid", 32))


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _paid_to(payment: Payment, method: str) -> str:
    if method == "bank":
        return (f"{payment.bank_name or ''} branch {payment.bank_branch_code or ''}, account "
                f"{payment.bank_account_number or ''}")
    if method == "mobile_money":
        return f"Mobile money {payment.phone or ''}"
    return f"Cheque {payment.cheque_number or ''}"


def render(payments: list[Payment], fund_name: str) -> bytes:
    first = payments[0]
    batch, member = first.batch, first.member
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 15)
    pdf.cell(0, 9, latin1(f"{fund_name}: payment advice"), new_x=XPos.LMARGIN,
             new_y=YPos.NEXT)
    pdf.set_font("helvetica", "", 10)
    total = sum((p.amount for p in payments), Decimal("0.00"))
    with pdf.table(col_widths=(45, 125), first_row_as_headings=False, line_height=6) as table:
        for label, value in (
            ("Member", f"{member.member_number} {member.full_name}"),
            ("Payee", first.payee_name),
            ("Paid on", f"{first.paid_on:%d %B %Y}"),
            ("Paid to", _paid_to(first, batch.method)),
            ("Payment batch", batch.batch_number),
            ("Bank reference", batch.bank_reference or "-"),
            ("Total paid", _money(total)),
        ):
            row = table.row()
            row.cell(label)
            row.cell(latin1(value))
    pdf.ln(4)
    pdf.set_font("helvetica", "B", 11)
    pdf.cell(0, 7, "Claims paid", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("helvetica", "", 9)
    with pdf.table(col_widths=tuple(w for _, w in COLUMNS), line_height=5,
                   text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT")) as table:
        heading = table.row()
        for title, _ in COLUMNS:
            heading.cell(title)
        for payment in payments:
            claim = payment.claim
            row = table.row()
            for value in (claim.claim_number,
                          f"{claim.treatment_date:%d %b %Y}" if claim.treatment_date else "-",
                          payment.reference, _money(claim.total_approved),
                          _money(payment.amount)):
                row.cell(latin1(value))
    pdf.ln(4)
    pdf.multi_cell(0, 5, "The fund paid each claim its approved amount, as decided by the "
                   "claims committee. Keep this advice with your receipts.",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def payment_advice(session: Session, payment_id: int, actor: Any) -> tuple[str, bytes]:
    """(file name, PDF) of the advice covering ``payment_id``: every payment of its batch to
    the same member. NotFound for a payment the login may not see; Conflict before it is
    paid."""
    actor = actor_snapshot(session, actor)
    payment = session.scalars(scope_query(sa.select(Payment).where(Payment.id == payment_id),
                                          Payment, actor)).first()
    if payment is None:
        raise NotFound("No such payment.")
    if payment.status != "paid":
        raise Conflict(f"Payment {payment.reference} is {payment.status}: its advice is issued "
                       "once the batch is paid.")
    payments = list(session.scalars(
        sa.select(Payment)
        .options(joinedload(Payment.claim).load_only(Claim.claim_number, Claim.treatment_date,
                                                     Claim.total_approved),
                 joinedload(Payment.batch), joinedload(Payment.member))
        .where(Payment.batch_id == payment.batch_id, Payment.member_id == payment.member_id,
               Payment.status == "paid")
        .order_by(Payment.line_no)))
    fund_name = current_app.config.get("FUND_NAME") or "Claimdesk"
    pdf = render(payments, fund_name)
    audit.record(session, "payment.advice", actor=actor, resource_type="payment",
                 resource_id=payment.id, details={"batch": payment.batch.batch_number,
                                                  "member": payment.member.member_number})
    session.commit()
    name = f"payment-advice-{payment.batch.batch_number}-{payment.member.member_number}.pdf"
    return name, pdf
