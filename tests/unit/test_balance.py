"""The benefit balance against a hand computation: limits (with the critical-illness top-up),
what decided claims approved this benefit year, what remains, what undecided claims ask for;
and the same remaining amount the adjudication cuts lines by."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from app.extensions import db
from app.models import Claim, ClaimItem, ScaleItem
from app.services.adjudication.loader import _limit_remaining
from app.services.balance import balance_of
from tests import factories

ON = date(2026, 6, 30)  # benefit year 1 January - 31 December 2026 (start month 1)


def _claim(member, scale: ScaleItem | None, claimed: str, approved: str | None, status: str,
           on: date, dependent=None, **kw) -> Claim:
    claim = factories.claim(of=member, items=0, status=status, first_visit_date=on,
                            dependent=dependent, **kw)
    claim.items.append(ClaimItem(
        description="Treatment", quantity=1, unit_cost=D(claimed), scale_item=scale,
        receipt_number=f"R-{claimed}-{status}-{on}",
        benefit_category_id=scale.benefit_category_id if approved and scale else None,
        eligible_amount=D(approved) if approved else None,
        approved_amount=D(approved) if approved else None,
    ))
    db.session.flush()
    return claim


def _rows(person) -> dict[str, tuple]:
    return {row.key: (row.limit, row.approved, row.remaining, row.in_progress)
            for row in person.categories}


def test_balance_of_member_and_active_dependents_by_hand(ctx):
    general = factories.benefit_category("general", "250000.00",
                                         critical_illness_top_up=D("200000.00"))
    dental = factories.benefit_category("dental", "50000.00")
    factories.benefit_category("chronic", None)
    gp = factories.scale_item("GP_CONSULT", benefit_category=general)
    filling = factories.scale_item("FILLING", benefit_category=dental, claim_types="dental")
    member = factories.member()
    child = factories.dependent(of=member, first_name="Baraka")
    factories.dependent(of=member, first_name="Pending", status="pending")

    _claim(member, gp, "12000.00", "9600.00", "approved", date(2026, 2, 3))
    _claim(member, gp, "3000.00", "2400.00", "paid", date(2026, 3, 9))
    _claim(member, gp, "7000.00", "5000.00", "approved", date(2025, 12, 31))  # last year
    _claim(member, gp, "9000.00", None, "rejected", date(2026, 4, 1))
    _claim(member, gp, "4000.00", None, "draft", date(2026, 4, 2))  # not sent: not in progress
    _claim(member, gp, "1500.00", None, "submitted", date(2026, 5, 5))
    _claim(member, None, "800.00", None, "info_requested", date(2026, 5, 6))  # unlisted: general
    _claim(member, filling, "2500.00", None, "under_review", date(2026, 5, 7),
           claim_type="dental")
    _claim(member, filling, "6000.00", "3000.00", "partially_approved", date(2026, 1, 20),
           dependent=child, claim_type="dental")
    _claim(member, gp, "2000.00", None, "appealed", date(2026, 6, 1), dependent=child)
    db.session.commit()

    balance = balance_of(db.session, member, on=ON)

    assert (balance.year_start, balance.year_end) == (date(2026, 1, 1), date(2026, 12, 31))
    assert [(p.relationship, p.name) for p in balance.people] == [
        ("member", member.full_name), ("child", child.full_name)]
    me, kid = balance.people
    assert _rows(me) == {
        "general": (D("250000.00"), D("12000.00"), D("238000.00"), D("2300.00")),
        "dental": (D("50000.00"), D("0.00"), D("50000.00"), D("2500.00")),
        "chronic": (None, D("0.00"), None, D("0.00")),
    }
    assert _rows(kid) == {
        "general": (D("250000.00"), D("0.00"), D("250000.00"), D("2000.00")),
        "dental": (D("50000.00"), D("3000.00"), D("47000.00"), D("0.00")),
        "chronic": (None, D("0.00"), None, D("0.00")),
    }


def test_a_critical_illness_flag_this_year_adds_the_top_up_to_general(ctx):
    general = factories.benefit_category("general", "250000.00",
                                         critical_illness_top_up=D("200000.00"))
    gp = factories.scale_item("GP_CONSULT", benefit_category=general)
    member = factories.member()
    _claim(member, gp, "30000.00", "24000.00", "approved", date(2026, 2, 3),
           critical_illness=True)
    db.session.commit()

    (me,) = balance_of(db.session, member, on=ON).people
    assert _rows(me)["general"] == (D("450000.00"), D("24000.00"), D("426000.00"), D("0.00"))
    # Last year's flag does not count this year.
    (me,) = balance_of(db.session, member, on=date(2027, 3, 1)).people
    assert _rows(me)["general"] == (D("250000.00"), D("0.00"), D("250000.00"), D("0.00"))


def test_the_balance_remaining_is_what_the_adjudication_cuts_by(ctx):
    general = factories.benefit_category("general", "20000.00")
    gp = factories.scale_item("GP_CONSULT", benefit_category=general)
    member = factories.member()
    _claim(member, gp, "18000.00", "14400.00", "approved", date(2026, 2, 3))
    next_claim = _claim(member, gp, "9000.00", None, "submitted", date(2026, 6, 30))
    db.session.commit()

    (me,) = balance_of(db.session, member, on=ON).people
    assert _rows(me)["general"][2] == D("5600.00")
    assert _limit_remaining(db.session, next_claim, ON)["general"] == D("5600.00")
