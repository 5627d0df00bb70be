"""Search-as-you-type for the pick lists of the forms: at most a page of matches, never a table.

Every search goes through the Member role's row rule (app.access.scope_query).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import sqlalchemy as sa

from app.access import scope_query
from app.extensions import db
from app.models import ChronicRequest, Claim, Dependent, Member, Provider

MAX_RESULTS = 20
MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class LookupKind:
    model: type
    search_columns: tuple[Any, ...]
    order_by: tuple[Any, ...]
    label: Callable[[Any], str]
    # column that narrows the choice to one member's records (the patient follows the member)
    member_column: Any = None
    # what a record must be to be offered at all
    offered_only: Any = None


def member_label(member: Member) -> str:
    return f"{member.member_number} {member.full_name}"


def dependent_label(dependent: Dependent) -> str:
    return f"{dependent.full_name} ({dependent.relationship_type})"


def claim_label(claim: Claim) -> str:
    return f"{claim.claim_number} ({claim.claim_type}, {claim.status.replace('_', ' ')})"


def provider_label(provider: Provider) -> str:
    return f"{provider.name} ({provider.registration_code})"


def chronic_request_label(request: ChronicRequest) -> str:
    return f"#{request.id} {request.condition} ({request.status})"


KINDS: dict[str, LookupKind] = {
    "members": LookupKind(
        Member,
        (Member.member_number, Member.first_name, Member.last_name, Member.national_id),
        (Member.last_name, Member.first_name, Member.id),
        member_label,
    ),
    "dependents": LookupKind(
        Dependent,
        (Dependent.first_name, Dependent.last_name),
        (Dependent.first_name, Dependent.id),
        dependent_label,
        member_column=Dependent.member_id,
        # Claims and chronic requests are for people covered now (SPEC: PATIENT_NOT_COVERED):
        # a dependent still pending confirmation, or removed, is no patient to choose.
        offered_only=Dependent.status == "active",
    ),
    "claims": LookupKind(
        Claim, (Claim.claim_number,), (Claim.id.desc(),), claim_label, member_column=Claim.member_id
    ),
    "providers": LookupKind(
        Provider,
        (Provider.name, Provider.registration_code),
        (Provider.name, Provider.id),
        provider_label,
    ),
    "chronic-requests": LookupKind(
        ChronicRequest,
        (ChronicRequest.condition,),
        (ChronicRequest.id.desc(),),
        chronic_request_label,
        member_column=ChronicRequest.member_id,
    ),
}

LABELS: dict[type, Callable[[Any], str]] = {kind.model: kind.label for kind in KINDS.values()}


def label_of(obj: Any) -> str:
    return LABELS.get(type(obj), str)(obj)


def offered_clause(model: type) -> Any | None:
    """What a record of ``model`` must be to be offered as a choice at all (the REST _info
    values too), or None when every record the user may see is a choice."""
    for kind in KINDS.values():
        if kind.model is model and kind.offered_only is not None:
            return kind.offered_only
    return None


def lookup(kind_name: str, text: str = "", member_id: int | None = None) -> list[dict[str, Any]]:
    """Matches for ``text`` as Select2 wants them: [{"id": ..., "text": ...}]."""
    kind = KINDS[kind_name]
    query = sa.select(kind.model)
    words = (text or "").strip()[:MAX_QUERY_LENGTH].split()
    for word in words:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(
            sa.or_(*(col.ilike(pattern, escape="\\") for col in kind.search_columns))
        )
    if kind.member_column is not None and member_id is not None:
        query = query.where(kind.member_column == member_id)
    if kind.offered_only is not None:
        query = query.where(kind.offered_only)
    query = scope_query(query, kind.model).order_by(*kind.order_by).limit(MAX_RESULTS)
    return [{"id": obj.id, "text": kind.label(obj)} for obj in db.session.scalars(query)]


def find_visible(model: type, pk: Any) -> Any | None:
    """The record with id ``pk`` when the current user may see it, else None."""
    try:
        ident = int(pk)
    except (TypeError, ValueError):
        return None
    return db.session.scalars(scope_query(sa.select(model).where(model.id == ident), model)).first()
