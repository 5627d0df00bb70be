"""Decisions on chronic-illness requests (SPEC "ChronicRequest"): the committee approves a
request with a monthly amount and a validity, or rejects it with a reason; an approved request
past its validity expires (``expire_lapsed``, run daily by `flask claimdesk expire-chronic`).
Only an approved request valid on the treatment date lets a chronic claim be paid
(app.services.adjudication: NO_CHRONIC_APPROVAL otherwise).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import ChronicRequest
from app.models.base import utcnow
from app.services import audit
from app.services import record_transitions as steps
from app.services.calendar import fund_today
from app.services.errors import ValidationFailed
from app.services.record_transitions import OFFICERS, Step, StepOutcome, Workflow
from app.services.validation import money_error

EDITABLE_STATUS = "pending"


def describe(request: ChronicRequest) -> str:
    return f"Chronic request #{request.id} ({request.condition})"


def change_refusal(request: ChronicRequest, action: str) -> str | None:
    """Why a request may not be changed or deleted by a plain edit (``action``: add, edit,
    delete), or None: once decided it changes only through its steps."""
    if action != "add" and request.status != EDITABLE_STATUS:
        return f"The chronic request is {request.status}: only a pending request can be changed."
    return None


def prepare_new(request: ChronicRequest) -> None:
    """A new request waits for the committee, whatever its sender filled in."""
    request.status = EDITABLE_STATUS
    request.approved_monthly_amount = request.valid_from = request.valid_to = None
    request.decided_by_id = request.decided_at = request.decision_reason = None


def _amount(value: Any) -> Decimal:
    problem = money_error(value, allow_none=False)
    if problem:
        raise ValidationFailed({"amount": problem})
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed({"amount": "Enter an amount such as 1500.00."}) from None
    if amount <= 0:
        raise ValidationFailed({"amount": "The approved monthly amount must be above 0."})
    return amount


def _validity(params: dict[str, Any]) -> tuple[date, date]:
    start, end = params.get("valid_from"), params.get("valid_to")
    errors = {}
    if not isinstance(start, date):
        errors["valid_from"] = "Enter the first day the approval covers."
    if not isinstance(end, date):
        errors["valid_to"] = "Enter the last day the approval covers."
    elif isinstance(start, date) and end < start:
        errors["valid_to"] = "The end of the validity cannot be before its start."
    if errors:
        raise ValidationFailed(errors)
    return start, end


def _decide(request: ChronicRequest, actor: Any, status: str, why: str | None) -> None:
    request.status = status
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    request.decision_reason = (why or "").strip() or None


def approve(session: Session, request: ChronicRequest, actor: Any,
            params: dict[str, Any]) -> dict[str, Any]:
    # Bulk approval gives no amount: each request is approved at the amount it asked for.
    given = params.get("amount")
    amount = _amount(request.requested_monthly_amount if given in (None, "") else given)
    start, end = _validity(params)
    request.approved_monthly_amount = amount
    request.valid_from, request.valid_to = start, end
    _decide(request, actor, "approved", params.get("reason"))
    return {"approved_monthly_amount": amount, "valid_from": start, "valid_to": end}


def reject(session: Session, request: ChronicRequest, actor: Any,
           params: dict[str, Any]) -> dict[str, Any]:
    why = steps.reason(params)
    _decide(request, actor, "rejected", why)
    return {"reason": why}


WORKFLOW = Workflow(
    model=ChronicRequest,
    resource="chronicrequest",
    describe=describe,
    steps={
        s.name: s
        for s in (
            Step("approve", "Approve", "approved", ("pending",), OFFICERS, approve),
            Step("reject", "Reject", "rejected", ("pending",), OFFICERS, reject),
        )
    },
    bulk_steps=("approve", "reject"),
)


def perform(request_id: int, action: str, actor: Any, version: int | None = None,
            **params: Any) -> ChronicRequest:
    return steps.perform(WORKFLOW, request_id, action, actor, version, **params)


def perform_bulk(request_ids: Iterable[int], action: str, actor: Any,
                 **params: Any) -> list[StepOutcome]:
    return steps.perform_bulk(WORKFLOW, request_ids, action, actor, **params)


def expire_lapsed(today: date | None = None) -> list[ChronicRequest]:
    """Mark every approved request whose validity ended before ``today`` expired, with one
    audit event each, in one transaction; running it again changes nothing."""
    today = today or fund_today()
    session = db.session
    lapsed = session.scalars(
        sa.select(ChronicRequest)
        .where(ChronicRequest.status == "approved", ChronicRequest.valid_to < today)
        .order_by(ChronicRequest.id)
    ).all()
    for request in lapsed:
        request.status = "expired"
        audit.record(session, "chronicrequest.expire", resource_type="chronicrequest",
                     resource_id=request.id,
                     details={"from": "approved", "to": "expired", "valid_to": request.valid_to})
    session.commit()
    return list(lapsed)
