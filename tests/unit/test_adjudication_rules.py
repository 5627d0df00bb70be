"""The SPEC's money rules (steps 2 to 5 and 8) through the database, with the demo scale.

Each case keys in a claim for a member of the demo fund, submits it through the lifecycle (the
claims officer keys in a paper form) and checks the working stored on every line: net claimed
(after quantity cap and deductions), rate, eligible, approved and reason codes.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from flask import current_app

from app.demo.reference import load_reference_data
from app.extensions import db
from app.models import Claim, ProviderRateOverride, ScaleItem
from app.services.lifecycle import perform
from tests import factories

DAY = timedelta(days=1)
VISIT = date(2025, 9, 1)
STAY_3 = dict(admission_date=VISIT, discharge_date=VISIT + 3 * DAY)
STAY_2 = dict(admission_date=VISIT, discharge_date=VISIT + 2 * DAY)
SAME_DAY = dict(admission_date=VISIT, discharge_date=VISIT)


@pytest.fixture
def ref(ctx):
    ref = load_reference_data()
    ref.member = factories.member(membership_type=ref.membership_types["family"],
                                  contribution_receipt_date=date(2025, 4, 14))
    db.session.commit()
    return ref


def submitted(ref, lines, claim_type="outpatient", provider="kilimani", **fields) -> Claim:
    if "admission_date" not in fields:
        fields.setdefault("first_visit_date", VISIT)
    claim = factories.scale_claim(
        ref.member, [(ref.scale[code] if code else None, qty, cost) for code, qty, cost in lines],
        claim_type=claim_type, provider=ref.providers[provider], **fields,
    )
    db.session.commit()
    officer = current_app.appbuilder.sm.find_user(username="committee1")
    return perform(claim.id, "submit", officer, claim.version, received_on=VISIT + 10 * DAY,
                   declaration=True)


def working(claim: Claim) -> list[tuple]:
    return [(i.net_claimed, i.rate_percent, i.eligible_amount, i.approved_amount, i.reason_codes)
            for i in claim.items]


def expected(rows) -> list[tuple]:
    return [(D(net), D(rate) if rate else None, D(eligible), D(approved), codes)
            for net, rate, eligible, approved, codes in rows]


# id, claim type, provider, lines (code, quantity, unit cost), claim fields, the provider's
# extra item overrides (code, rate), expected lines (net, rate, eligible, approved, codes),
# outcome
CASES = [
    ("rate", "outpatient", "kilimani", [("GP_CONSULT", 1, "2000.00")], {}, [],
     [("2000.00", "80", "1600.00", "1600.00", None)], "approved"),
    ("scale cap", "outpatient", "kilimani", [("GP_CONSULT", 1, "2500.00")], {}, [],
     [("2500.00", "80", "1800.00", "1800.00", "SCALE_CAP")], "approved"),
    ("fee cap times quantity", "outpatient", "kilimani", [("SPEC_CONSULT", 2, "5000.00")], {}, [],
     [("10000.00", "80", "7200.00", "7200.00", "SCALE_CAP")], "approved"),
    ("rounding half-up on odd cents", "dental", "smile_dental",
     [("DENTAL", 1, "1000.01"), ("DENTAL", 1, "333.33")], {}, [],
     [("1000.01", "50", "500.01", "500.01", None),
      ("333.33", "50", "166.67", "166.67", None)], "approved"),
    ("provider's rate for the claim type", "outpatient", "fund_clinic",
     [("GP_CONSULT", 1, "1500.00")], {}, [],
     [("1500.00", "100", "1500.00", "1500.00", None)], "approved"),
    ("fee cap under the provider's rate", "outpatient", "fund_clinic",
     [("GP_CONSULT", 1, "2000.00")], {}, [],
     [("2000.00", "100", "1800.00", "1800.00", "SCALE_CAP")], "approved"),
    ("provider's rate for the item wins over the type", "outpatient", "fund_clinic",
     [("GP_CONSULT", 1, "1500.00"), ("LAB", 1, "1000.00")], {}, [("GP_CONSULT", "90")],
     [("1500.00", "90", "1350.00", "1350.00", None),
      ("1000.00", "100", "1000.00", "1000.00", None)], "approved"),
    ("provider's item rate on a same-day day care", "inpatient", "fund_clinic",
     [("DAY_CARE", 1, "4000.00"), ("LAB", 1, "1000.00")], SAME_DAY, [],
     [("4000.00", "100", "4000.00", "4000.00", None),
      ("1000.00", "80", "800.00", "800.00", None)], "approved"),
    ("excluded, unlisted and other-type items", "outpatient", "kilimani",
     [("GP_CONSULT", 1, "2000.00"), ("TRANSPORT", 1, "3000.00"), (None, 1, "500.00"),
      ("GP_IP_VISIT", 1, "2000.00")], {}, [],
     [("2000.00", "80", "1600.00", "1600.00", None), ("0", None, "0", "0", "EXCLUDED"),
      ("0", None, "0", "0", "NOT_COVERED"), ("0", None, "0", "0", "NOT_COVERED")], "approved"),
    ("nothing payable", "outpatient", "kilimani", [("TRANSPORT", 1, "3000.00")], {}, [],
     [("0", None, "0", "0", "EXCLUDED")], "rejected"),
    # 3 days x 2 visits a day: 6 visits, 4 on line 1, 2 of 3 on line 2 (2/3 of 3,000.03).
    ("quantity cap across lines", "inpatient", "kilimani",
     [("GP_IP_VISIT", 4, "3000.00"), ("GP_IP_VISIT", 3, "1000.01")], STAY_3, [],
     [("12000.00", "80", "9600.00", "9600.00", None),
      ("2000.02", "80", "1600.02", "1600.02", "QUANTITY_CAP")], "approved"),
    # Rebate 3 x 2,240 = 6,720 from the room only; other insurance 3,000 from the first line.
    ("statutory rebate and other insurance", "inpatient", "kilimani",
     [("PRIVATE_ROOM", 3, "6000.00"), ("LAB", 1, "5000.00")],
     dict(STAY_3, statutory_rebate_per_day=D("2240.00"), other_insurance_benefit=D("3000.00")),
     [], [("8280.00", "80", "6624.00", "6624.00", None),
          ("5000.00", "80", "4000.00", "4000.00", None)], "approved"),
    # Same-day: 1 day; rebate 4,480 takes the day care's 3,000, the other 1,480 is dropped.
    ("rebate left over is dropped", "inpatient", "kilimani",
     [("DAY_CARE", 1, "3000.00"), ("LAB", 1, "2000.00")],
     dict(SAME_DAY, statutory_rebate_per_day=D("4480.00"), other_insurance_benefit=D("500.00")),
     [], [("0.00", "80", "0.00", "0.00", None),
          ("1500.00", "80", "1200.00", "1200.00", None)], "approved"),
    # A third of the highest surgery cap (35,000): 11,666.67.
    ("anaesthetist at a third of the surgeon's cap", "inpatient", "kilimani",
     [("SURG_MEDIUM", 1, "40000.00"), ("SURG_MINOR", 1, "20000.00"),
      ("ANAESTHETIST", 1, "15000.00")], STAY_2, [],
     [("40000.00", "80", "32000.00", "32000.00", None),
      ("20000.00", "80", "16000.00", "16000.00", None),
      ("15000.00", "80", "11666.67", "11666.67", "SCALE_CAP")], "approved"),
    ("anaesthetist without surgery", "outpatient", "kilimani",
     [("GP_CONSULT", 1, "2000.00"), ("ANAESTHETIST", 1, "3000.00")], {}, [],
     [("2000.00", "80", "1600.00", "1600.00", None),
      ("3000.00", "80", "0", "0", "NOT_COVERED")], "approved"),
    ("hospital discount in item order", "inpatient", "kilimani",
     [("LAB", 1, "3750.00"), ("IMAGING", 1, "12500.00")],
     dict(STAY_2, hospital_discount=D("5000.00")), [],
     [("3750.00", "80", "0.00", "0.00", "DISCOUNT"),
      ("12500.00", "80", "8000.00", "8000.00", "DISCOUNT")], "approved"),
]


@pytest.mark.parametrize("claim_type,provider,lines,fields,overrides,lines_after,outcome",
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_money_rules(ref, claim_type, provider, lines, fields, overrides, lines_after, outcome):
    for code, rate in overrides:
        db.session.add(ProviderRateOverride(provider=ref.providers[provider],
                                            scale_item=ref.scale[code], rate_percent=D(rate)))
    claim = submitted(ref, lines, claim_type, provider, **fields)
    assert working(claim) == expected(lines_after)
    eligible = sum(D(row[2]) for row in lines_after)
    assert (claim.total_eligible, claim.total_approved) == (eligible, eligible)
    assert claim.recommended_outcome == outcome and claim.reason_codes is None
    assert claim.status == "submitted"


def test_days_and_deductions_are_kept_on_the_claim(ref):
    claim = submitted(ref, [("PRIVATE_ROOM", 3, "6000.00")], "inpatient",
                      statutory_rebate_per_day=D("2240.00"), **STAY_3)
    room = claim.items[0]
    assert (claim.days_admitted, claim.statutory_rebate_total) == (3, D("6720.00"))
    assert (room.claimed_amount, room.rebate_deduction, room.net_claimed) == (
        D("18000.00"), D("6720.00"), D("11280.00"))
    assert (room.rated_amount, room.fee_cap_total, room.eligible_amount) == (
        D("9024.00"), D("30000.00"), D("9024.00"))
    outpatient = submitted(ref, [("GP_CONSULT", 1, "2000.00")])
    assert (outpatient.days_admitted, outpatient.statutory_rebate_total) == (None, 0)


@pytest.mark.parametrize("treated,linked_to,cap,eligible,codes", [
    (date(2025, 12, 31), "2024", "1800.00", "1800.00", "SCALE_CAP"),
    (date(2026, 1, 1), "2024", "2000.00", "2000.00", None),
    (date(2025, 12, 31), "2026", "1800.00", "1800.00", "SCALE_CAP"),
    (date(2026, 1, 1), "2026", "2000.00", "2000.00", None),
], ids=["old row, old date", "old row, new date", "new row, old date", "new row, new date"])
def test_the_scale_row_effective_on_the_treatment_date_applies(ref, treated, linked_to, cap,
                                                               eligible, codes):
    old = ref.scale["GP_CONSULT"]
    old.effective_to = date(2025, 12, 31)
    new = ScaleItem(code=old.code, description=old.description, benefit_category=old.
                    benefit_category, claim_types=old.claim_types, unit=old.unit,
                    rate_percent=old.rate_percent, fee_cap=D("2000.00"),
                    effective_from=date(2026, 1, 1))
    db.session.add(new)
    ref.scale["GP_CONSULT"] = old if linked_to == "2024" else new
    claim = submitted(ref, [("GP_CONSULT", 1, "2500.00")], first_visit_date=treated)
    line = claim.items[0]
    assert (line.fee_cap_total, line.eligible_amount, line.reason_codes) == (
        D(cap), D(eligible), codes)


def test_re_adjudication_of_an_unchanged_claim_changes_nothing(ref):
    from app.services.adjudication.loader import adjudicate_claim

    claim = submitted(ref, [("SURG_MEDIUM", 1, "40000.00"), ("ANAESTHETIST", 1, "15000.00")],
                      "inpatient", hospital_discount=D("1000.00"), **STAY_2)
    before = working(claim), claim.total_eligible, claim.total_approved, claim.reason_codes
    adjudicate_claim(db.session, claim)
    assert (working(claim), claim.total_eligible, claim.total_approved,
            claim.reason_codes) == before
    assert not any(db.session.is_modified(item) for item in claim.items)
