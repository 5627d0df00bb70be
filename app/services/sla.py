"""The fund's promise to its members (SPEC "SLA and assignment", by-law 4.3): a decision within
``decision_sla_days`` of submission, payment within ``payment_sla_days`` of the approval.

The decision clock stops while the member is asked for information: the due date moves on by
the time the question was open. A clock is ``at_risk`` when less than ``sla_at_risk_percent``
of its length is left and ``breached`` once its due time has passed. The pure functions work on
naive UTC datetimes; :func:`refresh_claim` keeps one claim's clock current after each transition
(the lifecycle calls it), and app.services.sla_tick keeps every claim current between them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.models.base import utcnow
from app.services.settings import get_setting

ON_TRACK, AT_RISK, BREACHED = "on_track", "at_risk", "breached"
# The decision clock runs in these states; it stands still while information is requested.
DECISION_CLOCK = ("submitted", "under_review", "appealed")
PAUSED = "info_requested"
# The payment clock runs from the decision until the claim is paid.
PAYMENT_CLOCK = ("approved", "partially_approved")


@dataclass(frozen=True)
class SlaRules:
    decision_days: int
    payment_days: int
    at_risk_percent: int

    @property
    def decision_length(self) -> timedelta:
        return timedelta(days=self.decision_days)

    @property
    def payment_length(self) -> timedelta:
        return timedelta(days=self.payment_days)

    def margin(self, length: timedelta) -> timedelta:
        """How much of a clock of ``length`` is left when it turns at risk."""
        return length * self.at_risk_percent / 100


def sla_rules() -> SlaRules:
    """The fund's settings (read once per transition or bulk run inside a settings snapshot)."""
    return SlaRules(
        decision_days=int(get_setting("decision_sla_days")),
        payment_days=int(get_setting("payment_sla_days")),
        at_risk_percent=int(get_setting("sla_at_risk_percent")),
    )


# --- Pure functions ------------------------------------------------------------------------


def due_after(start: datetime, days: int) -> datetime:
    return start + timedelta(days=days)


def resumed_due(due: datetime, paused_at: datetime, resumed_at: datetime) -> datetime:
    """The due date once a stopped clock runs again: later by the time it stood still."""
    return due + max(resumed_at - paused_at, timedelta(0))


def clock_status(due: datetime, at: datetime, length: timedelta, at_risk_percent: int) -> str:
    """The status at ``at`` of a clock of ``length`` falling due at ``due``."""
    if at > due:
        return BREACHED
    if due - at < length * at_risk_percent / 100:
        return AT_RISK
    return ON_TRACK


def claim_sla_status(claim: Any, now: datetime, rules: SlaRules) -> str | None:
    """The status of the clock the claim's state runs (None: no clock runs)."""
    if claim.status in PAYMENT_CLOCK and claim.payment_due_at is not None:
        return clock_status(claim.payment_due_at, now, rules.payment_length,
                            rules.at_risk_percent)
    if claim.status in (*DECISION_CLOCK, PAUSED) and claim.sla_due_at is not None:
        # A stopped clock shows what it showed when it stopped.
        at = claim.sla_paused_at if claim.status == PAUSED and claim.sla_paused_at else now
        return clock_status(claim.sla_due_at, at, rules.decision_length, rules.at_risk_percent)
    return None


# --- One claim, after a transition ---------------------------------------------------------


def refresh_claim(claim: Any, before: str, now: datetime | None = None,
                  rules: SlaRules | None = None) -> None:
    """Start, stop, move or end the claim's clocks for its move from ``before`` to its status,
    then set its SLA status. Reads no database (settings come from the open snapshot)."""
    now = now or utcnow()
    rules = rules or sla_rules()
    after = claim.status
    if after == "appealed" and before != "appealed":
        # A first appeal is a new review, with its own promise and its own breach.
        claim.sla_due_at = due_after(now, rules.decision_days)
        claim.sla_breached_at = None
    elif after in (*DECISION_CLOCK, PAUSED) and claim.sla_due_at is None and claim.submitted_at:
        # Submission (its date is the paper form's date of receipt), or a claim from before
        # the clock existed.
        claim.sla_due_at = due_after(claim.submitted_at, rules.decision_days)
    if before == PAUSED and after != PAUSED and claim.sla_paused_at is not None:
        claim.sla_due_at = resumed_due(claim.sla_due_at, claim.sla_paused_at, now)
        claim.sla_paused_at = None
    if after == PAUSED and before != PAUSED:
        claim.sla_paused_at = now
    if after in PAYMENT_CLOCK and before not in PAYMENT_CLOCK:
        claim.payment_due_at = due_after(claim.decided_at or now, rules.payment_days)
        claim.payment_breached_at = None
    elif after not in (*PAYMENT_CLOCK, "paid"):
        claim.payment_due_at = None  # appealed or sent back: nothing is to be paid yet
    claim.sla_status = claim_sla_status(claim, now, rules)
