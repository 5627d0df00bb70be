"""Payment batches (SPEC "PaymentBatch / Payment"; by-law 4.3).

Finance builds a batch (a draft) from the claims app.services.payments.eligibility selects; a
second Finance user approves it (four eyes: never its builder, and the database refuses it too);
it is released to the bank or mobile-money provider (its payout file, app.services.payments.
files), then recorded as paid with the date and the bank's reference, which moves every claim to
``paid`` through the claim lifecycle (one audit event per claim). Until paid, a batch can be
cancelled, which frees its claims for another batch.

Builders at the same moment: the batch number's counter row serialises them, so a second
builder reads the claims the first one took; ``uq_payment_claim_open`` refuses a claim in two
open batches whatever happens, and a builder that meets it builds again from what is left.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Claim, Payment, PaymentBatch
from app.models.base import utcnow
from app.security import ROLE_FINANCE
from app.services import audit
from app.services import record_transitions as steps
from app.services.calendar import fund_today
from app.services.errors import Conflict, Forbidden, ValidationFailed
from app.services.lifecycle.rules import TRANSITIONS, actor_snapshot, role_names
from app.services.lifecycle.service import apply_transition
from app.services.numbering import next_value
from app.services.payments.eligibility import (
    BatchFilters,
    Exclusion,
    Selection,
    conflict_of,
    select_claims,
)
from app.services.payments.payees import payee_details
from app.services.record_transitions import Step, Workflow
from app.services.settings import settings_snapshot

FINANCE = frozenset({ROLE_FINANCE})
BUILD_ATTEMPTS = 3


class NothingToPay(Conflict):
    """No claim the filters select can be paid now; ``excluded`` says why for each."""

    def __init__(self, excluded: list[Exclusion]) -> None:
        super().__init__("No claim can be paid with these filters"
                         + (": see why each was left out." if excluded else "."))
        self.excluded = excluded


def describe(batch: PaymentBatch) -> str:
    return f"Payment batch {batch.batch_number}"


def require_finance(actor: Any) -> None:
    if ROLE_FINANCE not in role_names(actor):
        raise Forbidden("Only Finance builds and pays payment batches.")


def _fill(session: Session, batch: PaymentBatch, selection: Selection) -> None:
    for line_no, claim in enumerate(selection.included, start=1):
        session.add(Payment(
            batch=batch, line_no=line_no, claim_id=claim.id, member_id=claim.member_id,
            amount=claim.total_approved, reference=f"{batch.batch_number}-{line_no:03d}",
            **payee_details(claim.member),
        ))
    batch.payment_count = len(selection.included)
    batch.total_amount = selection.total


def build_batch(filters: BatchFilters, actor: Any) -> tuple[PaymentBatch, list[Exclusion]]:
    """Build a draft batch of every claim ``filters`` select that can be paid, in its own
    transaction with one audit event; answers the batch and the claims left out (with why).
    Raises NothingToPay when no claim can be paid."""
    session = db.session
    for _attempt in range(BUILD_ATTEMPTS):
        try:
            actor = actor_snapshot(session, actor)
            require_finance(actor)
            # Taken first: a builder at the same moment waits here, then sees what this took.
            number = f"PB-{next_value(session, 'payment-batch'):06d}"
            selection = select_claims(session, filters, actor)
            if not selection.included:
                raise NothingToPay(selection.excluded)
            batch = PaymentBatch(batch_number=number, method=filters.method, status="draft",
                                 created_by_id=actor.id,
                                 criteria=json.dumps(filters.as_dict(), default=str))
            session.add(batch)
            _fill(session, batch, selection)
            session.flush()
            audit.record(session, "paymentbatch.build", actor=actor,
                         resource_type="paymentbatch", resource_id=batch.id, details={
                             "batch": number, "method": filters.method,
                             "claims": [c.claim_number for c in selection.included],
                             "total": batch.total_amount,
                             "excluded": {e.claim_number: e.reason for e in selection.excluded},
                         })
            session.commit()
            return batch, selection.excluded
        except IntegrityError:
            session.rollback()  # another batch took a claim meanwhile: select again
        except Exception:
            session.rollback()
            raise
    raise Conflict("Other batches were being built at the same moment; build this one again.")


# --- Steps ------------------------------------------------------------------------------------


def _conflicts(batch: PaymentBatch, actor: Any) -> list[str]:
    return [f"{p.claim.claim_number} ({why})" for p in batch.payments
            if (why := conflict_of(p.claim, actor)) is not None]


def _approve(session: Session, batch: PaymentBatch, actor: Any, params: dict[str, Any]) -> dict:
    if actor.id == batch.created_by_id:
        raise Forbidden("Four eyes: a batch is approved by another Finance user than the one "
                        "who built it.")
    conflicts = _conflicts(batch, actor)
    if conflicts:
        raise Forbidden("You cannot approve the payment of: " + "; ".join(conflicts) + ".")
    unpayable = [p.claim.claim_number for p in batch.payments
                 if p.claim.status not in ("approved", "partially_approved")
                 or p.claim.awaiting_ratification or p.amount != p.claim.total_approved]
    if unpayable:
        raise Conflict("These claims changed since the batch was built and cannot be paid as "
                       "it says: " + ", ".join(unpayable) + ". Cancel the batch and build it "
                       "again.")
    batch.approved_by_id = actor.id
    batch.approved_at = utcnow()
    batch.status = "approved"
    return {"total": batch.total_amount, "payments": batch.payment_count}


def _release(session: Session, batch: PaymentBatch, actor: Any, params: dict[str, Any]) -> dict:
    batch.released_by_id = actor.id
    batch.released_at = utcnow()
    batch.status = "released"
    return {"total": batch.total_amount}


def paid_details(params: dict[str, Any]) -> tuple[date, str]:
    errors = {}
    paid_on = params.get("paid_on")
    if not isinstance(paid_on, date):
        errors["paid_on"] = "Enter the date the payments were made."
    elif paid_on > fund_today():
        errors["paid_on"] = "The date cannot be in the future."
    reference = (params.get("bank_reference") or "").strip()
    if not reference:
        errors["bank_reference"] = "Enter the bank's or provider's reference of the payout."
    elif len(reference) > 64:
        errors["bank_reference"] = "Keep the reference within 64 characters."
    if errors:
        raise ValidationFailed(errors)
    return paid_on, reference


def _mark_paid(session: Session, batch: PaymentBatch, actor: Any,
               params: dict[str, Any]) -> dict:
    paid_on, reference = paid_details(params)
    if batch.method == "cheque":
        missing = [p.reference for p in batch.payments if not p.cheque_number]
        if missing:
            raise ValidationFailed({"cheque_number": "Record the cheque number of every "
                                    "payment first: " + ", ".join(missing) + "."})
    pay = TRANSITIONS["pay"]
    with settings_snapshot():  # the SLA settings read once for the whole batch
        for payment in batch.payments:
            claim = session.get(Claim, payment.claim_id)
            # The lifecycle's own checks (role, conflict, state, ratification, amount), audit.
            apply_transition(session, pay, claim, actor, {
                "payment": payment, "paid_on": paid_on, "bank_reference": reference})
            payment.status = "paid"
            payment.paid_on = paid_on
    batch.paid_by_id = actor.id
    batch.paid_on = paid_on
    batch.bank_reference = reference
    batch.status = "paid"
    return {"paid_on": paid_on, "bank_reference": reference, "total": batch.total_amount,
            "claims": [p.claim.claim_number for p in batch.payments]}


def _cancel(session: Session, batch: PaymentBatch, actor: Any, params: dict[str, Any]) -> dict:
    reason = steps.reason(params, "why the batch is cancelled")
    for payment in batch.payments:
        payment.status = "cancelled"  # its claim may go into another batch
    batch.cancelled_by_id = actor.id
    batch.cancelled_at = utcnow()
    batch.cancel_reason = reason
    batch.status = "cancelled"
    return {"reason": reason, "released": [p.claim.claim_number for p in batch.payments]}


WORKFLOW = Workflow(
    model=PaymentBatch,
    resource="paymentbatch",
    steps={
        step.name: step
        for step in (
            Step("approve", "Approve the batch", "approved", ("draft",), FINANCE, _approve,
                 conflict_checked=False),
            Step("release", "Release the batch", "released", ("approved",), FINANCE, _release,
                 conflict_checked=False),
            Step("mark_paid", "Record the batch as paid", "recorded as paid", ("released",),
                 FINANCE, _mark_paid, conflict_checked=False),
            Step("cancel", "Cancel the batch", "cancelled", ("draft", "approved", "released"),
                 FINANCE, _cancel, conflict_checked=False),
        )
    },
    describe=describe,
)


def perform(batch_id: int, action: str, actor: Any, version: int | None = None,
            **params: Any) -> PaymentBatch:
    """Approve, release, record as paid or cancel a batch (``version``: the one the caller
    saw; None: current)."""
    return steps.perform(WORKFLOW, batch_id, action, actor, version, **params)


def record_cheques(batch_id: int, numbers: dict[int, str], actor: Any,
                   version: int | None = None) -> PaymentBatch:
    """Record the cheque number of payments of a cheque batch (approved or released), in its
    own transaction with one audit event. ``numbers``: payment id -> cheque number."""
    session = db.session
    try:
        actor = actor_snapshot(session, actor)
        require_finance(actor)
        batch = steps.load_record(WORKFLOW, batch_id, actor)
        if version is not None and version != batch.version:
            raise Conflict(f"{describe(batch)} was changed by someone else since you opened "
                           "it; reload it and try again.")
        if batch.method != "cheque":
            raise Conflict(f"{describe(batch)} pays by {batch.method.replace('_', ' ')}, not by "
                           "cheque.")
        if batch.status not in ("approved", "released"):
            raise Conflict(f"{describe(batch)} is {batch.status}: cheque numbers are recorded "
                           "once it is approved and until it is paid.")
        payments = {p.id: p for p in batch.payments}
        errors = {}
        for payment_id, number in numbers.items():
            text = (number or "").strip()
            if payment_id not in payments:
                errors[str(payment_id)] = "Not a payment of this batch."
            elif not text or len(text) > 20:
                errors[str(payment_id)] = "Enter the cheque number (at most 20 characters)."
        if errors:
            raise ValidationFailed(errors)
        for payment_id, number in numbers.items():
            payments[payment_id].cheque_number = number.strip()
        written = [p.cheque_number for p in batch.payments if p.cheque_number]
        if len(written) != len(set(written)):
            raise ValidationFailed({"cheque_number": "Each payment has its own cheque."})
        batch.updated_at = utcnow()  # a new version: the cheques are part of the record
        audit.record(session, "paymentbatch.cheques", actor=actor, resource_type="paymentbatch",
                     resource_id=batch.id,
                     details={payments[i].reference: n.strip() for i, n in numbers.items()})
        session.commit()
    except Exception:
        session.rollback()
        raise
    return batch
