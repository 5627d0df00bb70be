from datetime import date

import pytest

from app.extensions import db
from app.models import MembershipType
from app.services.membership import cycle_end, validity
from tests import factories


def membership(key: str, term: int | None, cycle: bool, waiting: int = 90) -> MembershipType:
    return MembershipType(
        key=key,
        name=key,
        term_years=term,
        follows_fund_cycle=cycle,
        covers="family",
        waiting_period_days=waiting,
    )


@pytest.mark.parametrize(
    ("receipt", "end"),
    [
        (date(2011, 4, 14), date(2013, 4, 13)),  # the anchor itself opens a cycle
        (date(2025, 4, 13), date(2025, 4, 13)),  # the last day of a cycle
        (date(2025, 4, 14), date(2027, 4, 13)),  # the first day of the next
        (date(2026, 11, 23), date(2027, 4, 13)),  # joining mid-cycle ends with the cycle
        (date(2024, 2, 29), date(2025, 4, 13)),
    ],
)
def test_fund_cycle_memberships_end_on_the_cycles_last_day(receipt, end):
    assert cycle_end(receipt) == end
    assert validity(membership("family", 2, True), receipt)[1] == end


def test_patron_terms_run_from_the_receipt_and_life_never_ends():
    receipt = date(2020, 3, 1)
    assert validity(membership("vice_patron", 10, False), receipt) == (
        receipt,
        date(2030, 2, 28),
        date(2020, 5, 30),
    )
    assert validity(membership("patron", 15, False), receipt)[1] == date(2035, 2, 28)
    assert validity(membership("life", None, False), receipt)[1] is None


def test_benefits_start_after_the_types_waiting_period():
    receipt = date(2025, 12, 15)
    assert validity(membership("single", 2, True), receipt)[2] == date(2026, 3, 15)
    assert validity(membership("single", 2, True, waiting=0), receipt)[2] == receipt


def test_validity_is_derived_when_a_member_is_saved_and_when_his_receipt_changes(ctx):
    member = factories.member(
        membership_type=factories.membership_type("family"),
        contribution_receipt_date=date(2025, 5, 2),
    )
    db.session.commit()
    assert (member.valid_from, member.valid_to, member.benefits_from) == (
        date(2025, 5, 2),
        date(2027, 4, 13),
        date(2025, 7, 31),
    )
    member.contribution_receipt_date = date(2023, 4, 20)
    db.session.commit()
    assert (member.valid_from, member.valid_to) == (date(2023, 4, 20), date(2025, 4, 13))
