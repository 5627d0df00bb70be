"""What other claims leave: the chronic monthly allowance (step 6), the annual limits per person,
benefit year and category with the critical-illness top-up (step 7), and the decision-time re-run.

Claims go through the real transitions: submitted by the claims officer, recommended by
committee1 and approved by committee2. The member is a vice-patron (valid 2024-01-10 to
2034-01-09, benefits from 2024-04-09); general limit 250,000 (+200,000 critical illness), optical
30,000; laboratory work at 80% without a fee cap.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from flask import current_app

from app.demo.reference import load_reference_data
from app.extensions import db
from app.models import Claim
from app.services.lifecycle import perform
from app.services.settings import set_setting
from tests import factories

DAY = timedelta(days=1)


def user(name: str):
    return current_app.appbuilder.sm.find_user(username=name)


@pytest.fixture
def ref(ctx):
    ref = load_reference_data()
    ref.member = factories.member(membership_type=ref.membership_types["vice_patron"],
                                  contribution_receipt_date=date(2024, 1, 10),
                                  user_id=factories.user_id("member1"))
    ref.spouse = factories.dependent(ref.member, "spouse")
    db.session.commit()
    return ref


def submitted(ref, lines, treated: date, claim_type="outpatient", provider="kilimani",
              **fields) -> Claim:
    claim = factories.scale_claim(
        ref.member, [(ref.scale[code], qty, cost) for code, qty, cost in lines],
        claim_type=claim_type, provider=ref.providers[provider], first_visit_date=treated,
        **fields,
    )
    db.session.commit()
    return perform(claim.id, "submit", user("committee1"), claim.version,
                   received_on=treated + 5 * DAY, declaration=True)


def decided(claim: Claim) -> Claim:
    perform(claim.id, "start_review", user("committee1"))
    perform(claim.id, "recommend", user("committee1"))
    return perform(claim.id, "approve", user("committee2"))


def approved_lines(claim: Claim) -> list[tuple]:
    return [(i.eligible_amount, i.limit_cut, i.approved_amount, i.reason_codes)
            for i in claim.items]


# --- chronic allowance ---------------------------------------------------------------------


def test_the_chronic_allowance_is_shared_by_a_months_claims_and_renews_next_month(ref):
    request = factories.chronic_request(
        ref.member, status="approved", approved_monthly_amount=D("5000.00"),
        valid_from=date(2025, 8, 1), valid_to=date(2026, 7, 31), decided_by_id=user("admin").id,
    )
    db.session.commit()
    medicines = [("CHRONIC_MEDICINES", 1, "10000.00")]
    first = submitted(ref, medicines, date(2025, 9, 3), "chronic", "afya_bora",
                      chronic_request=request)
    # Chronic medicines at 40%: 6,000.00 -> 2,400.00; nothing decided yet draws on the month.
    second = submitted(ref, [("CHRONIC_MEDICINES", 1, "6000.00")], date(2025, 9, 20), "chronic",
                       "afya_bora", chronic_request=request)
    assert second.total_approved == D("2400.00")
    assert decided(first).total_approved == D("4000.00")
    second = decided(second)  # re-run at the decision: 5,000 - 4,000 = 1,000 left in September
    line = second.items[0]
    assert (line.rated_amount, line.chronic_cut, line.eligible_amount, line.approved_amount) == (
        D("2400.00"), D("1400.00"), D("1000.00"), D("1000.00"))
    assert line.reason_codes == "CHRONIC_CAP" and second.status == "approved"
    october = submitted(ref, [("CHRONIC_MEDICINES", 1, "6000.00")], date(2025, 10, 2),
                        "chronic", "afya_bora", chronic_request=request)
    assert (october.total_approved, october.items[0].chronic_cut) == (D("2400.00"), 0)


# --- annual limits -------------------------------------------------------------------------


def test_a_limit_is_cut_across_lines_in_item_order(ref):
    decided(submitted(ref, [("LAB", 1, "300000.00")], date(2025, 2, 10)))  # 240,000 of 250,000
    claim = submitted(ref, [("LAB", 1, "10000.00"), ("IMAGING", 1, "5000.00"),
                            ("MEDICINES", 1, "1000.00")], date(2025, 3, 1))
    assert approved_lines(claim) == [
        (D("8000.00"), 0, D("8000.00"), None),
        (D("4000.00"), D("2000.00"), D("2000.00"), "LIMIT_EXCEEDED"),
        (D("800.00"), D("800.00"), 0, "LIMIT_EXCEEDED"),
    ]
    assert (claim.total_eligible, claim.total_approved) == (D("12800.00"), D("10000.00"))
    assert claim.recommended_outcome == "partially_approved"


@pytest.mark.parametrize("other_status,other_treated,other_patient,approved", [
    ("approved", date(2025, 2, 10), "member", "1000.00"),
    ("submitted", date(2025, 2, 10), "member", "1500.00"),
    ("rejected", date(2025, 2, 10), "member", "1500.00"),
    ("withdrawn", date(2025, 2, 10), "member", "1500.00"),
    ("approved", date(2024, 12, 10), "member", "1500.00"),
    ("approved", date(2025, 2, 10), "spouse", "1500.00"),
], ids=["approved counts", "submitted does not", "rejected does not", "withdrawn does not",
        "last benefit year does not", "another person's does not"])
def test_only_decided_claims_of_that_person_and_year_use_the_limit(
        ref, other_status, other_treated, other_patient, approved):
    # Optical at 50%: 58,000.00 -> 29,000.00 of the 30,000.00 limit.
    other = factories.scale_claim(
        ref.member, [(ref.scale["OPTICAL"], 1, "58000.00")], claim_type="optical",
        provider=ref.providers["clear_vision"], first_visit_date=other_treated,
        dependent=ref.spouse if other_patient == "spouse" else None,
    )
    db.session.commit()
    perform(other.id, "submit", user("committee1"), received_on=other_treated + DAY,
            declaration=True)
    if other_status == "approved":
        decided(other)
    elif other_status == "rejected":
        perform(other.id, "start_review", user("committee1"))
        perform(other.id, "reject", user("committee1"), reason="Duplicate spectacles")
    elif other_status == "withdrawn":
        perform(other.id, "withdraw", user("member1"))
    assert db.session.get(Claim, other.id).status == other_status
    claim = submitted(ref, [("OPTICAL", 1, "3000.00")], date(2025, 3, 1), "optical",
                      "clear_vision")
    assert claim.total_approved == D(approved)


@pytest.mark.parametrize("start_month,approved", [(1, "12800.00"), (7, "10000.00")])
def test_the_benefit_year_starts_in_the_months_setting(ref, start_month, approved):
    set_setting("benefit_year_start_month", start_month)
    db.session.commit()
    decided(submitted(ref, [("LAB", 1, "300000.00")], date(2024, 12, 10)))
    claim = submitted(ref, [("LAB", 1, "10000.00"), ("IMAGING", 1, "6000.00")],
                      date(2025, 1, 15))
    assert claim.total_approved == D(approved)


@pytest.mark.parametrize("flag_on,flag_status,approved", [
    (None, None, "10000.00"),
    ("this claim", None, "12800.00"),
    ("another claim", "submitted", "12800.00"),
    ("another claim", "approved", "12800.00"),
    ("another claim", "rejected", "10000.00"),
    ("another claim", "withdrawn", "10000.00"),
    ("another claim last year", "submitted", "10000.00"),
    ("the spouse's claim", "submitted", "10000.00"),
], ids=["no flag", "flag on this claim", "flag on an open claim",
        "flag on an approved claim", "flag on a rejected claim", "flag on a withdrawn claim",
        "flag on last year's claim", "flag on another person's claim"])
def test_the_critical_illness_top_up(ref, flag_on, flag_status, approved):
    decided(submitted(ref, [("LAB", 1, "300000.00")], date(2025, 2, 10)))  # 240,000 used
    if flag_on and flag_on != "this claim":
        treated = date(2024, 11, 5) if "last year" in flag_on else date(2025, 2, 20)
        flagged = factories.scale_claim(
            ref.member, [(ref.scale["GP_CONSULT"], 1, "1000.00")], critical_illness=True,
            provider=ref.providers["kilimani"], first_visit_date=treated,
            received_on=treated + DAY, status=flag_status,
            dependent=ref.spouse if "spouse" in flag_on else None,
        )
    claim = submitted(ref, [("LAB", 1, "10000.00"), ("IMAGING", 1, "6000.00")],
                      date(2025, 3, 1), critical_illness=flag_on == "this claim")
    # 250,000 (+ 200,000 top-up) - 240,000 left, against 8,000 + 4,800 eligible.
    assert claim.total_eligible == D("12800.00") and claim.total_approved == D(approved)
    if flag_on and flag_on != "this claim":
        assert flagged.status == flag_status


def test_the_decision_re_runs_the_limits_the_recommendation_saw(ref):
    decided(submitted(ref, [("LAB", 1, "300000.00")], date(2025, 2, 10)))  # 10,000 left
    first = submitted(ref, [("LAB", 1, "10000.00")], date(2025, 3, 1))
    second = submitted(ref, [("LAB", 1, "7500.00")], date(2025, 3, 2))
    assert (first.total_approved, second.total_approved) == (D("8000.00"), D("6000.00"))
    assert second.recommended_outcome == "approved"
    assert decided(first).status == "approved"
    second = decided(second)
    assert (second.status, second.total_approved, second.items[0].limit_cut) == (
        "partially_approved", D("2000.00"), D("4000.00"))
