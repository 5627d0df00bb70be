"""Turnaround: for the claims submitted in the period, days from submission to the latest
decision, from the decision to settlement (the claim's payment reconciled against a statement;
app.services.reports.settlement), and from submission to settlement; the median and the 90th
percentile (nearest rank: the smallest value at or above 90% of them) per claim type and
overall.

PostgreSQL computes them in the database (percentile_cont for the median, which averages the
two middle values as Python's statistics.median does; percentile_disc for the nearest rank), so
memory stays flat at any number of claims. SQLite has no percentile functions: the spans are
fetched and computed in Python, fine at a developer's sizes.
"""

from __future__ import annotations

import math
import statistics
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Claim
from app.models.enums import CLAIM_TYPES
from app.services.reports import settlement
from app.services.reports.base import (
    DAYS,
    INT,
    SECONDS_PER_DAY,
    Column,
    Report,
    ReportFilters,
    claim_conditions,
    seconds_between,
)

Stats = tuple[int, float | None, float | None]  # claims, median and p90 in seconds
STAGES = ("decision", "payment", "overall")
COLUMNS = (Column("claim_type", "Claim type"), Column("decided", "Decided", INT),
           Column("decision_median", "To decision, median days", DAYS),
           Column("decision_p90", "To decision, 90th percentile", DAYS),
           Column("settled", "Settled", INT),
           Column("payment_median", "Decision to settlement, median days", DAYS),
           Column("payment_p90", "Decision to settlement, 90th percentile", DAYS),
           Column("overall_median", "Submission to settlement, median days", DAYS),
           Column("overall_p90", "Submission to settlement, 90th percentile", DAYS))


def _spans(session: Session) -> list[Any]:
    """Each stage's seconds (NULL where the claim did not reach it), over claims joined to
    their payments (settlement.with_payments)."""
    settled_at = settlement.settled_at()
    decided = Claim.decided_at.is_not(None)
    return [
        sa.case((decided, seconds_between(session, Claim.submitted_at, Claim.decided_at)),
                else_=None),
        sa.case((sa.and_(settlement.settled(), decided),
                 seconds_between(session, Claim.decided_at, settled_at)), else_=None),
        sa.case((settlement.settled(),
                 seconds_between(session, Claim.submitted_at, settled_at)), else_=None),
    ]


def _in_database(session: Session, f: ReportFilters) -> list[dict[str | None, Stats]]:
    spans = _spans(session)
    stages = []
    for span in spans:
        measures = (sa.func.count(span), sa.func.percentile_cont(0.5).within_group(span),
                    sa.func.percentile_disc(0.9).within_group(span))
        base = (settlement.with_payments(sa.select(Claim.claim_type, *measures)
                                         .select_from(Claim))
                .where(*claim_conditions(f), span.is_not(None)))
        stats: dict[str | None, Stats] = {
            kind: (n, median, p90) for kind, n, median, p90 in session.execute(
                base.group_by(Claim.claim_type))}
        n, median, p90 = session.execute(base.with_only_columns(*measures)).one()
        stats[None] = (n, median, p90)
        stages.append(stats)
    return stages


def _stats(values: list[int]) -> Stats:
    if not values:
        return 0, None, None
    ordered = sorted(values)
    return len(ordered), statistics.median(ordered), ordered[math.ceil(0.9 * len(ordered)) - 1]


def _in_python(session: Session, f: ReportFilters) -> list[dict[str | None, Stats]]:
    fetched = session.execute(
        settlement.with_payments(sa.select(Claim.claim_type, *_spans(session)).select_from(Claim))
        .where(*claim_conditions(f)))
    values: list[dict[str | None, list[int]]] = [{} for _ in STAGES]
    for kind, *seconds in fetched:
        for stage, span in zip(values, seconds, strict=True):
            if span is not None:
                stage.setdefault(kind, []).append(int(span))
                stage.setdefault(None, []).append(int(span))
    return [{kind: _stats(spans) for kind, spans in stage.items()} for stage in values]


def _days(seconds: float | None) -> float | None:
    return None if seconds is None else round(float(seconds) / SECONDS_PER_DAY, 1)


def _row(label: str, stages: list[dict[str | None, Stats]], kind: str | None) -> dict[str, Any]:
    row: dict[str, Any] = {"claim_type": label}
    for name, stats, counted in zip(STAGES, stages, ("decided", "settled", None), strict=True):
        n, median, p90 = stats.get(kind, (0, None, None))
        if counted:
            row[counted] = n
        row[f"{name}_median"], row[f"{name}_p90"] = _days(median), _days(p90)
    return row


def turnaround(session: Session, f: ReportFilters) -> Report:
    in_database = session.get_bind().dialect.name == "postgresql"
    stages = (_in_database if in_database else _in_python)(session, f)
    submitted = set(session.scalars(sa.select(Claim.claim_type).where(*claim_conditions(f))
                                    .distinct()))
    rows = [_row(kind, stages, kind) for kind in CLAIM_TYPES if kind in submitted]
    return Report(
        "turnaround", "Turnaround",
        "Claims submitted in the period: days from submission to the latest decision, from "
        "the decision to settlement (the payment reconciled against a statement), and from "
        "submission to settlement, as the median and the 90th percentile (nearest rank), per "
        "claim type. A stage counts the claims that reached it.",
        f, COLUMNS, rows, _row("Total", stages, None))
