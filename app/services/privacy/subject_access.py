"""Everything the fund holds about one member, for a subject-access request: his record and
login, his dependents, claims with their items and the files' descriptions, chronic-illness
requests, notes on his claims, notifications to him, his payments (amounts, references, dates
and the payout details as they were sent, with the statement lines that reconciled them), and
the audit trail about his records (who changed or looked at them).

Admin exports any member's data; a member only his own (another's answers NotFound). Internal
committee notes go into Admin's export only: Admin hands the export over after checking the
Act's exemptions; the member's own copy holds what he may already see.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from app.models import (
    Attachment,
    AuditEvent,
    ChronicRequest,
    Claim,
    ClaimNote,
    Dependent,
    Member,
    Notification,
    Payment,
    StatementLine,
)
from app.security import ROLE_ADMIN
from app.services.audit import record
from app.services.errors import BadParameters, NotFound
from app.services.reports.render import FileOut

FORMATS = ("json", "pdf")
# Never exported: how the fund stores files, not data about the member.
HIDDEN_COLUMNS = {"storage_key", "thumbnail_key"}


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def columns(row: Any) -> dict[str, Any]:
    return {attr.key: plain(getattr(row, attr.key))
            for attr in sa.inspect(type(row)).column_attrs if attr.key not in HIDDEN_COLUMNS}


def load_member(session: Session, member_id: Any) -> Member | None:
    """The member of an id from a URL; None for anything that cannot be one."""
    try:
        member_id = int(member_id)
    except (TypeError, ValueError):
        return None
    return session.get(Member, member_id) if 0 < member_id < 2**63 else None


def _is_admin(user: Any) -> bool:
    return any(role.name == ROLE_ADMIN for role in getattr(user, "roles", ()))


def member_for(session: Session, member_id: Any, user: Any) -> Member:
    """The member whose data ``user`` may export: any for Admin, else his own only."""
    member = load_member(session, member_id)
    if member is None or not (_is_admin(user) or (
            user is not None and member.user_id is not None and member.user_id == user.id)):
        raise NotFound("No such member.")
    return member


def _login(session: Session, member: Member) -> dict[str, Any] | None:
    user = member.user
    if user is None:
        return None
    return {"username": user.username, "first_name": user.first_name,
            "last_name": user.last_name, "email": user.email, "active": user.active,
            "created_on": plain(user.created_on), "last_login": plain(user.last_login),
            "login_count": user.login_count}


def _payments(session: Session, member: Member) -> list[dict[str, Any]]:
    """Every payment to the member, cancelled ones too, as the payout file carried it."""
    payments = list(session.scalars(sa.select(Payment).where(Payment.member_id == member.id)
                                    .order_by(Payment.id)))
    lines: dict[int, list[StatementLine]] = {}
    for line in session.scalars(sa.select(StatementLine).where(
            StatementLine.payment_id.in_([p.id for p in payments])).order_by(StatementLine.id)):
        lines.setdefault(line.payment_id, []).append(line)
    return [{**columns(p), "claim_number": p.claim.claim_number,
             "batch_number": p.batch.batch_number, "method": p.batch.method,
             "batch_status": p.batch.status, "bank_reference": p.batch.bank_reference,
             "statement_lines": [{key: plain(getattr(line, key)) for key in (
                 "value_date", "reference", "amount", "description")}
                 for line in lines.get(p.id, [])]}
            for p in payments]


def _audit(session: Session, member: Member, claim_ids: list[int], dependent_ids: list[int],
           request_ids: list[int], payment_ids: list[int]) -> list[dict[str, Any]]:
    about = [sa.and_(AuditEvent.resource_type == "member",
                     AuditEvent.resource_id == str(member.id))]
    for kind, ids in (("claim", claim_ids), ("dependent", dependent_ids),
                      ("chronicrequest", request_ids), ("payment", payment_ids)):
        if ids:
            about.append(sa.and_(AuditEvent.resource_type == kind,
                                 AuditEvent.resource_id.in_([str(i) for i in ids])))
    if member.user_id is not None:
        about.append(AuditEvent.actor_id == member.user_id)
    events = session.scalars(sa.select(AuditEvent).where(sa.or_(*about))
                             .order_by(AuditEvent.id))
    return [{key: value for key, value in columns(e).items()
             if key not in ("previous_hash", "hash")} for e in events]


def subject_access(session: Session, member_id: Any, user: Any) -> dict[str, Any]:
    member = member_for(session, member_id, user)
    staff_copy = _is_admin(user)
    claims = list(session.scalars(sa.select(Claim).where(Claim.member_id == member.id)
                                  .order_by(Claim.id)))
    claim_ids = [c.id for c in claims]
    requests = list(session.scalars(sa.select(ChronicRequest)
                                    .where(ChronicRequest.member_id == member.id)
                                    .order_by(ChronicRequest.id)))
    files = list(session.scalars(sa.select(Attachment).where(sa.or_(
        Attachment.claim_id.in_(claim_ids),
        Attachment.chronic_request_id.in_([r.id for r in requests]))).order_by(Attachment.id)))
    notes = sa.select(ClaimNote).where(ClaimNote.claim_id.in_(claim_ids))
    if not staff_copy:
        notes = notes.where(ClaimNote.visible_to_member.is_(True))
    notifications = [] if member.user_id is None else list(session.scalars(
        sa.select(Notification).where(Notification.recipient_user_id == member.user_id)
        .order_by(Notification.id)))
    dependents = list(session.scalars(sa.select(Dependent).where(
        Dependent.member_id == member.id).order_by(Dependent.id)))
    payments = _payments(session, member)
    return {
        "fund": current_app.config.get("FUND_NAME") or "Claimdesk",
        "generated_at": plain(datetime.now(timezone.utc)),
        "member": {**columns(member), "membership_type": member.membership_type.name},
        "login": _login(session, member),
        "dependents": [columns(d) for d in dependents],
        "claims": [{**columns(c), "items": [columns(i) for i in c.items]} for c in claims],
        "attachments": [columns(a) for a in files],
        "chronic_requests": [{**columns(r), "medicines": [columns(m) for m in r.medicines]}
                             for r in requests],
        "notes": [columns(n) for n in session.scalars(notes.order_by(ClaimNote.id))],
        "notifications": [columns(n) for n in notifications],
        "payments": payments,
        "audit_events": _audit(session, member, claim_ids, [d.id for d in dependents],
                               [r.id for r in requests], [p["id"] for p in payments]),
    }


def subject_access_file(session: Session, member_id: Any, fmt: Any, user: Any) -> FileOut:
    """The export as a file, audited (who exported whose data, in which format)."""
    fmt = str(fmt or "json").lower()
    if fmt not in FORMATS:
        raise BadParameters({"format": f"Choose one of: {', '.join(FORMATS)}."})
    data = subject_access(session, member_id, user)
    number = data["member"]["member_number"]
    if fmt == "json":
        body = json.dumps(data, indent=1, default=str).encode("utf-8")
    else:
        from app.services.privacy.document import subject_access_pdf

        body = subject_access_pdf(data)
    record(session, "privacy.subject_access", actor=user, resource_type="member",
           resource_id=data["member"]["id"], details={
               "format": fmt, **{key: len(value) for key, value in data.items()
                                 if isinstance(value, list)}})
    session.commit()
    media = "application/json" if fmt == "json" else "application/pdf"
    return FileOut(f"subject-access-{number}.{fmt}", media, body)
