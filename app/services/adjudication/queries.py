"""The loader's questions to the database, each built once and run with new values.

A claim's adjudication asks the same five questions every time (duplicate claim, duplicate
receipts, chronic allowance used, limits used, critical illness). Building a SQLAlchemy
statement costs more Python than running it, so each is built once per shape with bound
parameters and executed on the session's connection: no ORM round trip, no autoflush (they ask
about *other* claims, which this transaction has not changed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Claim, ClaimItem
from app.models.base import MONEY
from app.services.prepared import Prepared

# Claims whose approved amounts count against limits and allowances.
DECIDED_PAYABLE = ("approved", "partially_approved", "paid")
# Claims that no longer count for duplicates and the critical-illness flag (SPEC: not withdrawn
# or rejected).
DEAD = ("withdrawn", "rejected")

_claim = Claim.__table__.c
_item = ClaimItem.__table__.c
_KEY = sa.String(64)  # the history's second column: a category id or a receipt number, as text


def _states(states: tuple[str, ...]) -> list:
    # Written into the statement: a bound list would be expanded into it again on every run.
    return [sa.literal_column(f"'{state}'") for state in states]


def _status_in(states: tuple[str, ...]):
    return _claim.status.in_(_states(states))


def _status_not_in(states: tuple[str, ...]):
    return _claim.status.not_in(_states(states))


def _patient(claims, with_dependent: bool):
    dependent = (claims.dependent_id == sa.bindparam("dependent_id") if with_dependent
                 else claims.dependent_id.is_(None))
    return sa.and_(claims.member_id == sa.bindparam("member_id"), dependent)


def _patients_claims(with_dependent: bool):
    """Claims of the same patient, as a condition that leads the query: a patient has few
    claims, so checks stay as cheap in a fund of millions of claims as in a small one (left to
    itself, SQLite's planner may walk every claim of the day or of the provider instead)."""
    theirs = Claim.__table__.alias("patient_claim").c
    return _claim.id.in_(sa.select(theirs.id).where(_patient(theirs, with_dependent)))


def _received_earlier():
    """Claims the fund received before this one (by date, then by id on the same day)."""
    received = sa.bindparam("received_on", type_=sa.Date)
    return sa.and_(
        _claim.id != sa.bindparam("claim_id"),
        _claim.received_on.is_not(None),
        _status_not_in(DEAD),
        sa.or_(_claim.received_on < received,
               sa.and_(_claim.received_on == received, _claim.id < sa.bindparam("claim_id"))),
    )


@cache
def _duplicate_claim_statement(with_dependent: bool) -> sa.Select:
    return sa.select(sa.func.count(_claim.id)).where(
        _patients_claims(with_dependent),
        _received_earlier(),
        _claim.provider_id == sa.bindparam("provider_id"),
        _claim.treatment_date == sa.bindparam("treatment", type_=sa.Date),
        _claim.total_claimed == sa.bindparam("total_claimed", type_=_claim.total_claimed.type),
    )


@cache
def _duplicate_receipts_statement(count: int) -> sa.Select:
    # Led by the receipt numbers (indexed, rarely repeated), each match checked against its
    # claim: the cost does not grow with the provider's number of claims. One statement per
    # count of numbers: an "expanding" IN would be compiled again on every run.
    return sa.select(_item.receipt_number).where(
        _item.receipt_number.in_([sa.bindparam(f"number{n}") for n in range(count)]),
        sa.exists().where(
            _claim.id == _item.claim_id,
            _received_earlier(),
            _claim.provider_id == sa.bindparam("provider_id"),
        ),
    )


@cache
def _chronic_used_statement() -> sa.Select:
    return sa.select(sa.func.coalesce(sa.func.sum(_claim.total_approved), 0)).where(
        _claim.chronic_request_id == sa.bindparam("request_id"),
        _claim.id != sa.bindparam("claim_id"),
        _status_in(DECIDED_PAYABLE),
        _claim.treatment_date >= sa.bindparam("month_start", type_=sa.Date),
        _claim.treatment_date < sa.bindparam("next_month", type_=sa.Date),
    )


def _in_year(with_dependent: bool):
    return sa.and_(
        _patient(_claim, with_dependent),
        _claim.treatment_date.between(sa.bindparam("year_start", type_=sa.Date),
                                      sa.bindparam("year_end", type_=sa.Date)),
        _claim.id != sa.bindparam("except_claim_id"),
    )


def _patient_year(with_dependent: bool) -> sa.CTE:
    """The patient's other claims of the benefit year, read first and on their own: a patient
    has a few, found by the member's index. Left to choose, a planner can lead with the claims
    in a decided state instead, which it underestimates right after a bulk run decided
    thousands (the statistics lag behind): on PostgreSQL each decision then walked every
    decided claim of the fund. MATERIALIZED keeps the status out of that choice."""
    return (sa.select(_claim.id, _claim.status, _claim.critical_illness)
            .where(_in_year(with_dependent))
            .cte("patient_year").prefix_with("MATERIALIZED"))


def _used_part(year: sa.CTE, *leading: Any) -> sa.Select:
    """Per benefit category, what the patient's decided claims of the year approved."""
    return (sa.select(*leading, sa.cast(_item.benefit_category_id, _KEY),
                      sa.cast(sa.func.sum(_item.approved_amount), MONEY))
            .join_from(year, ClaimItem.__table__, _item.claim_id == year.c.id)
            .where(year.c.status.in_(_states(DECIDED_PAYABLE)))
            .group_by(_item.benefit_category_id))


def _critical_part(year: sa.CTE, *leading: Any) -> sa.Select:
    """How many live claims of the patient's year are flagged as critical illness."""
    return sa.select(*leading, sa.cast(sa.func.count(year.c.id), MONEY)).where(
        year.c.critical_illness.is_(True), year.c.status.not_in(_states(DEAD)))


@cache
def _usage_statement(with_dependent: bool) -> sa.Select:
    return _used_part(_patient_year(with_dependent))


@cache
def _critical_statement(with_dependent: bool) -> sa.Select:
    return _critical_part(_patient_year(with_dependent))


def _patient_params(member_id: int, dependent_id: int | None) -> tuple[bool, dict]:
    params = {"member_id": member_id}
    if dependent_id is not None:
        params["dependent_id"] = dependent_id
    return dependent_id is not None, params


def chronic_used(session: Session, request_id: int, claim_id: int | None, month_start: date,
                 next_month: date) -> Decimal:
    used = session.connection().execute(_chronic_used_statement(), {
        "request_id": request_id, "claim_id": claim_id if claim_id is not None else -1,
        "month_start": month_start, "next_month": next_month,
    }).scalar_one()
    return Decimal(used)


def limits_used(
    session: Session, member_id: int, dependent_id: int | None, year: tuple[date, date],
    except_claim_id: int | None,
) -> tuple[dict[int, Decimal], bool]:
    """Per benefit category, what the patient's decided claims approved in the benefit year
    (other than ``except_claim_id``), and whether a live claim of that year is flagged as
    critical illness."""
    with_dependent, params = _patient_params(member_id, dependent_id)
    params.update(year_start=year[0], year_end=year[1],
                  except_claim_id=except_claim_id if except_claim_id is not None else -1)
    connection = session.connection()
    rows = connection.execute(_usage_statement(with_dependent), params).all()
    critical = connection.execute(_critical_statement(with_dependent), params).scalar_one()
    return ({int(category_id): Decimal(total or 0) for category_id, total in rows
             if category_id is not None}, bool(critical))


@dataclass(frozen=True)
class ClaimHistory:
    """What a claim's adjudication needs to know about the patient's other claims."""

    duplicate_claims: int
    duplicate_receipts: frozenset[str]
    used: dict[int, Decimal]  # approved this benefit year, per benefit category id
    critical_illness: bool  # a live claim of the year is flagged


def _kind(name: str):
    return sa.literal_column(f"'{name}'", sa.String)


@cache
def _history_statement(with_dependent: bool, receipts: int, received: bool) -> sa.CompoundSelect:
    nothing = sa.cast(sa.null(), _KEY)
    year = _patient_year(with_dependent)
    parts = [_used_part(year, _kind("used")), _critical_part(year, _kind("critical"), nothing)]
    if received:
        duplicate = _duplicate_claim_statement(with_dependent)
        parts.append(sa.select(_kind("claim"), nothing, sa.cast(sa.func.count(_claim.id), MONEY))
                     .where(*duplicate.whereclause.clauses))
        if receipts:
            numbers = _duplicate_receipts_statement(receipts)
            parts.append(sa.select(_kind("receipt"), sa.cast(_item.receipt_number, _KEY),
                                   sa.cast(sa.null(), MONEY))
                         .where(*numbers.whereclause.clauses))
    return sa.union_all(*parts)


@cache
def _history_run(with_dependent: bool, receipts: int, received: bool) -> Prepared:
    return Prepared(_history_statement(with_dependent, receipts, received))


def claim_history(session: Session, claim: Claim, treatment: date, receipt_numbers: set[str],
                  year: tuple[date, date]) -> ClaimHistory:
    """Duplicates, limits used and the critical-illness flag for ``claim``, in one statement."""
    with_dependent, params = _patient_params(claim.member_id, claim.dependent_id)
    received = claim.received_on is not None
    numbers = sorted(receipt_numbers) if received else []
    params.update({f"number{n}": number for n, number in enumerate(numbers)})
    params.update(
        claim_id=claim.id, except_claim_id=claim.id, year_start=year[0], year_end=year[1],
        received_on=claim.received_on, provider_id=claim.provider_id, treatment=treatment,
        total_claimed=claim.total_claimed,
    )
    statement = _history_run(with_dependent, len(numbers), received)
    duplicates, receipts, used, critical = 0, set(), {}, False
    for kind, key, value in statement.rows(session.connection(), params):
        if kind == "used":
            if key is not None:  # unlisted lines count in no category
                used[int(key)] = Decimal(value or 0)
        elif kind == "critical":
            critical = bool(value)
        elif kind == "claim":
            duplicates = int(value or 0)
        else:
            receipts.add(key)
    return ClaimHistory(duplicates, frozenset(receipts), used, critical)
