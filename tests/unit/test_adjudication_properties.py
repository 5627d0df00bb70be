"""Properties of the money rules over random claims (hypothesis).

First the pure engine over random facts: amounts stay between 0 and what was claimed, with two
places, lines add up to the claim, the outcome follows the totals, limits and allowances hold,
and the same facts always give the same working. Then through the database: a person's
approved total per category and benefit year never exceeds the limit, whatever claims are
decided in whatever order, and re-running the adjudication on an unchanged claim changes no
stored number.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from flask import current_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.models import AuditEvent, BenefitCategory, Claim, ClaimItem, Member
from app.services.adjudication.engine import adjudicate
from app.services.adjudication.facts import ClaimFacts, EligibilityFacts, LineFacts, ScaleFacts
from app.services.adjudication.loader import DECIDED_PAYABLE, adjudicate_claim, benefit_year
from app.services.calendar import fund_today
from app.services.lifecycle import perform
from tests import factories
from tests.conftest import IS_POSTGRES

CATEGORIES = ("general", "dental", "optical", "chronic")
LINE_AMOUNTS = ("claimed", "after_quantity", "rebate_deduction", "other_insurance_deduction",
                "net_claimed", "rated", "capped", "discount_deduction", "chronic_cut",
                "eligible", "limit_cut", "approved")


def money(low: int = 0, high: int = 200_000) -> st.SearchStrategy[D]:
    """Amounts in KES with cents, two places as every stored amount has (Numeric(14, 2))."""
    return st.integers(low * 100, high * 100).map(lambda cents: D(cents).scaleb(-2))


percent = st.sampled_from([D(0), D(40), D(50), D(80), D(100)]) | st.integers(0, 10_000).map(
    lambda basis_points: D(basis_points).scaleb(-2)
)

# Rows like the demo scale's: a category, a rate, maybe a fee cap and a daily quantity cap,
# surgery or anaesthetist, sometimes excluded or not for this claim type.
scale_rows = st.builds(
    ScaleFacts,
    code=st.sampled_from(["GP_CONSULT", "SPEC_IP_VISIT", "SURG_MAJOR", "ANAESTHETIST",
                          "PRIVATE_ROOM", "LAB", "DENTAL", "OPTICAL", "CHRONIC_MEDICINES"]),
    category=st.sampled_from(CATEGORIES),
    applies=st.booleans() | st.just(True),
    excluded=st.sampled_from([False, False, False, True]),
    unit=st.sampled_from(["consultation", "visit", "procedure", "day", "item", "session"]),
    rate_percent=percent,
    fee_cap=st.none() | money(100, 90_000),
    max_per_day=st.none() | st.integers(1, 3),
    role=st.sampled_from([None, None, "surgery", "anaesthetist"]),
    item_override_percent=st.none() | percent,
)

eligibility = st.builds(
    EligibilityFacts,
    member_active=st.booleans() | st.just(True),
    within_waiting_period=st.just(False) | st.booleans(),
    patient_covered=st.just(True) | st.booleans(),
    late=st.just(False) | st.booleans(),
    chronic_approval_missing=st.just(False),
    excluded_cause=st.just(False) | st.booleans(),
    duplicate_claim=st.just(False) | st.booleans(),
)


@st.composite
def claims(draw) -> ClaimFacts:
    count = draw(st.integers(1, 6))
    lines = tuple(
        LineFacts(
            line_no=n,
            quantity=draw(st.integers(1, 5)),
            claimed=draw(money()),
            scale=draw(st.none() | scale_rows | scale_rows),
            duplicate_receipt=draw(st.booleans()) and draw(st.booleans()),
        )
        for n in range(1, count + 1)
    )
    limit = st.none() | money(0, 300_000) | money(0, 2_000).map(lambda m: -m)
    return ClaimFacts(
        claim_type=draw(st.sampled_from(["outpatient", "inpatient", "dental", "chronic"])),
        days=draw(st.none() | st.integers(1, 10)),
        lines=lines,
        eligibility=draw(eligibility),
        statutory_rebate_per_day=draw(st.just(D(0)) | money(0, 5_000)),
        other_insurance_benefit=draw(st.just(D(0)) | money(0, 50_000)),
        hospital_discount=draw(st.just(D(0)) | money(0, 10_000)),
        type_override_percent=draw(st.none() | percent),
        chronic_remaining=draw(st.none() | money(0, 20_000) | money(0, 500).map(lambda m: -m)),
        limit_remaining={key: draw(limit) for key in CATEGORIES},
    )


def two_places(amount: D) -> bool:
    return amount.as_tuple().exponent == -2


@settings(max_examples=400, deadline=None)
@given(claims())
def test_every_amount_stays_within_what_was_claimed_and_adds_up(facts):
    working = adjudicate(facts)
    for line in working.lines:
        for name in LINE_AMOUNTS:
            amount = getattr(line, name)
            assert amount >= 0 and two_places(amount), (name, amount)
        if line.fee_cap_total is not None:
            assert two_places(line.fee_cap_total)
        assert line.approved <= line.eligible <= line.claimed
        assert line.net_claimed <= line.after_quantity <= line.claimed
        assert line.approved == line.eligible - line.limit_cut
        if not line.covered:
            assert line.approved == line.eligible == 0
    for total, name in ((working.total_claimed, "claimed"), (working.total_eligible, "eligible"),
                        (working.total_approved, "approved")):
        assert total == sum((getattr(w, name) for w in working.lines), D("0.00"))
        assert two_places(total)
    assert working.total_claimed == sum((D(lf.claimed) for lf in facts.lines), D(0))


@settings(max_examples=400, deadline=None)
@given(claims())
def test_outcome_follows_the_totals_and_failed_eligibility_rejects(facts):
    working = adjudicate(facts)
    approved, eligible = working.total_approved, working.total_eligible
    if approved == 0:
        assert working.outcome == "rejected"
    elif approved >= eligible:
        assert working.outcome == "approved"
    else:
        assert working.outcome == "partially_approved"
    if working.reason_codes:  # a claim-level eligibility failure pays nothing at all
        assert working.outcome == "rejected" and eligible == 0


@settings(max_examples=400, deadline=None)
@given(claims())
def test_limits_allowances_and_deductions_are_never_exceeded(facts):
    working = adjudicate(facts)
    approved_by_category: dict[str, D] = defaultdict(lambda: D(0))
    for line in working.lines:
        if line.category:
            approved_by_category[line.category] += line.approved
    for category, approved in approved_by_category.items():
        remaining = facts.limit_remaining.get(category)
        if remaining is not None:
            assert approved <= max(remaining, D(0))
    if facts.chronic_remaining is not None:
        assert working.total_eligible <= max(facts.chronic_remaining, D(0))
    assert sum(w.rebate_deduction for w in working.lines) <= working.statutory_rebate_total
    assert sum(w.other_insurance_deduction for w in working.lines) <= facts.other_insurance_benefit
    assert sum(w.discount_deduction for w in working.lines) <= facts.hospital_discount


@settings(max_examples=200, deadline=None)
@given(claims())
def test_the_same_facts_always_give_the_same_working(facts):
    assert adjudicate(facts) == adjudicate(facts)


# --- Through the database: a person's year of decisions -------------------------------------

LIMITS = {"general": D("6000.00"), "dental": D("3000.00")}
# code, category, claim type, rate, fee cap (like the demo scale's rows)
SCALE = (
    ("GP_CONSULT", "general", "outpatient", "80", "1800"),
    ("SPEC_CONSULT", "general", "outpatient", "80", "3600"),
    ("LAB", "general", "outpatient", "80", None),
    ("DENTAL", "dental", "dental", "50", None),
)


@pytest.fixture
def small_fund(ctx):
    for key, limit in LIMITS.items():
        factories.benefit_category(key, str(limit))
    scale = {
        code: factories.scale_item(code, benefit_category=factories.benefit_category(category),
                                   claim_types=claim_type, rate_percent=D(rate),
                                   fee_cap=D(cap) if cap else None)
        for code, category, claim_type, rate, cap in SCALE
    }
    provider = factories.provider()
    db.session.commit()
    return {"scale": {code: item.id for code, item in scale.items()}, "provider": provider.id}


def _clean_person_rows() -> None:
    """Hypothesis runs many examples in one test: each starts from a fund with no claims."""
    db.session.rollback()
    if IS_POSTGRES:  # the audit trail's trigger refuses deletes: not for a test's clean-up
        db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))
    for model in (AuditEvent, ClaimItem, Claim, Member):
        db.session.execute(sa.delete(model))
    db.session.commit()


claim_plans = st.lists(
    st.tuples(
        st.sampled_from(["outpatient", "dental"]),
        st.integers(0, 80),  # days before today of the visit
        st.lists(st.tuples(st.sampled_from(["GP_CONSULT", "SPEC_CONSULT", "LAB"]),
                           st.integers(1, 3), money(50, 4_000)), min_size=1, max_size=3),
    ),
    min_size=1, max_size=6,
)


def _draft(fund, member_id: int, plan) -> int:
    claim_type, days_ago, lines = plan
    claim = Claim(member_id=member_id, claim_type=claim_type, provider_id=fund["provider"],
                  first_visit_date=fund_today() - timedelta(days=days_ago))
    for n, (code, quantity, unit_cost) in enumerate(lines, start=1):
        code = "DENTAL" if claim_type == "dental" else code
        claim.items.append(ClaimItem(description=code, quantity=quantity, unit_cost=unit_cost,
                                     scale_item_id=fund["scale"][code],
                                     receipt_number=f"P-{member_id}-{days_ago}-{n}-{unit_cost}"))
    db.session.add(claim)
    db.session.commit()
    return claim.id


def _stored_numbers(claim_id: int) -> tuple:
    claim = db.session.get(Claim, claim_id)
    items = tuple(
        (i.benefit_category_id, i.allowed_quantity, i.after_quantity, i.rebate_deduction,
         i.other_insurance_deduction, i.net_claimed, i.rate_percent, i.rated_amount,
         i.fee_cap_total, i.discount_deduction, i.chronic_cut, i.eligible_amount, i.limit_cut,
         i.approved_amount, i.reason_codes)
        for i in claim.items
    )
    return (claim.total_claimed, claim.total_eligible, claim.total_approved,
            claim.statutory_rebate_total, claim.reason_codes, claim.recommended_outcome, items)


def _readjudicating_changes_nothing(claim_id: int) -> None:
    before = _stored_numbers(claim_id)
    adjudicate_claim(db.session, db.session.get(Claim, claim_id))
    db.session.flush()
    db.session.expire_all()
    assert _stored_numbers(claim_id) == before
    db.session.rollback()


def _approved_by_year_and_category(member_id: int) -> dict[tuple[date, str], D]:
    rows = db.session.execute(
        sa.select(Claim.treatment_date, BenefitCategory.key, ClaimItem.approved_amount)
        .join(ClaimItem, ClaimItem.claim_id == Claim.id)
        .join(BenefitCategory, ClaimItem.benefit_category_id == BenefitCategory.id)
        .where(Claim.member_id == member_id, Claim.status.in_(DECIDED_PAYABLE))
    ).all()
    totals: dict[tuple[date, str], D] = defaultdict(lambda: D(0))
    for treated, category, approved in rows:
        totals[(benefit_year(treated, 1)[0], category)] += approved or D(0)
    return totals


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plans=claim_plans, recommend_all_first=st.booleans())
def test_a_persons_decided_claims_never_exceed_a_limit(small_fund, plans, recommend_all_first):
    _clean_person_rows()
    sm = current_app.appbuilder.sm
    first, second = sm.find_user(username="committee1"), sm.find_user(username="committee2")
    member = factories.member(contribution_receipt_date=fund_today() - timedelta(days=400))
    db.session.commit()
    member_id = member.id
    ids = [_draft(small_fund, member_id, plan) for plan in plans]

    def step(claim_id: int, action: str, actor, **params) -> None:
        perform(claim_id, action, actor, **params)
        _readjudicating_changes_nothing(claim_id)

    for claim_id in ids:
        step(claim_id, "submit", first, received_on=fund_today(), declaration=True)
        step(claim_id, "start_review", first)
    # Recommending everything before the first approval lets limits move after the
    # recommendation: the approval must re-check them.
    order = [(ids, "recommend", first), (ids, "approve", second)] if recommend_all_first else [
        ([claim_id], action, actor) for claim_id in ids
        for action, actor in (("recommend", first), ("approve", second))
    ]
    for claim_ids, action, actor in order:
        for claim_id in claim_ids:
            step(claim_id, action, actor)

    statuses = set(db.session.scalars(sa.select(Claim.status).where(Claim.id.in_(ids))))
    assert statuses <= {"approved", "partially_approved", "rejected"}
    for (year, category), approved in _approved_by_year_and_category(member_id).items():
        assert approved <= LIMITS[category], (year, category, approved)
