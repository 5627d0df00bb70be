"""Eligibility (SPEC "Adjudication (money)", step 1) as the loader reads it from the database.

Each case builds the records, runs ``adjudicate_claim`` and checks what is stored: a failure
rejects the claim with its reason codes and approves 0 on every line; an eligible claim for one
GP consultation of KES 2,000 at 80% (cap 1,800) is approved at 1,600.00.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest

from app.demo.reference import load_reference_data
from app.extensions import db
from app.models import Claim, ClaimItem
from app.services.adjudication.loader import adjudicate_claim
from tests import factories

DAY = timedelta(days=1)
VISIT = date(2025, 9, 1)
# Family, contribution received 2025-04-14: valid to 2027-04-13, benefits from 2025-07-13.
RECEIPT = date(2025, 4, 14)


@pytest.fixture
def ref(ctx):
    ref = load_reference_data()
    factories.membership_type(
        "staff", covers="member", follows_fund_cycle=False, term_years=1, waiting_period_days=0
    )
    db.session.commit()
    return ref


def adjudicated(claim: Claim) -> Claim:
    db.session.flush()
    adjudicate_claim(db.session, claim)
    db.session.commit()
    return claim


def consultation(ref, member, patient=None, provider="kilimani", unit_cost="2000.00", **kw):
    kw.setdefault("first_visit_date", VISIT)
    kw.setdefault("received_on", kw.get("discharge_date") or kw["first_visit_date"] or VISIT)
    kw.setdefault("status", "submitted")
    claim_type = kw.pop("claim_type", "inpatient" if kw.get("admission_date") else "outpatient")
    code = "GP_IP_VISIT" if claim_type == "inpatient" else "GP_CONSULT"
    return factories.scale_claim(
        member, [(ref.scale[code], 1, unit_cost)], claim_type=claim_type, dependent=patient,
        provider=ref.providers[provider], **kw,
    )


def assert_outcome(claim: Claim, codes: list[str]) -> None:
    if codes:
        assert (claim.recommended_outcome, claim.reason_codes) == ("rejected", ",".join(codes))
        assert claim.total_approved == 0 and all(i.approved_amount == 0 for i in claim.items)
    else:
        assert (claim.recommended_outcome, claim.reason_codes) == ("approved", None)
        assert claim.total_approved == D("1600.00")


# id, membership type, contribution received, member status, patient (relationship, status,
# born), claim fields, expected claim-level reason codes
INPATIENT = dict(first_visit_date=None, admission_date=VISIT, discharge_date=VISIT + 4 * DAY)
ABROAD = dict(INPATIENT, treated_abroad=True, return_date=VISIT + 7 * DAY)
CASES = [
    ("eligible", "family", RECEIPT, "active", None, {}, []),
    ("benefits-from day", "family", RECEIPT, "active", None,
     dict(first_visit_date=date(2025, 7, 13)), []),
    ("day before benefits-from", "family", RECEIPT, "active", None,
     dict(first_visit_date=date(2025, 7, 12)), ["WAITING_PERIOD"]),
    ("member pending", "family", RECEIPT, "pending", None, {}, ["MEMBER_NOT_ACTIVE"]),
    ("member suspended", "family", RECEIPT, "suspended", None, {}, ["MEMBER_NOT_ACTIVE"]),
    ("first day of validity", "staff", date(2025, 3, 1), "active", None,
     dict(first_visit_date=date(2025, 3, 1)), []),
    ("day before validity", "staff", date(2025, 3, 1), "active", None,
     dict(first_visit_date=date(2025, 2, 28), received_on=date(2025, 3, 5)),
     ["MEMBER_NOT_ACTIVE", "WAITING_PERIOD"]),  # benefits start with the validity here
    # Single, received 2023-05-01: the fund cycle ends 2025-04-13.
    ("last day of validity", "single", date(2023, 5, 1), "active", None,
     dict(first_visit_date=date(2025, 4, 13)), []),
    ("day after validity", "single", date(2023, 5, 1), "active", None,
     dict(first_visit_date=date(2025, 4, 14)), ["MEMBER_NOT_ACTIVE"]),
    ("spouse on a joint membership", "joint", RECEIPT, "active",
     ("spouse", "active", date(1982, 1, 9)), {}, []),
    ("spouse on a single membership", "single", RECEIPT, "active",
     ("spouse", "active", date(1982, 1, 9)), {}, ["PATIENT_NOT_COVERED"]),
    ("child on a joint membership", "joint", RECEIPT, "active",
     ("child", "active", date(2015, 3, 1)), {}, ["PATIENT_NOT_COVERED"]),
    ("child aged 17 on the treatment date", "family", RECEIPT, "active",
     ("child", "active", date(2007, 9, 2)), {}, []),
    ("child turning 18 on the treatment date", "family", RECEIPT, "active",
     ("child", "active", date(2007, 9, 1)), {}, ["PATIENT_NOT_COVERED"]),
    ("spouse still pending", "family", RECEIPT, "active",
     ("spouse", "pending", date(1982, 1, 9)), {}, ["PATIENT_NOT_COVERED"]),
    ("child removed", "family", RECEIPT, "active",
     ("child", "removed", date(2015, 3, 1)), {}, ["PATIENT_NOT_COVERED"]),
    ("received day 90 after the visit", "family", RECEIPT, "active", None,
     dict(received_on=VISIT + 90 * DAY), []),
    ("received day 91 after the visit", "family", RECEIPT, "active", None,
     dict(received_on=VISIT + 91 * DAY), ["LATE_SUBMISSION"]),
    ("received day 90 after the discharge", "family", RECEIPT, "active", None,
     dict(INPATIENT, received_on=VISIT + 94 * DAY), []),
    ("received day 91 after the discharge", "family", RECEIPT, "active", None,
     dict(INPATIENT, received_on=VISIT + 95 * DAY), ["LATE_SUBMISSION"]),
    ("abroad: day 30 after the return", "family", RECEIPT, "active", None,
     dict(ABROAD, received_on=VISIT + 37 * DAY), []),
    ("abroad: day 31 after the return", "family", RECEIPT, "active", None,
     dict(ABROAD, received_on=VISIT + 38 * DAY), ["LATE_SUBMISSION"]),
    ("excluded cause", "family", RECEIPT, "active", None,
     dict(excluded_cause="extreme_sport"), ["EXCLUDED_CAUSE"]),
    ("several failures at once", "family", RECEIPT, "suspended", None,
     dict(first_visit_date=date(2025, 7, 1), received_on=date(2025, 12, 1)),
     ["MEMBER_NOT_ACTIVE", "WAITING_PERIOD", "LATE_SUBMISSION"]),
]


@pytest.mark.parametrize(
    "membership,receipt,status,patient,fields,codes", [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_eligibility(ref, membership, receipt, status, patient, fields, codes):
    member = factories.member(
        membership_type=ref.membership_types.get(membership)
        or factories.membership_type(membership),
        status=status, contribution_receipt_date=receipt,
    )
    dependent = None
    if patient:
        relationship, dependent_status, born = patient
        dependent = factories.dependent(member, relationship, status=dependent_status,
                                        date_of_birth=born)
    assert_outcome(adjudicated(consultation(ref, member, dependent, **fields)), codes)


# --- chronic approval ---------------------------------------------------------------------

CHRONIC_CASES = [
    # id, request (status, valid from, valid to, for the spouse), expected codes
    ("no request", None, ["NO_CHRONIC_APPROVAL"]),
    ("request pending", ("pending", None, None, False), ["NO_CHRONIC_APPROVAL"]),
    ("request rejected", ("rejected", VISIT, None, False), ["NO_CHRONIC_APPROVAL"]),
    ("approved for another patient", ("approved", VISIT, None, True), ["NO_CHRONIC_APPROVAL"]),
    ("approved from the treatment day", ("approved", VISIT, VISIT + 30 * DAY, False), []),
    ("approved up to the treatment day", ("approved", VISIT - 30 * DAY, VISIT, False), []),
    ("approved from the day after", ("approved", VISIT + DAY, None, False),
     ["NO_CHRONIC_APPROVAL"]),
    ("expired the day before", ("approved", VISIT - 60 * DAY, VISIT - DAY, False),
     ["NO_CHRONIC_APPROVAL"]),
]


@pytest.mark.parametrize("request_spec,codes", [c[1:] for c in CHRONIC_CASES],
                         ids=[c[0] for c in CHRONIC_CASES])
def test_chronic_claims_need_an_approved_request_for_that_patient(ref, request_spec, codes):
    member = factories.member(membership_type=ref.membership_types["joint"],
                              contribution_receipt_date=RECEIPT)
    spouse = factories.dependent(member, "spouse")
    request = None
    if request_spec:
        status, valid_from, valid_to, for_spouse = request_spec
        request = factories.chronic_request(
            member, spouse if for_spouse else None, status=status, valid_from=valid_from,
            valid_to=valid_to, approved_monthly_amount=D("6000.00") if valid_from else None,
        )
    claim = factories.scale_claim(
        member, [(ref.scale["CHRONIC_MEDICINES"], 1, "5000.00")], claim_type="chronic",
        provider=ref.providers["afya_bora"], first_visit_date=VISIT, received_on=VISIT,
        status="submitted", chronic_request=request,
    )
    adjudicated(claim)
    assert claim.reason_codes == (",".join(codes) or None)
    # Chronic medicines at 40%: 5,000.00 -> 2,000.00, within the 6,000.00 a month.
    assert claim.total_approved == (0 if codes else D("2000.00"))


# --- duplicates ---------------------------------------------------------------------------

DUPLICATE_CASES = [
    # id, the other claim's differences, its status, received days before, expected codes
    ("same patient, provider, date and total, received earlier", {}, "submitted", 3,
     ["DUPLICATE_CLAIM"]),
    ("earlier one approved", {}, "approved", 3, ["DUPLICATE_CLAIM"]),
    ("earlier one withdrawn", {}, "withdrawn", 3, []),
    ("earlier one rejected", {}, "rejected", 3, []),
    ("earlier one still a draft", {}, "draft", None, []),
    ("received later", {}, "submitted", -1, []),
    ("another total", dict(unit_cost="2000.50"), "submitted", 3, []),
    ("another provider", dict(provider="parklands"), "submitted", 3, []),
    ("another treatment date", dict(first_visit_date=VISIT - DAY), "submitted", 3, []),
    ("another patient", dict(spouse=True), "submitted", 3, []),
]


@pytest.mark.parametrize("differences,status,days_before,codes",
                         [c[1:] for c in DUPLICATE_CASES], ids=[c[0] for c in DUPLICATE_CASES])
def test_duplicate_claims(ref, differences, status, days_before, codes):
    member = factories.member(membership_type=ref.membership_types["joint"],
                              contribution_receipt_date=RECEIPT)
    spouse = factories.dependent(member, "spouse")
    received = VISIT + 10 * DAY
    other = dict(differences)
    patient = spouse if other.pop("spouse", False) else None
    earlier = None if days_before is None else received - days_before * DAY
    consultation(ref, member, patient, status=status, received_on=earlier, **other)
    claim = adjudicated(consultation(ref, member, received_on=received))
    assert_outcome(claim, codes)


def test_a_duplicate_received_the_same_day_is_the_later_keyed_one(ref):
    member = factories.member(membership_type=ref.membership_types["family"],
                              contribution_receipt_date=RECEIPT)
    first = consultation(ref, member)
    second = adjudicated(consultation(ref, member))
    assert_outcome(second, ["DUPLICATE_CLAIM"])
    assert_outcome(adjudicated(first), [])


@pytest.mark.parametrize("provider,status,duplicate", [
    ("kilimani", "approved", True),
    ("kilimani", "submitted", True),
    ("kilimani", "withdrawn", False),
    ("kilimani", "rejected", False),
    ("parklands", "approved", False),
], ids=["same provider", "earlier one open", "earlier one withdrawn", "earlier one rejected",
        "another provider"])
def test_a_receipt_claimed_before_gets_nothing_and_the_rest_goes_on(ref, provider, status,
                                                                     duplicate):
    member = factories.member(membership_type=ref.membership_types["family"],
                              contribution_receipt_date=RECEIPT)
    factories.scale_claim(
        member, [(ref.scale["LAB"], 1, "900.00", "KGH-100200")], provider=ref.providers[provider],
        first_visit_date=VISIT - 5 * DAY, received_on=VISIT - 4 * DAY, status=status,
    )
    claim = adjudicated(factories.scale_claim(
        member, [(ref.scale["GP_CONSULT"], 1, "2000.00", "KGH-100199"),
                 (ref.scale["LAB"], 1, "3000.00", "KGH-100200")],
        provider=ref.providers["kilimani"], first_visit_date=VISIT, received_on=VISIT,
        status="submitted",
    ))
    consult, lab = claim.items
    assert (consult.approved_amount, consult.reason_codes) == (D("1600.00"), None)
    if duplicate:
        assert (lab.eligible_amount, lab.approved_amount, lab.reason_codes) == (
            0, 0, "DUPLICATE_RECEIPT")
        assert claim.total_approved == D("1600.00")
    else:
        assert (lab.approved_amount, lab.reason_codes) == (D("2400.00"), None)
        assert claim.total_approved == D("4000.00")
    assert claim.reason_codes is None and claim.recommended_outcome == "approved"


@pytest.mark.parametrize("notified_after_hours,flagged", [(47.5, False), (48, False),
                                                          (48.5, True), (72, True)])
def test_a_late_admission_notice_is_flagged_not_rejected(ref, notified_after_hours, flagged):
    member = factories.member(membership_type=ref.membership_types["family"],
                              contribution_receipt_date=RECEIPT)
    # Hours from the start of the admission day in Nairobi, stored as UTC (3 hours behind).
    local_midnight = datetime.combine(VISIT, datetime.min.time())
    notified = local_midnight + timedelta(hours=notified_after_hours) - timedelta(hours=3)
    claim = adjudicated(consultation(ref, member, admission_notified_at=notified, **INPATIENT))
    assert claim.late_admission_notice is flagged
    assert (claim.recommended_outcome, claim.reason_codes) == ("approved", None)
    assert claim.total_approved == D("1600.00")


def test_suspension_after_submission_does_not_make_the_member_inactive(ctx):
    from app.services.adjudication.loader import adjudicate_claim

    for key, limit in (("general", "250000.00"),):
        factories.benefit_category(key, limit)
    consult = factories.scale_item("GP_CONSULT")
    member = factories.member(contribution_receipt_date=date.today() - timedelta(days=400))
    claim = factories.claim(of=member, items=0)
    claim.items.append(ClaimItem(description="GP", quantity=1, unit_cost=D("1000.00"),
                                 receipt_number="R-SUSP-1", scale_item=consult))
    claim.status, claim.received_on = "submitted", date.today()
    claim.member_status_at_submission = "active"
    db.session.flush()
    member.status = "suspended"
    db.session.flush()
    adjudicate_claim(db.session, claim)
    assert "MEMBER_NOT_ACTIVE" not in (claim.reason_codes or "")
    claim.member_status_at_submission = "suspended"
    adjudicate_claim(db.session, claim)
    assert claim.reason_codes == "MEMBER_NOT_ACTIVE"


def test_a_line_whose_item_was_not_on_the_scale_at_treatment_is_not_covered(ctx):
    from app.services.adjudication.loader import adjudicate_claim

    factories.benefit_category("general", "250000.00")
    later = factories.scale_item("GP_CONSULT", effective_from=date.today() - timedelta(days=5))
    member = factories.member(contribution_receipt_date=date.today() - timedelta(days=400))
    claim = factories.claim(of=member, items=0, first_visit_date=date.today() - timedelta(days=20))
    claim.items.append(ClaimItem(description="GP", quantity=1, unit_cost=D("1000.00"),
                                 receipt_number="R-LATER-1", scale_item=later))
    claim.status, claim.received_on = "submitted", date.today()
    db.session.flush()
    adjudicate_claim(db.session, claim)
    assert claim.items[0].reason_codes == "NOT_COVERED" and claim.total_approved == 0


def test_re_adjudicating_an_unchanged_claim_keeps_its_version(ctx):
    from app.services.adjudication.loader import adjudicate_claim

    factories.benefit_category("general", "250000.00")
    consult = factories.scale_item("GP_CONSULT")
    member = factories.member(contribution_receipt_date=date.today() - timedelta(days=400))
    claim = factories.claim(of=member, items=0)
    claim.items.append(ClaimItem(description="GP", quantity=1, unit_cost=D("1000.00"),
                                 receipt_number="R-SAME-1", scale_item=consult))
    claim.status, claim.received_on = "submitted", date.today()
    db.session.flush()
    adjudicate_claim(db.session, claim)
    db.session.commit()
    version, stamp = claim.version, claim.adjudicated_at
    adjudicate_claim(db.session, claim)
    db.session.commit()
    assert (claim.version, claim.adjudicated_at) == (version, stamp)
