"""Reports over members: membership statistics, and benefit utilisation against limits.

Utilisation takes each person's limits and what was approved against them from the
adjudication's own computation (``patient_limits``, the same the decisions and the member's
balance use), so the report says what the next decision will use.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import BenefitCategory, Claim, Dependent, Member, MembershipType
from app.models.enums import MEMBER_STATUSES
from app.services.adjudication.loader import benefit_year, patient_limits
from app.services.reports.base import (
    INT,
    MONEY,
    PERCENT,
    Column,
    Report,
    ReportFilters,
    money,
    person_name,
)
from app.services.settings import get_setting

CLAIM_FILTERS = ("claim_type", "status", "provider_id")


def membership(session: Session, f: ReportFilters) -> Report:
    counts = session.execute(
        sa.select(Member.membership_type_id, Member.status, sa.func.count(Member.id))
        .group_by(Member.membership_type_id, Member.status)
    ).all()
    joined = dict(session.execute(
        sa.select(Member.membership_type_id, sa.func.count(Member.id))
        .where(Member.contribution_receipt_date.between(f.date_from, f.date_to))
        .group_by(Member.membership_type_id)
    ).all())
    by_type: dict[int, dict[str, int]] = {}
    for type_id, status, n in counts:
        by_type.setdefault(type_id, {})[status] = n
    rows = []
    for type_id, _key, name in session.execute(
            sa.select(MembershipType.id, MembershipType.key, MembershipType.name)
            .order_by(MembershipType.id)):
        statuses = by_type.get(type_id, {})
        rows.append({"membership_type": name, **{s: statuses.get(s, 0) for s in MEMBER_STATUSES},
                     "total": sum(statuses.values()), "joined": joined.get(type_id, 0)})
    totals = {"membership_type": "Total",
              **{key: sum(r[key] for r in rows) for key in (*MEMBER_STATUSES, "total", "joined")}}
    return Report(
        "membership", "Membership statistics",
        "Members today by membership type and status; joined: members whose contribution "
        "was received in the period. The claims' filters do not apply.",
        f, (Column("membership_type", "Membership type"),
            *(Column(s, s.capitalize(), INT) for s in MEMBER_STATUSES),
            Column("total", "Total", INT), Column("joined", "Joined in period", INT)),
        rows, totals, ignores=CLAIM_FILTERS)


def _persons(session: Session, f: ReportFilters, year: tuple[Any, Any]) -> list[Any]:
    """Members and dependents with a claim treated in the benefit year that matches the claim
    filters, with their names, in member number order."""
    conditions = [Claim.treatment_date.between(*year), Claim.status != "draft"]
    if f.claim_type:
        conditions.append(Claim.claim_type == f.claim_type)
    if f.status:
        conditions.append(Claim.status == f.status)
    if f.provider_id:
        conditions.append(Claim.provider_id == f.provider_id)
    persons = (sa.select(Claim.member_id, Claim.dependent_id).where(*conditions)
               .distinct().subquery())
    return session.execute(
        sa.select(persons.c.member_id, persons.c.dependent_id, Member.member_number,
                  Member.first_name, Member.middle_name, Member.last_name,
                  Dependent.first_name, Dependent.last_name, Dependent.relationship_type)
        .join(Member, Member.id == persons.c.member_id)
        .outerjoin(Dependent, Dependent.id == persons.c.dependent_id)
        .order_by(Member.member_number, persons.c.dependent_id.is_not(None),
                  persons.c.dependent_id)
    ).all()


def _percent(part: Decimal, whole: Decimal | None) -> Decimal | None:
    if not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _utilisation_rows(session: Session, f: ReportFilters) -> tuple[tuple[Any, Any],
                                                                     list[dict[str, Any]]]:
    year = benefit_year(f.date_to, int(get_setting("benefit_year_start_month")))
    names = dict(session.execute(sa.select(BenefitCategory.id, BenefitCategory.name)).all())
    rows = []
    for (member_id, dependent_id, number, first, middle, last, dep_first, dep_last,
         relation) in _persons(session, f, year):
        patient = (person_name(first, middle, last) if dependent_id is None
                   else person_name(dep_first, None, dep_last))
        for category, limit, approved in patient_limits(session, member_id, dependent_id,
                                                        year[0]):
            if not approved:
                continue
            rows.append({"member_number": number, "patient": patient,
                         "relationship": relation or "member",
                         "category": names.get(category.id, category.key),
                         "limit": None if limit is None else money(limit),
                         "approved": money(approved),
                         "remaining": None if limit is None else money(limit - approved),
                         "used_percent": _percent(approved, limit)})
    return year, rows


def _year_text(year: tuple[Any, Any]) -> str:
    return f"the benefit year {year[0]:%d %b %Y} to {year[1]:%d %b %Y}"


def utilisation(session: Session, f: ReportFilters) -> Report:
    year, rows = _utilisation_rows(session, f)
    return Report(
        "utilisation", "Benefit utilisation per member",
        f"For each member or dependent with a claim treated in {_year_text(year)} (the year "
        "of the period's end) that matches the claim filters: per benefit category, the "
        "annual limit (with the critical-illness top-up where it applies), what decided claims "
        "approved against it, and what remains.",
        f, (Column("member_number", "Member"), Column("patient", "Patient"),
            Column("relationship", "Relationship"), Column("category", "Category"),
            Column("limit", "Limit", MONEY), Column("approved", "Approved", MONEY),
            Column("remaining", "Remaining", MONEY),
            Column("used_percent", "Used %", PERCENT)),
        rows, {"member_number": "Total",
               "approved": money(sum((r["approved"] for r in rows), start=money(0)))})


def category_utilisation(session: Session, f: ReportFilters) -> Report:
    year, person_rows = _utilisation_rows(session, f)
    by_category: dict[str, dict[str, Any]] = {}
    for r in person_rows:
        row = by_category.setdefault(r["category"], {
            "category": r["category"], "persons": 0, "approved": money(0), "limit_total": None})
        row["persons"] += 1
        row["approved"] += r["approved"]
        if r["limit"] is not None:
            row["limit_total"] = (row["limit_total"] or money(0)) + r["limit"]
    rows = sorted(by_category.values(), key=lambda r: r["category"])
    for row in rows:
        row["used_percent"] = _percent(row["approved"], row["limit_total"])
    return Report(
        "category_utilisation", "Benefit utilisation per category",
        f"The per-member utilisation added up per benefit category for {_year_text(year)}: "
        "persons with an approved amount, what was approved, and the sum of those persons' "
        "limits.",
        f, (Column("category", "Category"), Column("persons", "Persons", INT),
            Column("approved", "Approved", MONEY), Column("limit_total", "Limits", MONEY),
            Column("used_percent", "Used %", PERCENT)),
        rows, {"category": "Total", "persons": sum(r["persons"] for r in rows),
               "approved": money(sum((r["approved"] for r in rows), start=money(0)))})
