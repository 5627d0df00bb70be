"""Whether a record may be deleted: the fund closes records (status) that others refer to.

Checked before the delete so that the user reads why, and nothing is half-deleted (SQLite does
not enforce foreign keys, PostgreSQL would answer with an integrity error).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Attachment,
    BenefitCategory,
    ChecklistAnswer,
    ChecklistItem,
    ChronicRequest,
    Claim,
    ClaimItem,
    ClaimNote,
    Dependent,
    Member,
    MembershipType,
    Provider,
    ProviderRateOverride,
    ScaleItem,
)

# model -> the foreign keys that point at it, with the referring records' names.
REFERENCES: dict[type, list[tuple[Any, str, str]]] = {
    Member: [
        (Claim.member_id, "claim", "claims"),
        (Dependent.member_id, "dependent", "dependents"),
        (ChronicRequest.member_id, "chronic request", "chronic requests"),
    ],
    Dependent: [
        (Claim.dependent_id, "claim", "claims"),
        (ChronicRequest.dependent_id, "chronic request", "chronic requests"),
    ],
    Provider: [(Claim.provider_id, "claim", "claims")],
    ScaleItem: [
        (ClaimItem.scale_item_id, "claim item", "claim items"),
        (ProviderRateOverride.scale_item_id, "provider rate", "provider rates"),
    ],
    MembershipType: [(Member.membership_type_id, "member", "members")],
    BenefitCategory: [(ScaleItem.benefit_category_id, "scale item", "scale items")],
    ChronicRequest: [
        (Claim.chronic_request_id, "claim", "claims"),
        (Attachment.chronic_request_id, "attachment", "attachments"),
    ],
    # Files are removed one by one (their stored objects with them), never by a cascade.
    Claim: [(Attachment.claim_id, "attachment", "attachments"),
            (ClaimNote.claim_id, "note", "notes")],
    # An answered item is retired (not active), so that its answers keep their question.
    ChecklistItem: [(ChecklistAnswer.item_id, "answer", "answers")],
    ClaimItem: [(Attachment.claim_item_id, "attachment", "attachments")],
}

# Statuses in which a record is still only a draft of the member's or the officer's.
DELETABLE_CLAIM_STATUS = "draft"
DELETABLE_CHRONIC_STATUS = "pending"


def _referrers(obj: Any) -> list[str]:
    found = []
    for column, singular, plural in REFERENCES.get(type(obj), []):
        count = db.session.scalar(sa.select(sa.func.count()).where(column == obj.id)) or 0
        if count:
            found.append(f"{count} {singular if count == 1 else plural}")
    return found


def delete_refusal_reason(obj: Any) -> str | None:
    """Why ``obj`` must not be deleted, in words for the user; None when it may be."""
    if isinstance(obj, Claim) and obj.status != DELETABLE_CLAIM_STATUS:
        return (
            f"Claim {obj.claim_number} is {obj.status.replace('_', ' ')}: only a draft claim can "
            "be deleted. Withdraw it instead."
        )
    if (
        isinstance(obj, ClaimItem)
        and obj.claim is not None
        and obj.claim.status != DELETABLE_CLAIM_STATUS
    ):
        return (
            f"Claim {obj.claim.claim_number} is {obj.claim.status.replace('_', ' ')}: "
            "its items can no longer be deleted."
        )
    if isinstance(obj, ChronicRequest) and obj.status != DELETABLE_CHRONIC_STATUS:
        return f"The chronic request is {obj.status}: a decided request is kept, not deleted."
    referrers = _referrers(obj)
    if referrers:
        return (
            f"{obj} cannot be deleted: {' and '.join(referrers)} refer to it. "
            "Close the record (change its status) instead."
        )
    return None
