"""The SPEC's money rules with worked numbers from the demo scale (pure engine, no database)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from app.services.adjudication import reasons as rc
from app.services.adjudication.engine import adjudicate, money
from app.services.adjudication.facts import ClaimFacts, EligibilityFacts, LineFacts, ScaleFacts

# code: (category, claim types, unit, rate, fee cap, max per day, role, excluded), demo scale
SCALE = {
    "GP_CONSULT": ("general", "outpatient", "consultation", "80", "1800", None, None, False),
    "SPEC_CONSULT": ("general", "outpatient", "consultation", "80", "3600", None, None, False),
    "GP_IP_VISIT": ("general", "inpatient", "visit", "80", "3600", 2, None, False),
    "SURG_MAJOR": ("general", "inpatient", "procedure", "80", "50000", None, "surgery", False),
    "SURG_MINOR": ("general", "inpatient", "procedure", "80", "30000", None, "surgery", False),
    "ANAESTHETIST": ("general", "inpatient|outpatient", "procedure", "80", None, None,
                     "anaesthetist", False),
    "PRIVATE_ROOM": ("general", "inpatient", "day", "80", "10000", None, None, False),
    "DAY_CARE": ("general", "inpatient", "day", "80", "5000", None, None, False),
    "LAB": ("general", "outpatient|inpatient", "item", "80", None, None, None, False),
    "CHRONIC_MEDICINES": ("chronic", "chronic", "item", "40", None, None, None, False),
    "DENTAL": ("dental", "dental", "procedure", "50", None, None, None, False),
    "OPTICAL": ("optical", "optical", "item", "50", None, None, None, False),
    "TRANSPORT": ("general", "outpatient|inpatient", "item", "0", None, None, None, True),
}

ELIGIBLE = EligibilityFacts(
    member_active=True, within_waiting_period=False, patient_covered=True, late=False,
    chronic_approval_missing=False, excluded_cause=False, duplicate_claim=False,
)
NO_LIMITS = {"general": None, "chronic": None, "dental": None, "optical": None}


def scale(code: str, claim_type: str, override: str | None = None) -> ScaleFacts:
    cat, types, unit, rate, cap, per_day, role, excluded = SCALE[code]
    return ScaleFacts(
        code=code, category=cat, applies=claim_type in types.split("|"), excluded=excluded,
        unit=unit, rate_percent=D(rate), fee_cap=D(cap) if cap else None, max_per_day=per_day,
        role=role, item_override_percent=D(override) if override else None,
    )


def claim(claim_type: str, lines: list[tuple], days: int | None = None, **kw) -> ClaimFacts:
    """lines: (code or None, quantity, claimed[, duplicate_receipt])"""
    built = []
    for n, line in enumerate(lines, start=1):
        code, qty, claimed, *rest = line
        built.append(LineFacts(
            line_no=n, quantity=qty, claimed=D(claimed),
            scale=scale(code, claim_type, kw.pop(f"override_{n}", None)) if code else None,
            duplicate_receipt=bool(rest and rest[0]),
        ))
    kw.setdefault("limit_remaining", dict(NO_LIMITS))
    kw.setdefault("eligibility", ELIGIBLE)
    return ClaimFacts(claim_type=claim_type, days=days, lines=tuple(built), **kw)


def amounts(working, field: str) -> list[D]:
    return [getattr(w, field) for w in working.lines]


@pytest.mark.parametrize(
    "flag, code",
    [
        ({"member_active": False}, rc.MEMBER_NOT_ACTIVE),
        ({"within_waiting_period": True}, rc.WAITING_PERIOD),
        ({"patient_covered": False}, rc.PATIENT_NOT_COVERED),
        ({"late": True}, rc.LATE_SUBMISSION),
        ({"chronic_approval_missing": True}, rc.NO_CHRONIC_APPROVAL),
        ({"excluded_cause": True}, rc.EXCLUDED_CAUSE),
        ({"duplicate_claim": True}, rc.DUPLICATE_CLAIM),
    ],
)
def test_each_eligibility_failure_rejects_with_nothing_approved(flag, code):
    w = adjudicate(claim("outpatient", [("GP_CONSULT", 1, "1500")],
                         eligibility=replace(ELIGIBLE, **flag)))
    assert w.reason_codes == [code]
    assert w.outcome == "rejected"
    assert amounts(w, "approved") == [D("0.00")] and w.total_approved == 0
    assert w.total_claimed == D("1500.00")


def test_rate_applies_below_the_fee_cap():
    w = adjudicate(claim("outpatient", [("GP_CONSULT", 1, "2000")]))
    line = w.lines[0]
    assert (line.rate_percent, line.rated, line.eligible, line.approved) == (
        D("80"), D("1600.00"), D("1600.00"), D("1600.00"))
    assert line.reason_codes == [] and w.outcome == "approved"


def test_fee_cap_binds_and_says_so():
    w = adjudicate(claim("outpatient", [("GP_CONSULT", 1, "3000")]))
    assert w.lines[0].rated == D("2400.00")
    assert w.lines[0].eligible == D("1800.00")
    assert w.lines[0].reason_codes == [rc.SCALE_CAP]
    assert w.outcome == "approved"  # approved equals eligible: the cap is the scale, not a cut


def test_fee_cap_counts_per_allowed_unit():
    w = adjudicate(claim("outpatient", [("GP_CONSULT", 2, "5000")]))
    assert w.lines[0].fee_cap_total == D("3600.00") and w.lines[0].eligible == D("3600.00")


def test_quantity_cap_per_day_of_admission_across_lines_in_item_order():
    # GP in-patient visits: at most 2 a day; 3 days allow 6 visits in all.
    w = adjudicate(claim("inpatient", [("GP_IP_VISIT", 4, "8000"), ("GP_IP_VISIT", 4, "10000")],
                         days=3))
    first, second = w.lines
    assert (first.allowed_quantity, first.after_quantity, first.reason_codes) == (
        4, D("8000.00"), [])
    assert (second.allowed_quantity, second.after_quantity) == (2, D("5000.00"))
    assert second.reason_codes == [rc.QUANTITY_CAP]
    assert second.eligible == D("4000.00")  # 80% of 5000, cap 3600 x 2 = 7200 not binding


def test_quantity_cap_needs_days():
    w = adjudicate(claim("inpatient", [("GP_IP_VISIT", 9, "9000")], days=None))
    assert w.lines[0].allowed_quantity == 9 and rc.QUANTITY_CAP not in w.lines[0].reason_codes


def test_statutory_rebate_comes_off_accommodation_lines_only_in_item_order():
    # 3 days x 2,000 = 6,000 rebate: 4,500 from the first room line, 1,500 from the second.
    w = adjudicate(claim(
        "inpatient",
        [("LAB", 1, "3000"), ("DAY_CARE", 1, "4500"), ("PRIVATE_ROOM", 2, "9000")],
        days=3, statutory_rebate_per_day=D("2000"),
    ))
    lab, day_care, room = w.lines
    assert w.statutory_rebate_total == D("6000.00")
    assert [lab.rebate_deduction, day_care.rebate_deduction, room.rebate_deduction] == [
        D("0.00"), D("4500.00"), D("1500.00")]
    assert day_care.net_claimed == D("0.00") and day_care.eligible == D("0.00")
    assert room.net_claimed == D("7500.00") and room.eligible == D("6000.00")


def test_rebate_left_over_is_dropped():
    w = adjudicate(claim("inpatient", [("DAY_CARE", 1, "1000")], days=2,
                         statutory_rebate_per_day=D("2000")))
    assert w.lines[0].rebate_deduction == D("1000.00") and w.lines[0].net_claimed == 0
    assert w.outcome == "rejected"


def test_other_insurance_benefit_comes_off_covered_lines_in_item_order():
    w = adjudicate(claim(
        "outpatient",
        [("TRANSPORT", 1, "2000"), ("LAB", 1, "1000"), ("SPEC_CONSULT", 1, "3000")],
        other_insurance_benefit=D("1500"),
    ))
    transport, lab, consult = w.lines
    assert transport.other_insurance_deduction == 0 and transport.reason_codes == [rc.EXCLUDED]
    assert lab.other_insurance_deduction == D("1000.00") and lab.eligible == 0
    assert consult.other_insurance_deduction == D("500.00")
    assert consult.net_claimed == D("2500.00") and consult.eligible == D("2000.00")


def test_provider_override_for_claim_type_and_for_scale_item():
    by_type = adjudicate(claim("outpatient", [("GP_CONSULT", 1, "1500")],
                               type_override_percent=D("100")))
    assert by_type.lines[0].rate_percent == D("100") and by_type.lines[0].eligible == D("1500.00")
    # The item's override wins over the type's; fee caps still apply.
    by_item = adjudicate(claim("inpatient", [("DAY_CARE", 1, "6000")], days=1,
                               type_override_percent=D("90"), override_1="100"))
    assert by_item.lines[0].rate_percent == D("100")
    assert by_item.lines[0].eligible == D("5000.00")
    assert by_item.lines[0].reason_codes == [rc.SCALE_CAP]


def test_anaesthetist_capped_at_a_third_of_the_highest_surgery_fee():
    w = adjudicate(claim("inpatient", [("SURG_MINOR", 1, "20000"), ("SURG_MAJOR", 1, "40000"),
                                       ("ANAESTHETIST", 1, "25000")], days=2))
    anaesthetist = w.lines[2]
    assert anaesthetist.fee_cap_total == D("16666.67")  # 50,000 / 3, rounded half-up
    assert anaesthetist.rated == D("20000.00") and anaesthetist.eligible == D("16666.67")
    assert anaesthetist.reason_codes == [rc.SCALE_CAP]


def test_anaesthetist_without_surgery_is_not_covered():
    w = adjudicate(claim("inpatient", [("ANAESTHETIST", 1, "5000")], days=1))
    assert w.lines[0].eligible == 0 and w.lines[0].reason_codes == [rc.NOT_COVERED]


def test_not_covered_and_excluded_lines():
    w = adjudicate(claim("outpatient", [("PRIVATE_ROOM", 1, "1000"), ("TRANSPORT", 1, "800"),
                                        (None, 1, "700"), ("GP_CONSULT", 1, "1000")]))
    assert [line.reason_codes for line in w.lines[:3]] == [
        [rc.NOT_COVERED], [rc.EXCLUDED], [rc.NOT_COVERED]]
    assert amounts(w, "approved") == [0, 0, 0, D("800.00")]
    assert w.outcome == "approved"  # approved equals the eligible total


def test_duplicate_receipt_zeroes_the_line_only():
    w = adjudicate(claim("outpatient", [("GP_CONSULT", 1, "1000", True), ("LAB", 1, "1000")]))
    assert w.lines[0].reason_codes == [rc.DUPLICATE_RECEIPT] and w.lines[0].approved == 0
    assert w.lines[1].approved == D("800.00") and w.reason_codes == []


def test_hospital_discount_off_eligible_amounts_in_item_order():
    w = adjudicate(claim("outpatient", [("LAB", 1, "1000"), ("LAB", 1, "2000")],
                         hospital_discount=D("1000")))
    assert [line.discount_deduction for line in w.lines] == [D("800.00"), D("200.00")]
    assert amounts(w, "eligible") == [D("0.00"), D("1400.00")]
    assert w.lines[1].reason_codes == [rc.DISCOUNT]


def test_chronic_claim_cut_to_the_monthly_allowance_left():
    w = adjudicate(claim("chronic", [("CHRONIC_MEDICINES", 1, "5000"),
                                     ("CHRONIC_MEDICINES", 1, "5000")],
                         chronic_remaining=D("2500")))
    assert amounts(w, "eligible") == [D("2000.00"), D("500.00")]
    assert [line.chronic_cut for line in w.lines] == [D("0.00"), D("1500.00")]
    assert w.lines[1].reason_codes == [rc.CHRONIC_CAP]
    assert w.outcome == "approved"  # the chronic cut is part of eligibility (step 6)


def test_limit_cuts_lines_in_item_order_and_partially_approves():
    limits = {**NO_LIMITS, "dental": D("1200.00")}
    w = adjudicate(claim("dental", [("DENTAL", 1, "2000"), ("DENTAL", 1, "2000")],
                         limit_remaining=limits))
    assert amounts(w, "eligible") == [D("1000.00"), D("1000.00")]
    assert amounts(w, "approved") == [D("1000.00"), D("200.00")]
    assert w.lines[1].limit_cut == D("800.00")
    assert w.lines[1].reason_codes == [rc.LIMIT_EXCEEDED]
    assert w.outcome == "partially_approved" and w.total_approved == D("1200.00")


def test_limit_used_up_rejects():
    w = adjudicate(claim("optical", [("OPTICAL", 1, "4000")],
                         limit_remaining={**NO_LIMITS, "optical": D("0.00")}))
    assert w.outcome == "rejected" and w.lines[0].reason_codes == [rc.LIMIT_EXCEEDED]


def test_rounding_is_half_up_on_odd_cents():
    # 80% of 1,000.05 is 800.04 exactly; 80% of 0.05 ... use 50%: 50% of 0.01 = 0.005 -> 0.01
    w = adjudicate(claim("dental", [("DENTAL", 1, "1000.01")]))
    assert w.lines[0].eligible == D("500.01")  # 500.005 rounds up
    assert money(D("2.675")) == D("2.68") and money(D("2.665")) == D("2.67")


def test_same_facts_same_working():
    facts = claim("inpatient", [("GP_IP_VISIT", 7, "14000"), ("PRIVATE_ROOM", 3, "27000")],
                  days=3, statutory_rebate_per_day=D("1000"), hospital_discount=D("500"),
                  limit_remaining={**NO_LIMITS, "general": D("10000")})
    assert adjudicate(facts) == adjudicate(facts)


def test_override_pays_an_unlisted_item_within_the_remaining_limit():
    facts = claim("outpatient", [(None, 1, "9000"), ("GP_CONSULT", 1, "1000")],
                  limit_remaining={**NO_LIMITS, "general": D("5000")})
    lines = (replace(facts.lines[0], override=D("7000")), facts.lines[1])
    w = adjudicate(replace(facts, lines=lines))
    unlisted, consult = w.lines
    assert unlisted.category == "general"
    assert unlisted.approved == D("5000.00") and unlisted.limit_cut == D("2000.00")
    assert unlisted.reason_codes == [rc.NOT_COVERED, rc.DISCRETION, rc.LIMIT_EXCEEDED]
    assert consult.approved == 0 and consult.reason_codes == [rc.LIMIT_EXCEEDED]
