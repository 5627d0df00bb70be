"""Who may do what to a claim, and from which state (SPEC "Claim lifecycle")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Claim, Member
from app.security import ROLE_ADMIN, ROLE_COMMITTEE, ROLE_FINANCE, ROLE_MEMBER
from app.services.errors import Conflict, Forbidden

OFFICERS = frozenset({ROLE_COMMITTEE, ROLE_ADMIN})  # review, decide, key in paper claims


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    roles: frozenset[str]
    # The member himself may do it to his own claim (members' roles are checked on ownership).
    by_owner: bool = False
    # Refused to a reviewer linked to the claim (he or his dependent is member or patient).
    conflict_checked: bool = True
    # Only for a decision still awaiting ratification (app.services.ratification).
    needs_ratification: bool = False
    # Taken only by another service inside its own step (a payment batch marks its claims
    # paid), never on its own from the claim's page, a bulk run or the claim's REST route.
    internal: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("submit", "Submit", ("draft",), OFFICERS, by_owner=True,
                   conflict_checked=False),
        Transition("start_review", "Start review", ("submitted", "appealed"), OFFICERS),
        Transition("request_info", "Request information", ("under_review",), OFFICERS),
        Transition("answer_info", "Answer information request", ("info_requested",), OFFICERS,
                   by_owner=True, conflict_checked=False),
        Transition("override_line", "Override a line", ("under_review",), OFFICERS),
        Transition("recommend", "Recommend (first signature)", ("under_review",), OFFICERS),
        Transition("approve", "Approve (second signature)", ("under_review",), OFFICERS),
        Transition("reject", "Reject", ("under_review",), OFFICERS),
        Transition("withdraw", "Withdraw", ("draft", "submitted", "info_requested"),
                   frozenset(), by_owner=True, conflict_checked=False),
        Transition("appeal", "Appeal", ("rejected", "partially_approved"), frozenset(),
                   by_owner=True, conflict_checked=False),
        Transition("trustee_decision", "Record the trustees' decision", ("trustee_review",),
                   frozenset({ROLE_ADMIN})),
        Transition("send_back", "Send back to review",
                   ("approved", "partially_approved", "rejected"), OFFICERS,
                   needs_ratification=True),
        Transition("reassign", "Reassign", ("submitted", "under_review", "info_requested",
                                            "appealed"), OFFICERS),
        # Finance only, through a released payment batch (app.services.payments.batches).
        Transition("pay", "Mark paid", ("approved", "partially_approved"),
                   frozenset({ROLE_FINANCE}), internal=True),
    )
}


@dataclass(frozen=True)
class RoleName:
    name: str


@dataclass(frozen=True)
class Actor:
    """A login as one transition or bulk run sees it, read once: its roles and linked member
    are what the checks ask for each claim, and a bulk run need not query them per claim."""

    id: int
    username: str
    roles: tuple[RoleName, ...]
    member_id: int | None


def actor_snapshot(session: Session, user: Any) -> Actor:
    if isinstance(user, Actor):
        return user
    return Actor(
        id=user.id,
        username=user.username,
        roles=tuple(RoleName(name) for name in sorted(role_names(user))),
        member_id=linked_member_id(session, user),
    )


def role_names(user: Any) -> set[str]:
    return {role.name for role in getattr(user, "roles", [])}


def linked_member_id(session: Session, user: Any) -> int | None:
    if isinstance(user, Actor):
        return user.member_id
    return session.scalar(sa.select(Member.id).where(Member.user_id == user.id))


def check_allowed(session: Session, transition: Transition, claim: Claim, actor: Any) -> None:
    """Raise Forbidden or Conflict when ``actor`` may not do ``transition`` to ``claim`` now."""
    roles = role_names(actor)
    own_member = linked_member_id(session, actor)
    is_owner = own_member is not None and own_member == claim.member_id
    allowed = bool(roles & transition.roles) or (
        transition.by_owner and is_owner and ROLE_MEMBER in roles
    )
    if not allowed:
        raise Forbidden(f"You may not {transition.label.lower()} this claim.")
    if transition.conflict_checked and is_owner:
        raise Forbidden(
            "You cannot act on a claim in which you or your dependant is the member or patient."
        )
    if claim.status not in transition.sources:
        raise Conflict(
            f"Claim {claim.claim_number} is {claim.status.replace('_', ' ')}: "
            f"it cannot be {_past(transition)} now."
        )
    if transition.needs_ratification and not claim.awaiting_ratification:
        raise Conflict(f"Claim {claim.claim_number} is not awaiting ratification: it cannot be "
                       f"{_past(transition)} now.")


def check_version(claim: Claim, version: int | None) -> None:
    if version is not None and version != claim.version:
        raise Conflict(
            f"Claim {claim.claim_number} was changed by someone else since you opened it; "
            "reload it and try again."
        )


def _past(transition: Transition) -> str:
    return {
        "submit": "submitted",
        "start_review": "taken into review",
        "request_info": "sent back for information",
        "answer_info": "answered",
        "override_line": "adjusted",
        "recommend": "recommended",
        "approve": "approved",
        "reject": "rejected",
        "withdraw": "withdrawn",
        "appeal": "appealed",
        "trustee_decision": "decided by the trustees",
        "send_back": "sent back to review",
        "reassign": "reassigned",
        "pay": "paid",
    }[transition.name]
