"""Who may see which rows: the Member role's rule, in one place.

A login whose roles are all restricted (only Member) sees only records of the Member linked to it.
Every ModelView and ModelRestApi of ours gets :class:`MemberScopeFilter` through its base class,
and the scope is looked up by model in ``MEMBER_SCOPES``: a model that is neither scoped nor
shared reference data shows a restricted user nothing (fail closed).

A login with several roles sees what any of them sees: staff who are fund members too (Committee
and Member) are not restricted. Staff roles see every row, except where ``STAFF_SCOPES`` narrows
one role on one model (Committee reads only the claims' part of the audit trail).
"""

from __future__ import annotations

from typing import Any, Callable

import sqlalchemy as sa
from flask import g, has_request_context
from flask_appbuilder.models.filters import BaseFilter

from app.models import (
    Attachment,
    AuditEvent,
    BenefitCategory,
    ChronicMedicine,
    ChronicRequest,
    Claim,
    ClaimItem,
    ClaimNote,
    Dependent,
    Member,
    MembershipType,
    Notification,
    Payment,
    Provider,
    ProviderRateOverride,
    ReviewerSetting,
    ScaleItem,
)
from app.security import ROLE_COMMITTEE, ROLE_FINANCE, ROLE_MEMBER

# Reference data every role may read.
SHARED_MODELS: set[type] = {
    MembershipType, BenefitCategory, ScaleItem, Provider, ProviderRateOverride,
}


def _visible_notes(member_id: int) -> Any:
    return sa.select(ClaimNote.id).where(
        ClaimNote.visible_to_member.is_(True),
        ClaimNote.claim_id.in_(sa.select(Claim.id).where(Claim.member_id == member_id)),
    )


# How a model's rows belong to a member: a function of the member id giving a WHERE clause.
MEMBER_SCOPES: dict[type, Callable[[int], Any]] = {
    Member: lambda member_id: Member.id == member_id,
    Dependent: lambda member_id: Dependent.member_id == member_id,
    Claim: lambda member_id: Claim.member_id == member_id,
    ClaimItem: lambda member_id: ClaimItem.claim_id.in_(
        sa.select(Claim.id).where(Claim.member_id == member_id)
    ),
    ChronicRequest: lambda member_id: ChronicRequest.member_id == member_id,
    ChronicMedicine: lambda member_id: ChronicMedicine.request_id.in_(
        sa.select(ChronicRequest.id).where(ChronicRequest.member_id == member_id)
    ),
    Attachment: lambda member_id: sa.or_(
        Attachment.claim_id.in_(sa.select(Claim.id).where(Claim.member_id == member_id)),
        Attachment.chronic_request_id.in_(
            sa.select(ChronicRequest.id).where(ChronicRequest.member_id == member_id)
        ),
        Attachment.claim_note_id.in_(_visible_notes(member_id)),
    ),
    # Only the notes the committee marked visible to him, on his own claims; never internal ones.
    ClaimNote: lambda member_id: ClaimNote.id.in_(_visible_notes(member_id)),
    # Checklists, their answers and review templates are the committee's: left out on purpose,
    # so a member sees none of them.
    # His own payments (SPEC: "own payments: r"); batches are Finance's, left out on purpose.
    Payment: lambda member_id: Payment.member_id == member_id,
    # Only notifications addressed to his own login (never a role's shared inbox).
    Notification: lambda member_id: Notification.recipient_user_id.in_(
        sa.select(Member.user_id).where(Member.id == member_id)
    ),
}

# Audit events about claims (their resource_type is the REST resource name).
CLAIM_AUDIT_RESOURCES = ("claim", "claimitem", "attachment", "claimnote", "reviewchecklist",
                         "appeal")



def _inbox(role: str) -> Callable[[Any], Any]:
    """A staff login's notifications: his own and his role's shared inbox."""
    return lambda user: sa.or_(Notification.recipient_user_id == user.id,
                               Notification.recipient_role == role)


# Staff roles that see only part of a model: role -> model -> clause given the user.
STAFF_SCOPES: dict[str, dict[type, Callable[[Any], Any]]] = {
    ROLE_COMMITTEE: {
        AuditEvent: lambda user: AuditEvent.resource_type.in_(CLAIM_AUDIT_RESOURCES),
        Notification: _inbox(ROLE_COMMITTEE),
        # A reviewer sees his own settings; Admin maintains everyone's.
        ReviewerSetting: lambda user: ReviewerSetting.user_id == user.id,
    },
    ROLE_FINANCE: {Notification: _inbox(ROLE_FINANCE)},
}

RESTRICTED_ROLES = {ROLE_MEMBER}
NO_MEMBER = -1  # a restricted login with no member record sees nothing


def current_user() -> Any | None:
    if not has_request_context():
        return None
    user = getattr(g, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def is_restricted(user: Any) -> bool:
    """True when every role of the user is a restricted (member) role."""
    roles = {role.name for role in getattr(user, "roles", [])}
    return bool(roles) and roles <= RESTRICTED_ROLES


def member_id_of(user: Any) -> int:
    """The id of the Member linked to a login, or NO_MEMBER."""
    from app.extensions import db

    member_id = db.session.execute(
        sa.select(Member.id).where(Member.user_id == user.id)
    ).scalar_one_or_none()
    return member_id if member_id is not None else NO_MEMBER


def _role_clause(role: str, model: type, user: Any) -> Any | None:
    """What one role lets ``user`` see of ``model``: None for every row."""
    if role in RESTRICTED_ROLES:
        scope = MEMBER_SCOPES.get(model)
        return sa.false() if scope is None else scope(member_id_of(user))
    rule = STAFF_SCOPES.get(role, {}).get(model)
    return None if rule is None else rule(user)


def scope_clause(model: type, user: Any | None) -> Any | None:
    """The WHERE clause limiting ``model`` for ``user``; None when unrestricted.

    ``user`` None means no request user (CLI, jobs): the caller decides what it loads.
    """
    if user is None or model in SHARED_MODELS:
        return None
    roles = sorted({role.name for role in getattr(user, "roles", [])})
    if not roles:
        return sa.false()
    clauses = []
    for role in roles:
        clause = _role_clause(role, model, user)
        if clause is None:
            return None
        clauses.append(clause)
    return clauses[0] if len(clauses) == 1 else sa.or_(*clauses)


def scope_query(query: Any, model: type, user: Any | None = None) -> Any:
    """Apply the rule to a query (for actions and custom endpoints that load rows themselves)."""
    clause = scope_clause(model, user if user is not None else current_user())
    return query if clause is None else query.where(clause)


class MemberScopeFilter(BaseFilter):
    """FAB base filter that applies the rule; declared once in our base view and API classes."""

    name = "Member scope"
    arg_name = "member_scope"

    def apply(self, query: Any, value: Any) -> Any:
        return scope_query(query, self.model)


def member_scope_base_filters() -> list:
    # FAB needs a column name for a base filter; the rule itself ignores it.
    return [["id", MemberScopeFilter, None]]


def reviewer_names_visible(user: Any | None) -> bool:
    """Staff always see who reviewed a claim; members only when the fund shows the names."""
    from app.services.settings import get_setting

    return user is None or not is_restricted(user) or bool(get_setting("show_reviewer_names"))
