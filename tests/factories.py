"""Builders of realistic fund data for tests (call inside an application context)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from app.extensions import db
from app.models import (
    BenefitCategory,
    Claim,
    ClaimItem,
    Dependent,
    Member,
    MembershipType,
    Provider,
    ScaleItem,
)

_seq = itertools.count(1)


def user_id(username: str) -> int:
    from flask import current_app

    sm = current_app.appbuilder.sm
    return sm.find_user(username=username).id


def membership_type(key: str = "family", **kw) -> MembershipType:
    existing = db.session.query(MembershipType).filter_by(key=key).one_or_none()
    if existing:
        return existing
    covers = {"single": "member", "joint": "member_spouse"}.get(key, "family")
    mt = MembershipType(
        key=key,
        name=kw.pop("name", key.replace("_", " ").title()),
        contribution=kw.pop("contribution", Decimal("6000.00")),
        term_years=kw.pop("term_years", 2),
        follows_fund_cycle=kw.pop("follows_fund_cycle", True),
        covers=kw.pop("covers", covers),
        **kw,
    )
    db.session.add(mt)
    db.session.flush()
    return mt


def benefit_category(
    key: str = "general", limit: str | None = "250000.00", **kw
) -> BenefitCategory:
    existing = db.session.query(BenefitCategory).filter_by(key=key).one_or_none()
    if existing:
        return existing
    bc = BenefitCategory(
        key=key,
        name=kw.pop("name", key.replace("_", " ").title()),
        annual_limit=Decimal(limit) if limit is not None else None,
        **kw,
    )
    db.session.add(bc)
    db.session.flush()
    return bc


def scale_item(code: str = "GP_CONSULT", **kw) -> ScaleItem:
    item = ScaleItem(
        code=code,
        description=kw.pop("description", code.replace("_", " ").title()),
        benefit_category=kw.pop("benefit_category", None) or benefit_category(),
        claim_types=kw.pop("claim_types", "outpatient"),
        unit=kw.pop("unit", "consultation"),
        rate_percent=kw.pop("rate_percent", Decimal("80")),
        fee_cap=kw.pop("fee_cap", Decimal("1800.00")),
        effective_from=kw.pop("effective_from", date(2020, 1, 1)),
        **kw,
    )
    db.session.add(item)
    db.session.flush()
    return item


def provider(name: str | None = None, **kw) -> Provider:
    n = next(_seq)
    p = Provider(
        name=name or f"Test Hospital {n}",
        provider_type=kw.pop("provider_type", "hospital"),
        registration_code=kw.pop("registration_code", f"REG-{n:05d}"),
        **kw,
    )
    db.session.add(p)
    db.session.flush()
    return p


def member(first_name: str = "Amina", last_name: str | None = None, **kw) -> Member:
    n = next(_seq)
    m = Member(
        first_name=first_name,
        last_name=last_name or f"Otieno{n}",
        date_of_birth=kw.pop("date_of_birth", date(1980, 5, 17)),
        membership_type=kw.pop("membership_type", None) or membership_type(),
        status=kw.pop("status", "active"),
        contribution_receipt_date=kw.pop("contribution_receipt_date", date(2025, 4, 14)),
        national_id=kw.pop("national_id", f"{20000000 + n}"),
        **kw,
    )
    db.session.add(m)
    db.session.flush()
    return m


def dependent(of: Member, relationship: str = "child", **kw) -> Dependent:
    d = Dependent(
        member=of,
        first_name=kw.pop("first_name", "Baraka"),
        last_name=kw.pop("last_name", of.last_name),
        relationship_type=relationship,
        date_of_birth=kw.pop(
            "date_of_birth", date(2015, 3, 1) if relationship == "child" else date(1982, 1, 9)
        ),
        status=kw.pop("status", "active"),
        **kw,
    )
    db.session.add(d)
    db.session.flush()
    return d


def claim(of: Member | None = None, items: int = 1, **kw) -> Claim:
    m = of or member()
    c = Claim(
        member=m,
        claim_type=kw.pop("claim_type", "outpatient"),
        provider=kw.pop("provider", None) or provider(),
        first_visit_date=kw.pop("first_visit_date", date.today() - timedelta(days=10)),
        status=kw.pop("status", "draft"),
        **kw,
    )
    for i in range(items):
        c.items.append(
            ClaimItem(
                description=f"Consultation {i + 1}",
                quantity=1,
                unit_cost=Decimal("1500.00"),
                receipt_number=f"R-{next(_seq):06d}",
            )
        )
    db.session.add(c)
    db.session.flush()
    return c


def scale_claim(of: Member, lines: list[tuple], **kw) -> Claim:
    """A claim whose lines are (scale item or None, quantity, unit cost[, receipt number])."""
    c = Claim(
        member=of,
        claim_type=kw.pop("claim_type", "outpatient"),
        provider=kw.pop("provider", None) or provider(),
        status=kw.pop("status", "draft"),
        **kw,
    )
    for scale, quantity, unit_cost, *receipt in lines:
        c.items.append(
            ClaimItem(
                scale_item=scale,
                description=scale.description if scale is not None else "Unlisted item",
                quantity=quantity,
                unit_cost=Decimal(unit_cost),
                receipt_number=receipt[0] if receipt else f"R-{next(_seq):06d}",
            )
        )
    db.session.add(c)
    db.session.flush()
    return c


def chronic_request(of: Member, patient: Dependent | None = None, **kw):
    """A chronic-illness request; pass status="approved" with its amount and dates to approve."""
    from app.models import ChronicRequest

    r = ChronicRequest(
        member=of,
        dependent=patient,
        condition=kw.pop("condition", "Type 2 diabetes"),
        doctor_name=kw.pop("doctor_name", "Dr. Wanjiru Kamau"),
        requested_monthly_amount=Decimal(kw.pop("requested_monthly_amount", "6000.00")),
        status=kw.pop("status", "pending"),
        **kw,
    )
    db.session.add(r)
    db.session.flush()
    return r


def checklist(claim_type: str = "outpatient",
              items: tuple[tuple[str, bool], ...] = (("Original receipts attached", True),
                                                     ("Claim within 90 days of treatment", True),
                                                     ("Referral letter attached", False)),
              ) -> list:
    """A claim type's review checklist: (text, mandatory) items in this order."""
    from app.models import ChecklistItem

    rows = [ChecklistItem(claim_type=claim_type, text=text, mandatory=mandatory,
                          position=position)
            for position, (text, mandatory) in enumerate(items, start=1)]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def review_template(name: str, kind: str = "rejection", text: str | None = None, **kw):
    from app.models import ReviewTemplate

    template = ReviewTemplate(name=name, kind=kind, text=text or f"{name}: the fund's text.",
                              **kw)
    db.session.add(template)
    db.session.flush()
    return template


def note(on: Claim, author: str = "committee1", body: str = "Called the provider.", **kw):
    from app.models import ClaimNote

    n = ClaimNote(claim=on, author_id=user_id(author), body=body, **kw)
    db.session.add(n)
    db.session.flush()
    return n
