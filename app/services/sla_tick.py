"""`flask claimdesk sla-tick`: keep every claim's SLA status current between transitions.

Safe to run every minute, and at once from several places: each step is one set-based UPDATE
whose WHERE clause says what is still to do, so a second run finds nothing left. A breach sets
the claim's breach time and writes ONE notification for the Committee in the same transaction;
``breached_at IS NULL`` in the UPDATE (re-checked by PostgreSQL after a concurrent run's row
lock is released) makes sure no claim is flagged or notified twice. ``updated_at`` and the
version are left alone: the clock moving is not somebody changing the claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Claim
from app.models.base import utcnow
from app.models.notification import PAYMENT_SLA_BREACHED, SLA_BREACHED
from app.security import ROLE_COMMITTEE
from app.services.notifications import fund_date_text, notify_role_many
from app.services.sla import (
    AT_RISK,
    BREACHED,
    DECISION_CLOCK,
    ON_TRACK,
    PAUSED,
    PAYMENT_CLOCK,
    SlaRules,
    sla_rules,
)

CLAIMS = Claim.__table__
c = CLAIMS.c
UNTOUCHED = {"updated_at": c.updated_at}  # Core UPDATEs would otherwise stamp it


@dataclass
class TickResult:
    clocks_started: int = 0
    breached: int = 0
    payment_breached: int = 0
    statuses_changed: int = 0

    def lines(self) -> list[str]:
        return [
            f"{self.breached} claim(s) breached their decision date, "
            f"{self.payment_breached} their payment date (the Committee is notified).",
            f"{self.statuses_changed} SLA status(es) changed; "
            f"{self.clocks_started} clock(s) started for claims that had none.",
        ]


def _status(due: Any, now: datetime, length: timedelta, rules: SlaRules) -> Any:
    """SQL for app.services.sla.clock_status, with the at-risk bound worked out here."""
    return sa.case(
        (due < now, BREACHED),
        (due < now + rules.margin(length), AT_RISK),
        else_=ON_TRACK,
    )


def _start_missing_clocks(session: Session, now: datetime, rules: SlaRules,
                          scope: list[Any]) -> int:
    """Claims that reached a clock's state before clocks existed (none once all are set)."""
    decision = session.execute(
        sa.select(c.id, c.submitted_at).where(
            c.status.in_((*DECISION_CLOCK, PAUSED)), c.sla_due_at.is_(None),
            c.submitted_at.is_not(None), *scope)
    ).all()
    payment = session.execute(
        sa.select(c.id, c.decided_at).where(
            c.status.in_(PAYMENT_CLOCK), c.payment_due_at.is_(None), *scope)
    ).all()
    for column, rows, days in ((c.sla_due_at, decision, rules.decision_days),
                               (c.payment_due_at, payment, rules.payment_days)):
        if rows:
            session.execute(
                sa.update(CLAIMS).where(c.id == sa.bindparam("claim"))
                .values({column.key: sa.bindparam("due"), **UNTOUCHED}),
                [{"claim": claim_id, "due": (start or now) + timedelta(days=days)}
                 for claim_id, start in rows],
            )
    return len(decision) + len(payment)


def _flag_breaches(session: Session, now: datetime, late: Any, due: Any, breached_at: Any,
                   scope: list[Any]) -> list[tuple[int, str, datetime]]:
    return [tuple(row) for row in session.execute(
        sa.update(CLAIMS)
        .where(late, breached_at.is_(None), *scope)
        .values({breached_at.key: now, c.sla_status.key: BREACHED, **UNTOUCHED})
        .returning(c.id, c.claim_number, due)
    )]


def _update_statuses(session: Session, now: datetime, rules: SlaRules, scope: list[Any]) -> int:
    changed = 0
    for running, due, length in (
        (c.status.in_(DECISION_CLOCK), c.sla_due_at, rules.decision_length),
        (c.status.in_(PAYMENT_CLOCK), c.payment_due_at, rules.payment_length),
    ):
        status = _status(due, now, length, rules)
        changed += session.execute(
            sa.update(CLAIMS)
            .where(running, due.is_not(None), c.sla_status.is_distinct_from(status), *scope)
            .values({c.sla_status.key: status, **UNTOUCHED})
        ).rowcount
    # No clock runs once a claim is decided without payment, paid, withdrawn or with the
    # trustees; a stopped clock (information requested) keeps the status it stopped with.
    changed += session.execute(
        sa.update(CLAIMS)
        .where(c.status.not_in((*DECISION_CLOCK, PAUSED, *PAYMENT_CLOCK)),
               c.sla_status.is_not(None), *scope)
        .values({c.sla_status.key: None, **UNTOUCHED})
    ).rowcount
    return changed


def sla_tick(session: Session, now: datetime | None = None,
             claim_ids: Iterable[int] | None = None) -> TickResult:
    """Bring SLA statuses up to ``now``, flag and notify new breaches; commits. ``claim_ids``
    limits the run to those claims (the demo loader's)."""
    now = now or utcnow()
    rules = sla_rules()
    scope = [] if claim_ids is None else [c.id.in_(list(claim_ids))]
    result = TickResult()
    try:
        result.clocks_started = _start_missing_clocks(session, now, rules, scope)
        # A stopped clock that was already past due when it stopped breached all the same.
        decision_late = sa.or_(
            sa.and_(c.status.in_(DECISION_CLOCK), c.sla_due_at < now),
            sa.and_(c.status == PAUSED, c.sla_due_at < c.sla_paused_at),
        )
        decisions = _flag_breaches(session, now, decision_late, c.sla_due_at,
                                   c.sla_breached_at, scope)
        payment_late = sa.and_(c.status.in_(PAYMENT_CLOCK), c.payment_due_at < now)
        payments = _flag_breaches(session, now, payment_late, c.payment_due_at,
                                  c.payment_breached_at, scope)
        result.breached = notify_role_many(session, ROLE_COMMITTEE, SLA_BREACHED, (
            (claim_id, f"Claim {number} was not decided by its due date "
                       f"({fund_date_text(due)}).")
            for claim_id, number, due in decisions), now)
        result.payment_breached = notify_role_many(session, ROLE_COMMITTEE, PAYMENT_SLA_BREACHED, (
            (claim_id, f"Claim {number} was not paid by its due date ({fund_date_text(due)}).")
            for claim_id, number, due in payments), now)
        result.statuses_changed = _update_statuses(session, now, rules, scope)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return result
