"""What each transition does to a claim, once ``rules`` has allowed it.

Each function changes the claim in the open transaction and returns the details for its audit
event; ``service.perform`` owns the transaction.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Claim, Member
from app.models.base import ZERO, utcnow
from app.security import ROLE_MEMBER
from app.services.adjudication import reasons as rc
from app.services.adjudication.loader import adjudicate_claim
from app.services.assignment import assign_reviewer, reassign
from app.services.attachments import items_with_attachments
from app.services.calendar import fund_today
from app.services.checklists import require_complete_checklist
from app.services.errors import Conflict, Forbidden, ValidationFailed
from app.services.lifecycle.rules import role_names
from app.services.prepared import Prepared
from app.services.ratification import is_payable, send_back
from app.services.review_templates import fill_reason
from app.services.settings import get_setting
from app.services.validation import claim_errors, money_error

PRIORITY_BY_TYPE = {"inpatient": "P1", "chronic": "P2"}


def _reason(params: dict[str, Any], what: str = "a reason") -> str:
    text = (params.get("reason") or "").strip()
    if not text:
        raise ValidationFailed({"reason": f"Write {what}."})
    return text


_MEMBER = Member.__table__
_MEMBER_ID = _MEMBER.c.id == sa.bindparam("member_id")
# The lock each database takes for a decision, before the usage is read:
_LOCK_MEMBER = {
    # PostgreSQL: the member's row lock; a decision for another member goes on in parallel.
    "postgresql": sa.select(_MEMBER.c.id).where(_MEMBER_ID).with_for_update(),
    # SQLite has one writer at a time: any write statement takes the database's write lock,
    # and one that matches no row writes nothing (no page of the member changes).
    "sqlite": sa.update(_MEMBER).where(_MEMBER_ID, sa.literal_column("1") == sa.literal_column("0"))
    .values(id=_MEMBER.c.id, updated_at=_MEMBER.c.updated_at),
}
# Elsewhere, a no-op update of the member's row (both columns set to themselves: updated_at
# would otherwise take its on-update default, as if the member had been edited).
_LOCK_ROW = (sa.update(_MEMBER).where(_MEMBER_ID)
             .values(id=_MEMBER.c.id, updated_at=_MEMBER.c.updated_at))


_LOCK_MEMBER_RUN = {name: Prepared(statement) for name, statement in _LOCK_MEMBER.items()}
_LOCK_ROW_RUN = Prepared(_LOCK_ROW)


def _lock_patient_usage(session: Session, claim: Claim) -> None:
    """Serialise decisions for one person so that two at once never exceed a limit together.

    The lock is taken before the usage is read and holds until the transaction ends.
    """
    connection = session.connection()
    statement = _LOCK_MEMBER_RUN.get(connection.dialect.name, _LOCK_ROW_RUN)
    statement.run(connection, {"member_id": claim.member_id})


def _amounts(claim: Claim) -> dict[str, Decimal]:
    return {
        "claimed": claim.total_claimed,
        "eligible": claim.total_eligible,
        "approved": claim.total_approved,
    }


def submit(session: Session, claim: Claim, actor: Any, params: dict[str, Any]) -> dict:
    errors = dict(claim_errors(claim))
    if not claim.items:
        errors["items"] = "Add at least one item before submitting."
    attached = items_with_attachments(claim.id)
    missing = [str(i.line_no) for i in claim.items
               if not (i.receipt_number or "").strip() and i.id not in attached]
    if missing:
        errors["items"] = ("Every item needs a receipt number or an attached receipt (line "
                           + ", ".join(missing) + ").")
    officer_keying = ROLE_MEMBER not in role_names(actor) or params.get("paper")
    if officer_keying:
        received = params.get("received_on")
        if not isinstance(received, date):
            errors["received_on"] = "Enter the date the fund received the paper form."
        elif received > fund_today():
            errors["received_on"] = "The date cannot be in the future."
        if not params.get("declaration"):
            errors["declaration"] = "Record that the paper form's declaration is signed."
    elif not params.get("declaration"):
        errors["declaration"] = "Accept the declaration and consent to submit."
    if errors:
        raise ValidationFailed(errors)
    now = utcnow()
    claim.declaration_accepted_at = now
    if officer_keying:
        claim.declaration_source = "paper"
        claim.received_on = params["received_on"]
        # The paper form's date of receipt, not the keying date, is the submission date.
        claim.submitted_at = datetime.combine(claim.received_on, time())
    else:
        claim.declaration_source = "online"
        claim.received_on = fund_today()
        claim.submitted_at = now
    claim.priority = PRIORITY_BY_TYPE.get(claim.claim_type, "P3")
    claim.member_status_at_submission = claim.member.status
    claim.status = "submitted"
    session.flush()  # totals and treatment date are derived on flush
    working = adjudicate_claim(session, claim)
    return {"recommendation": working.outcome, "declaration": claim.declaration_source,
            **assign_reviewer(session, claim)}


def start_review(session: Session, claim: Claim, actor: Any, params: dict[str, Any]) -> dict:
    if claim.status == "appealed" and actor.id in (claim.decided_by_id, claim.recommended_by_id):
        raise Forbidden("An appeal must be reviewed by someone who did not decide the claim.")
    if claim.assigned_reviewer_id is None:  # nobody was free: whoever starts takes it
        claim.assigned_reviewer_id = actor.id
        claim.assignment_flagged = False
    if claim.status == "appealed":
        claim.recommended_by_id = claim.recommended_at = None
        claim.awaiting_ratification = False
    claim.status = "under_review"
    return {"reviewer": actor.username}


def request_info(session: Session, claim: Claim, actor: Any, params: dict[str, Any]) -> dict:
    claim.info_request = _reason(fill_reason(session, params, "info_request"),
                                 "what information is needed")
    claim.info_response = None
    claim.status = "info_requested"
    return {"reason": claim.info_request}


def answer_info(session: Session, claim: Claim, actor: Any, params: dict[str, Any]) -> dict:
    claim.info_response = _reason(params, "your answer")
    claim.status = "under_review"
    session.flush()
    adjudicate_claim(session, claim)  # the member may have corrected items meanwhile
    claim.recommended_by_id = claim.recommended_at = None
    return {"answer": claim.info_response}


def override_line(session: Session, claim: Claim, actor: Any, params: dict[str, Any]) -> dict:
    reason = _reason(params)
    item = next((i for i in claim.items if i.id == params.get("item_id")), None)
    if item is None:
        raise ValidationFailed({"item_id": "Choose a line of this claim."})
    problem = money_error(params.get("amount"), allow_none=False)
    if problem:
        raise ValidationFailed({"amount": problem})
    try:
        amount = Decimal(str(params["amount"]))
    except (InvalidOperation, ValueError):
        raise ValidationFailed({"amount": "Enter an amount such as 1500.00."}) from None
    item.override_amount = amount
    item.override_reason = reason
    _lock_patient_usage(session, claim)
    adjudicate_claim(session, claim)
    # Amounts changed: any earlier first signature no longer covers them.
    claim.recommended_by_id = claim.recommended_at = None
    return {"line": item.line_no, "override": amount, "approved": item.approved_amount,
            "reason": reason}


def recommend(session: Session, claim: Claim, actor: Any, params: dict[str, Any]) -> dict:
    require_complete_checklist(session, claim)
    _lock_patient_usage(session, claim)
    working = adjudicate_claim(session, claim)
    claim.recommended_by_id = actor.id
    claim.recommended_at = utcnow()
    return {"recommendation": working.outcome, **_amounts(claim)}


def approve(session: Session, claim: Claim, actor: Any, params: dict[str, Any]) -> dict:
    if claim.recommended_by_id is None:
        raise ValidationFailed(
            {"recommendation": "A first committee member must recommend the claim first."}
        )
    if claim.recommended_by_id == actor.id:
        raise Forbidden("The second signature must come from a different committee member.")
    require_complete_checklist(session, claim)
    _lock_patient_usage(session, claim)
    working = adjudicate_claim(session, claim)  # limits may have moved since the recommendation
    _decide(claim, actor, working.outcome, params.get("reason"))
    return {"decision": claim.status, **_amounts(claim)}


def reject(session: Session, claim: Claim, actor: Any, params: dict[str, Any]) -> dict:
    require_complete_checklist(session, claim)
    reason = _reason(fill_reason(session, params, "rejection"))
    codes = [c for c in params.get("reason_codes") or [] if c]
    unknown = [c for c in codes if c not in rc.REASON_TEXTS]
    if unknown:
        raise ValidationFailed({"reason_codes": "Unknown reason code: " + ", ".join(unknown)})
    for item in claim.items:
        item.approved_amount = ZERO
    claim.total_approved = ZERO
    if codes:
        claim.reason_codes = rc.join_codes(rc.split_codes(claim.reason_codes) + codes)
    _decide(claim, actor, "rejected", reason)
    return {"decision": "rejected", "reason": reason, "reason_codes": codes, **_amounts(claim)}


def _decide(claim: Claim, actor: Any, outcome: str, reason: str | None) -> None:
    claim.status = outcome
    claim.decided_by_id = actor.id
    claim.decided_at = utcnow()
    claim.decision_reason = (reason or "").strip() or None
    threshold = Decimal(str(get_setting("ratification_threshold")))
    claim.awaiting_ratification = claim.total_approved >= threshold


def withdraw(session: Session, claim: Claim, actor: Any, params: dict[str, Any]) -> dict:
    claim.status = "withdrawn"
    return {"reason": (params.get("reason") or "").strip() or None}


def appeal(session: Session, claim: Claim, actor: Any, params: dict[str, Any]) -> dict:
    reason = _reason(params, "the grounds of your appeal")
    if claim.appeal_count >= 2:
        raise Forbidden("The trustees' decision is final: there is no further appeal.")
    claim.appeal_count += 1
    # First appeal: back to the committee; second: to the trustees.
    claim.status = "appealed" if claim.appeal_count == 1 else "trustee_review"
    claim.awaiting_ratification = False
    # A first appeal goes to a reviewer who neither recommended nor decided the claim.
    routed = (assign_reviewer(session, claim, (claim.decided_by_id, claim.recommended_by_id))
              if claim.status == "appealed" else {})
    return {"appeal": claim.appeal_count, "reason": reason, **routed}


def trustee_decision(session: Session, claim: Claim, actor: Any, params: dict[str, Any]) -> dict:
    reason = _reason(params, "the trustees' decision")
    decision = params.get("decision")
    if decision not in ("approved", "rejected"):
        raise ValidationFailed({"decision": "Choose approved or rejected."})
    claim.appeal_count = max(claim.appeal_count, 2)  # final: no appeal after the trustees
    if decision == "rejected":
        return reject(session, claim, actor, {"reason": reason})
    require_complete_checklist(session, claim)
    _lock_patient_usage(session, claim)
    working = adjudicate_claim(session, claim)
    _decide(claim, actor, working.outcome, reason)
    return {"decision": claim.status, "reason": reason, **_amounts(claim)}


def pay(session: Session, claim: Claim, actor: Any, params: dict[str, Any]) -> dict:
    """Paid through ``params["payment"]``, a payment of a batch being recorded as paid: the
    amount paid is the approved amount, never more or less (SPEC: pay exactly what was approved
    and ratified, once)."""
    payment = params.get("payment")
    if payment is None or payment.claim_id != claim.id:
        raise Conflict("Claims are marked paid only through their payment batch.")
    if actor.id in (claim.decided_by_id, claim.recommended_by_id):
        raise Forbidden(f"You signed the decision on claim {claim.claim_number}: someone else "
                        "must pay it.")
    if not is_payable(claim):
        raise Conflict(f"Claim {claim.claim_number} awaits ratification: it cannot be paid yet.")
    if payment.amount != claim.total_approved:
        raise Conflict(f"Claim {claim.claim_number}'s approved amount "
                       f"({claim.total_approved:,.2f}) is not its payment's "
                       f"({payment.amount:,.2f}): cancel the batch and build it again.")
    claim.total_paid = payment.amount
    claim.status = "paid"
    return {"amount_paid": payment.amount, "reference": payment.reference,
            "batch": payment.batch.batch_number, "paid_on": params.get("paid_on"),
            "bank_reference": params.get("bank_reference")}


ACTIONS: dict[str, Callable[[Session, Claim, Any, dict[str, Any]], dict]] = {
    "submit": submit,
    "start_review": start_review,
    "request_info": request_info,
    "answer_info": answer_info,
    "override_line": override_line,
    "recommend": recommend,
    "approve": approve,
    "reject": reject,
    "withdraw": withdraw,
    "appeal": appeal,
    "trustee_decision": trustee_decision,
    "send_back": send_back,  # at a committee meeting with quorum
    "reassign": reassign,  # another reviewer (app.services.assignment)
    "pay": pay,  # by Finance, inside a payment batch's "mark paid" (app.services.payments)
}
