"""The claims list as rows, for exports of any size: the claims submitted in the period that
match the filters, read a page at a time by claim id (keyset), never all at once, as plain
tuples (no ORM objects kept in the session).

No medical details (diagnosis) are exported: the list is the fund's register, not the file.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from app.models import Claim, Dependent, Member, Provider
from app.services.calendar import fund_timezone
from app.services.reports.base import DATE, MONEY, Column, ReportFilters, claim_conditions

PAGE_SIZE = 5000
COLUMNS = (
    Column("claim_number", "Claim"), Column("member_number", "Member"),
    Column("member_name", "Member name"), Column("patient", "Patient"),
    Column("claim_type", "Claim type"), Column("provider", "Provider"),
    Column("treatment_date", "Treatment date", DATE), Column("submitted_on", "Submitted", DATE),
    Column("status", "Status"), Column("decided_on", "Decided", DATE),
    Column("total_claimed", "Claimed", MONEY), Column("total_eligible", "Eligible", MONEY),
    Column("total_approved", "Approved", MONEY), Column("total_paid", "Paid", MONEY),
)


def count(session: Session, f: ReportFilters) -> int:
    return session.scalar(sa.select(sa.func.count(Claim.id)).where(*claim_conditions(f))) or 0


def _page_query(f: ReportFilters, after: int, size: int) -> sa.Select:
    patient = aliased(Dependent)
    return (
        sa.select(Claim.id, Claim.claim_number, Member.member_number, Member.first_name,
                  Member.middle_name, Member.last_name, patient.first_name, patient.last_name,
                  Claim.claim_type, Provider.name, Claim.treatment_date, Claim.submitted_at,
                  Claim.status, Claim.decided_at, Claim.total_claimed, Claim.total_eligible,
                  Claim.total_approved, Claim.total_paid)
        .join(Member, Member.id == Claim.member_id)
        .join(Provider, Provider.id == Claim.provider_id)
        .outerjoin(patient, patient.id == Claim.dependent_id)
        .where(*claim_conditions(f), Claim.id > after)
        .order_by(Claim.id)
        .limit(size)
    )


def _local_date(moment: datetime | None, zone: Any) -> date | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc).astimezone(zone).date()


def rows(session: Session, f: ReportFilters, page_size: int = PAGE_SIZE) -> Iterator[tuple]:
    """Each claim as a tuple in COLUMNS' order, in claim id order."""
    zone = fund_timezone()
    after = 0
    while True:
        page = session.execute(_page_query(f, after, page_size)).all()
        for (_claim_id, number, member_number, first, middle, last, dep_first, dep_last, kind,
             provider, treated, submitted, status, decided, claimed, eligible, approved,
             paid) in page:
            member_name = " ".join(p for p in (first, middle, last) if p)
            patient = f"{dep_first} {dep_last}" if dep_first is not None else member_name
            yield (number, member_number, member_name, patient, kind, provider, treated,
                   _local_date(submitted, zone), status, _local_date(decided, zone), claimed,
                   eligible, approved, paid)
        if len(page) < page_size:
            return
        after = page[-1][0]
        del page  # before the next page is read: one page in memory at a time, not two
