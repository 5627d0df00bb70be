"""Which records a plain write may still change (SPEC permission table), for every interface.

Past these states a record changes only through its named transitions (their own service and
endpoints), never by editing its fields in a web form or a REST PUT/POST/DELETE: both call
``change_refusal`` (the web forms through app.views.common.FundModelView, REST through
app.api.base). Deletes are also subject to app.services.records (references, drafts).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.models import (
    AgendaItem,
    ChronicRequest,
    Claim,
    ClaimItem,
    CommitteeMeeting,
    Dependent,
    ScaleItem,
)
from app.services import chronic, dependents, meetings

EDITABLE_CLAIM_STATUSES = ("draft", "info_requested")
# A claim in these states has been decided: the scale rows its items used are history.
DECIDED_CLAIM_STATUSES = ("approved", "partially_approved", "rejected", "appealed",
                          "trustee_review", "paid")


def change_refusal(item: Any, action: str, *, restricted: bool) -> str | None:
    """Why ``item`` may not be created/changed/deleted (``action`` = add/edit/delete) by a plain
    write, or None. ``restricted``: the login is a Member (only own, pending records)."""
    if isinstance(item, ClaimItem):
        return _claim_refusal(item.claim, "add to, change or remove its items")
    if isinstance(item, Claim) and action == "edit":
        return _claim_refusal(item, "change it")
    if isinstance(item, ChronicRequest):
        return chronic.change_refusal(item, action)
    if isinstance(item, Dependent):
        return dependents.change_refusal(item, action, restricted=restricted)
    if isinstance(item, (CommitteeMeeting, AgendaItem)):
        return meetings.change_refusal(item, action)
    if isinstance(item, ScaleItem) and action != "add" and _used_by_decided_claim(item):
        return (f"Scale item {item.code} was used by a decided claim: end it (effective to) "
                "and add a new row instead.")
    return None


def _claim_refusal(claim: Claim | None, what: str) -> str | None:
    if claim is None or claim.status in EDITABLE_CLAIM_STATUSES:
        return None
    return (f"Claim {claim.claim_number} is {claim.status.replace('_', ' ')}: you can only "
            f"{what} while it is a draft or information is requested.")


def _used_by_decided_claim(scale_item: ScaleItem) -> bool:
    from app.extensions import db

    query = (
        sa.select(ClaimItem.id)
        .join(Claim, ClaimItem.claim_id == Claim.id)
        .where(ClaimItem.scale_item_id == scale_item.id,
               Claim.status.in_(DECIDED_CLAIM_STATUSES))
        .limit(1)
    )
    return db.session.execute(query).first() is not None
