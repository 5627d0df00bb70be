"""The demo fund's later lifecycle: chronic requests the committee approved, the recommendation
every submitted claim got, and a share of claims decided through the real transitions.

Every amount is the engine's: submitted claims are adjudicated as submission does, and decisions
go through ``perform`` (start review, recommend by one committee member, approve by the other,
reject with a reason, request information, override a line, appeal), each writing its audit
event. Only claims added in the same run are touched, so a second run changes nothing; the
choice of claims is drawn from a generator of its own, so the claims plan is not disturbed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app

from app.demo.checklists import answer_checklist
from app.extensions import db
from app.models import ChronicRequest, Claim, Member
from app.services.adjudication import reasons as rc
from app.services.adjudication.loader import adjudicate_claim
from app.services.lifecycle import perform

FUND_UTC_OFFSET = timedelta(hours=3)
CHRONIC_APPROVED = 3  # of the demo's chronic requests; the others stay pending
# The committee approves 40% of the requested monthly amount (the members pay the rest, by-law
# 3.2.3), rounded down to KES 100.
CHRONIC_SHARE = Decimal("0.4")
APPEALS = 2  # one back with the committee, one with the trustees
# Claims recommended for payment: (fate, weight); the rest stay submitted.
PAYABLE_FATES = (
    ("approve", 15),
    ("partial", 3),
    ("info_requested", 4),
    ("under_review", 3),
    ("recommended", 3),
    ("submitted", 72),
)
REJECT_SHARE = 0.5  # of the claims recommended for rejection
REJECTION_REASONS = {
    rc.LATE_SUBMISSION: "The claim reached the fund after the by-laws' 90 days.",
    rc.NO_CHRONIC_APPROVAL: "The chronic-illness request has not been approved.",
}
INFO_QUESTIONS = (
    "Please send the doctor's referral letter for this treatment.",
    "Please send the itemised hospital bill; the receipt gives only a total.",
    "Please confirm whether another scheme paid part of this bill.",
)
OVERRIDE_REASONS = (
    "Only the first session was referred by the doctor; the rest is paid at half.",
    "The committee pays half: the treatment was not an emergency.",
)


@dataclass
class DecisionsResult:
    chronic_approved: int = 0
    decided: int = 0


def _user(username: str) -> Any:
    user = current_app.appbuilder.sm.find_user(username=username)
    if user is None:
        raise LookupError(f"the demo login {username} is missing")
    return user


def approve_chronic_requests(requests: list[ChronicRequest], decided_by_id: int | None) -> int:
    """Record the committee's approval of the first few requests (there is no chronic-request
    transition yet); before the claims are adjudicated, so that chronic claims draw on them."""
    approved = 0
    for request in requests[:CHRONIC_APPROVED]:
        decided_on = (request.created_at + FUND_UTC_OFFSET).date() + timedelta(days=2)
        request.status = "approved"
        request.approved_monthly_amount = (
            request.requested_monthly_amount * CHRONIC_SHARE / 100
        ).quantize(Decimal("1"), rounding=ROUND_DOWN) * 100
        request.valid_from = decided_on
        request.valid_to = decided_on + timedelta(days=364)
        request.decided_by_id = decided_by_id
        request.decided_at = request.created_at + timedelta(days=2)
        request.decision_reason = "Approved as prescribed; the member pays 60% (by-law 3.2.3)."
        approved += 1
    return approved


def in_received_order(claims: list[Claim]) -> list[Claim]:
    submitted = [c for c in claims if c.status == "submitted"]
    return sorted(submitted, key=lambda c: (c.received_on, c.submitted_at, c.id))


def recommend_submitted(claims: list[Claim]) -> list[int]:
    """The recommendation submission computes, in the order the fund received the claims;
    returns their ids in that order.

    Nothing decided yet, one claim's working never changes another's, so the session is flushed
    once at the end rather than before each of the loader's queries."""
    ordered = in_received_order(claims)
    with db.session.no_autoflush:
        for claim in ordered:
            adjudicate_claim(db.session, claim)
    db.session.flush()
    return [claim.id for claim in ordered]


