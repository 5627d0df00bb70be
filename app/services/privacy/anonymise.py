"""Anonymising a member who left: names, identity numbers, contacts, payout details and every
free text that may hold health or personal details are replaced; amounts, dates, statuses and
the records themselves stay, so the fund's accounts and reports are unchanged.

Only a member who left (lapsed or terminated) with no claim still in progress or awaiting
payment, and no payment in an open batch (its payout file would carry the replaced details),
may be anonymised, once. The payee details copied into his payments (name, account, phone) and
the descriptions of the statement lines that reconciled them are replaced too; their amounts,
dates, references, bank and cheque numbers stay for the fund's accounts. The dates of birth
keep their year only (1 January), so age statistics stay right. Files (receipts, evidence)
are kept as the fund's accounting records; their names are replaced. The audit trail is not
touched: it names personal fields, never their values. The event records who anonymised whom
and how many records changed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import (
    Attachment,
    ChronicMedicine,
    ChronicRequest,
    Claim,
    ClaimNote,
    Dependent,
    Member,
    Notification,
    Payment,
    PaymentBatch,
    StatementLine,
)
from app.models.base import utcnow
from app.models.payment import OPEN_BATCH_STATUSES
from app.services.audit import record
from app.services.balance import IN_PROGRESS
from app.services.errors import Conflict, NotFound
from app.services.privacy.subject_access import load_member

ANONYMISABLE = ("lapsed", "terminated")
AWAITING_PAYMENT = ("approved", "partially_approved")
REPLACED = "[anonymised]"


def _year_only(born: date | None) -> date | None:
    return None if born is None else date(born.year, 1, 1)


def _scrub_member(member: Member) -> None:
    member.first_name = "Anonymised"
    member.middle_name = None
    member.last_name = f"Member {member.member_number}"
    member.date_of_birth = _year_only(member.date_of_birth)
    for field in ("national_id", "phone", "email", "statutory_insurer_number",
                  "other_medical_scheme", "payout_method", "bank_name", "bank_branch_code",
                  "bank_account_number", "bank_account_name", "mobile_money_number"):
        setattr(member, field, None)


def _scrub_login(member: Member) -> None:
    user = member.user
    if user is None:
        return
    # The login can no longer be used, and says nothing about the person.
    user.first_name, user.last_name = "Anonymised", "Login"
    user.email = f"anonymised-{user.id}@invalid"
    user.active = False
    member.user_id = None


def _texts(rows: list[Any], fields: tuple[str, ...]) -> int:
    for row in rows:
        for field in fields:
            if getattr(row, field) is not None:
                setattr(row, field, REPLACED)
    return len(rows)


def _refuse_open_payments(session: Session, member: Member) -> None:
    batches = list(session.scalars(
        sa.select(PaymentBatch.batch_number).join(Payment, Payment.batch_id == PaymentBatch.id)
        .where(Payment.member_id == member.id, Payment.status == "pending",
               PaymentBatch.status.in_(OPEN_BATCH_STATUSES))
        .distinct().order_by(PaymentBatch.batch_number)))
    if batches:
        raise Conflict(f"{member.member_number} has a payment in the open batch(es) "
                       f"{', '.join(batches)}: pay or cancel them first.")


def _scrub_payments(session: Session, member: Member) -> int:
    payments = list(session.scalars(sa.select(Payment).where(Payment.member_id == member.id)))
    for payment in payments:
        payment.payee_name = f"Member {member.member_number}"
        payment.bank_account_number = None
        payment.phone = None
    _texts(list(session.scalars(sa.select(StatementLine).where(
        StatementLine.payment_id.in_([p.id for p in payments]),
        StatementLine.description.is_not(None)))), ("description",))
    return len(payments)


def anonymise_member(session: Session, member_id: Any, actor: Any) -> Member:
    member = load_member(session, member_id)
    if member is None:
        raise NotFound("No such member.")
    if member.anonymised_at is not None:
        raise Conflict(f"{member.member_number} was already anonymised.")
    if member.status not in ANONYMISABLE:
        raise Conflict(f"{member.member_number} is {member.status}: only a member who left "
                       "(lapsed or terminated) can be anonymised.")
    _refuse_open_payments(session, member)
    open_claims = session.scalar(sa.select(sa.func.count(Claim.id)).where(
        Claim.member_id == member.id, Claim.status.in_((*IN_PROGRESS, *AWAITING_PAYMENT))))
    if open_claims:
        raise Conflict(f"{member.member_number} has {open_claims} claim(s) still in progress "
                       "or awaiting payment: finish them first.")
    claims = list(session.scalars(sa.select(Claim).where(Claim.member_id == member.id)))
    claim_ids = [c.id for c in claims]
    dependents = list(session.scalars(sa.select(Dependent)
                                      .where(Dependent.member_id == member.id)))
    requests = list(session.scalars(sa.select(ChronicRequest)
                                    .where(ChronicRequest.member_id == member.id)))
    user_id = member.user_id
    _scrub_member(member)
    _scrub_login(member)
    for dependent in dependents:
        dependent.first_name, dependent.last_name = "Anonymised", "Dependent"
        dependent.date_of_birth = _year_only(dependent.date_of_birth)
        dependent.statutory_insurer_number = None
        if dependent.removal_reason is not None:
            dependent.removal_reason = REPLACED
    for claim in claims:
        claim.icd10_code = None
    counts = {
        "dependents": len(dependents),
        "claims": _texts(claims, ("diagnosis", "info_request", "info_response",
                                  "decision_reason")),
        "chronic_requests": _texts(requests, ("condition", "doctor_name", "doctor_registration",
                                              "decision_reason")),
        "medicines": _texts(list(session.scalars(sa.select(ChronicMedicine).where(
            ChronicMedicine.request_id.in_([r.id for r in requests])))),
            ("name", "strength", "dosage")),
        "notes": _texts(list(session.scalars(sa.select(ClaimNote).where(
            ClaimNote.claim_id.in_(claim_ids)))), ("body",)),
        "notifications": _texts(list(session.scalars(sa.select(Notification).where(
            Notification.recipient_user_id == user_id))) if user_id else [], ("message",)),
    }
    files = list(session.scalars(sa.select(Attachment).where(sa.or_(
        Attachment.claim_id.in_(claim_ids),
        Attachment.chronic_request_id.in_([r.id for r in requests])))))
    for attachment in files:
        extension = attachment.original_name.rpartition(".")[2][:10]
        attachment.original_name = f"file-{attachment.id}.{extension}"
    counts["files"] = len(files)
    counts["payments"] = _scrub_payments(session, member)
    member.anonymised_at = utcnow()
    record(session, "member.anonymise", actor=actor, resource_type="member",
           resource_id=member.id, details={"member_number": member.member_number, **counts})
    session.commit()
    return member