def _fate(rng: random.Random, outcome: str | None) -> str:
    if outcome == "rejected":
        return "reject" if rng.random() < REJECT_SHARE else "submitted"
    fates, weights = zip(*PAYABLE_FATES, strict=True)
    return rng.choices(fates, weights)[0]


def _take(claim_id: int, fate: str, rng: random.Random) -> str:
    """Take one claim to its fate through the lifecycle; return its status."""
    first, second = _user("committee1"), _user("committee2")
    if fate == "submitted":
        return "submitted"
    claim = perform(claim_id, "start_review", first)
    # A decision needs the mandatory checklist answered; a review still going on has half of it.
    answer_checklist(claim_id, first, complete=fate not in ("info_requested", "under_review"))
    if fate == "reject":
        codes = [c for c in rc.split_codes(claim.reason_codes) if c in rc.ELIGIBILITY_CODES]
        reason = REJECTION_REASONS.get(codes[0]) if codes else None
        reason = reason or (rc.reason_text(codes[0]) if codes else "Not payable under the by-laws.")
        return perform(claim_id, "reject", first, reason=reason, reason_codes=codes).status
    if fate == "info_requested":
        return perform(claim_id, "request_info", first, reason=rng.choice(INFO_QUESTIONS)).status
    if fate == "partial":
        line = max(claim.items, key=lambda i: i.eligible_amount or 0)
        perform(claim_id, "override_line", first, item_id=line.id,
                amount=str((line.eligible_amount / 2).quantize(Decimal("0.01"))),
                reason=rng.choice(OVERRIDE_REASONS))
    if fate == "under_review":
        return claim.status
    claim = perform(claim_id, "recommend", first)
    if fate == "recommended":
        return claim.status
    return perform(claim_id, "approve", second).status


def _appeal(claim: Claim, member_user: Any, to_trustees: bool) -> None:
    """A member appeals a decision; the second time, to the trustees."""
    perform(claim.id, "appeal", member_user,
            reason="I was referred by the fund's own doctor; the letter is attached.")
    if not to_trustees:
        return
    signed = (claim.decided_by_id, claim.recommended_by_id)
    reviewer = next(
        user for user in map(_user, ("committee1", "committee2", "admin")) if user.id not in signed
    )  # an appeal is reviewed by someone who did not decide the claim
    perform(claim.id, "start_review", reviewer)
    perform(claim.id, "reject", reviewer,
            reason="The referral letter is dated after the treatment.")
    perform(claim.id, "appeal", member_user, reason="I ask the trustees to review the decision.")


def decide_claims(claim_ids: list[int], seed: int) -> int:
    """Take a deterministic share of the submitted claims ``claim_ids`` (committed, in the order
    the fund received them) through the transitions; return how many claims moved."""
    rng = random.Random(seed)
    logins = dict(
        db.session.execute(
            sa.select(Member.id, Member.user_id).where(Member.user_id.is_not(None))
        ).all()
    )
    rows = {
        cid: (member_id, outcome)
        for cid, member_id, outcome in db.session.execute(
            sa.select(Claim.id, Claim.member_id, Claim.recommended_outcome).where(
                Claim.id.in_(claim_ids)
            )
        )
    }
    appellants = [cid for cid in claim_ids if rows[cid][0] in logins][:APPEALS]
    moved = 0
    for claim_id in claim_ids:
        member_id, outcome = rows[claim_id]
        if claim_id in appellants:
            fate = "reject" if outcome == "rejected" else "partial"
        else:
            fate = _fate(rng, outcome)
        moved += _take(claim_id, fate, rng) != "submitted"
        if claim_id in appellants:
            member_user = current_app.appbuilder.sm.get_user_by_id(logins[member_id])
            _appeal(db.session.get(Claim, claim_id), member_user,
                    to_trustees=appellants.index(claim_id) == 1)
    return moved
