"""The demo fund's claims (drafted or submitted only) and chronic-illness requests (pending).

Claims fall between a member's benefits-from date and today (or the end of his membership), over
about 14 months. Later stages of the lifecycle are reached through the real transitions, never
written here. Numbers, line amounts and totals are derived on flush (app.services.invariants).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from app.demo import admissions, treatments
from app.demo.catalogue import CHRONIC_CONDITIONS, DOCTORS
from app.demo.members import MIN_CLAIM_WINDOW_DAYS, Household
from app.demo.reference import ReferenceData
from app.demo.treatments import Line, Treatment, kes
from app.models import ChronicMedicine, ChronicRequest, Claim, ClaimItem, Dependent, Member
from app.models.base import utcnow
from app.services.calendar import age_on

TARGET_CLAIMS = 400
# A member login's claims fit on one page of the claims list.
MAX_CLAIMS_PER_HOUSEHOLD = 20
CLAIM_TYPE_WEIGHTS = {"outpatient": 62, "inpatient": 12, "dental": 15, "optical": 11}
PRIORITIES = {"inpatient": "P1", "chronic": "P2"}
CHRONIC_HOUSEHOLDS = 5
ABROAD_CLAIMS = 2
RECENT_DAYS = 30  # treatment this recent is often still a draft
FUND_UTC_OFFSET = timedelta(hours=3)  # Africa/Nairobi has no daylight saving
RECEIPT_PREFIXES = {
    "fund_clinic": "FMC",
    "kilimani": "KGH",
    "mombasa_road": "MRH",
    "parklands": "PMC",
    "afya_bora": "ABP",
    "uhuru_lab": "UDL",
    "dr_kamau": "DWK",
    "smile_dental": "SDC",
    "clear_vision": "CVO",
    "chennai": "SMH",
}

Patient = tuple[Member | Dependent, bool]  # the person, and whether a woman


@dataclass
class Actors:
    """Logins recorded as a claim's creator: the claims officer keys in paper claims."""

    claims_officer_id: int | None = None
    member_user_ids: dict[int, int] = field(default_factory=dict)  # household index -> user id


def fund_time(day: date, hour: int, minute: int) -> datetime:
    """A local time of the fund, stored as naive UTC like every timestamp."""
    return datetime.combine(day, time(hour, minute)) - FUND_UTC_OFFSET


class ClaimBuilder:
    def __init__(self, rng: random.Random, ref: ReferenceData, today: date, actors: Actors):
        self.rng, self.ref, self.today, self.actors = rng, ref, today, actors
        self.receipts: set[str] = set()

    # --- chronic requests -------------------------------------------------------------------

    def chronic_request(self, household: Household) -> ChronicRequest:
        rng = self.rng
        spouses = [
            p for p in household.patients() if getattr(p[0], "relationship_type", "") == "spouse"
        ]
        patient = spouses[0][0] if spouses and rng.random() < 0.3 else household.member
        condition, _, medicines = rng.choice(CHRONIC_CONDITIONS)
        doctor, registration = rng.choice(DOCTORS)
        monthly = sum((kes(rng, 1500, 6000, 100) for _ in medicines), Decimal("0"))
        requested_on = self.today - timedelta(days=rng.randint(60, 120))
        return ChronicRequest(
            member=household.member,
            dependent=patient if isinstance(patient, Dependent) else None,
            condition=condition,
            doctor_name=doctor,
            doctor_registration=registration,
            requested_monthly_amount=monthly,
            status="pending",
            created_at=fund_time(requested_on, rng.randint(8, 17), rng.randint(0, 59)),
            medicines=[
                ChronicMedicine(name=n, strength=s, dosage=d, duration=u)
                for n, s, d, u in medicines
            ],
        )

    def chronic_claims(
        self, index: int, household: Household, request: ChronicRequest
    ) -> list[Claim]:
        rng = self.rng
        patient = request.dependent or household.member
        icd = next(code for name, code, _ in CHRONIC_CONDITIONS if name == request.condition)
        requested_on = (request.created_at + FUND_UTC_OFFSET).date()
        first = max(requested_on, household.claim_window[0]) + timedelta(days=rng.randint(3, 10))
        claims = []
        while first <= self.today:
            t = Treatment(
                request.condition,
                icd,
                treatments.pick(rng, {"afya_bora": 60, "fund_clinic": 25, "dr_kamau": 15}),
            )
            for medicine in request.medicines:
                name = " ".join(p for p in (medicine.name, medicine.strength) if p)
                t.lines.append(
                    Line(
                        "CHRONIC_MEDICINES",
                        f"{name}, one month's supply",
                        1,
                        kes(rng, 1500, 6000, 100),
                    )
                )
            if rng.random() < 0.25:
                t.lines.append(Line("CHRONIC_MONITOR", "Monitoring tests", 1, kes(rng, 1800, 3500)))
            claim = self._claim(index, household, "chronic", t, (patient, False), first)
            claim.chronic_request = request
            claims.append(claim)
            first += timedelta(days=rng.randint(28, 33))
        return claims

    # --- claims ----------------------------------------------------------------------------

    def claims_for(self, index: int, household: Household, count: int, abroad: bool) -> list[Claim]:
        rng, claims = self.rng, []
        patients = household.patients()
        for number in range(count):
            if abroad and number == 0:
                claim_type, patient = "inpatient", (household.member, household.female)
                treatment = admissions.abroad(rng, household.age, household.female)
            else:
                claim_type = treatments.pick(rng, CLAIM_TYPE_WEIGHTS)
                # The member himself is the patient more often than any one dependent.
                patient = patients[0] if rng.random() < 0.45 else rng.choice(patients)
                if self._days_to_claim(household, patient) < MIN_CLAIM_WINDOW_DAYS:
                    patient = patients[0]  # a baby born too recently for this claim
                age = age_on(patient[0].date_of_birth, self.today)
                recipe = {
                    "outpatient": treatments.outpatient,
                    "inpatient": admissions.inpatient,
                    "dental": treatments.dental,
                    "optical": treatments.optical,
                }[claim_type]
                treatment = recipe(rng, age, patient[1])
            claims.append(self._claim(index, household, claim_type, treatment, patient))
        return claims

    def _days_to_claim(self, household: Household, patient: Patient) -> int:
        start, end = household.claim_window  # type: ignore[misc]
        return (end - max(start, patient[0].date_of_birth)).days

    def _treatment_date(self, household: Household, patient: Patient, span: int) -> date:
        start, end = household.claim_window  # type: ignore[misc]
        start = max(start, patient[0].date_of_birth)  # nobody is treated before he is born
        latest = max(start, end - timedelta(days=span))
        return start + timedelta(days=self.rng.randint(0, (latest - start).days))

    def _receipt(self, provider: str) -> str:
        number = f"{RECEIPT_PREFIXES[provider]}-{self.rng.randint(100000, 999999)}"
        while number in self.receipts:
            number = f"{RECEIPT_PREFIXES[provider]}-{self.rng.randint(100000, 999999)}"
        self.receipts.add(number)
        return number

    def _claim(
        self,
        index: int,
        household: Household,
        claim_type: str,
        t: Treatment,
        patient: Patient,
        on: date | None = None,
    ) -> Claim:
        rng = self.rng
        abroad = self.ref.providers[t.provider].country != "KE"
        back_home = rng.randint(2, 6) if abroad else 0
        start = on or self._treatment_date(household, patient, t.nights + back_home)
        claim = Claim(
            member=household.member,
            dependent=patient[0] if isinstance(patient[0], Dependent) else None,
            claim_type=claim_type,
            provider=self.ref.providers[t.provider],
            diagnosis=t.diagnosis,
            icd10_code=t.icd10,
            priority=PRIORITIES.get(claim_type, "P3"),
            status="draft",
            created_by_id=self.actors.member_user_ids.get(index),
        )
        if claim_type == "inpatient":
            claim.admission_date, claim.discharge_date = start, start + timedelta(days=t.nights)
            self._admission(claim, household, patient, abroad)
        else:
            claim.first_visit_date = start
        if abroad:
            claim.treated_abroad = True
            claim.return_date = claim.discharge_date + timedelta(days=back_home)
        for item in t.lines:
            scale_item = self.ref.scale[item.code]
            if not scale_item.applies_to(claim_type):
                raise ValueError(f"demo recipe uses {item.code} on a {claim_type} claim")
            claim.items.append(
                ClaimItem(
                    scale_item=scale_item,
                    description=item.description,
                    quantity=item.quantity,
                    unit_cost=item.unit_cost,
                    receipt_number=self._receipt(t.provider),
                )
            )
        if claim_type == "inpatient" and household.member.other_medical_scheme:
            claimed = sum((i.unit_cost * i.quantity for i in claim.items), Decimal("0"))
            claim.other_insurance_benefit = (claimed * Decimal("0.3")).quantize(Decimal("1"))
        self._submission(claim, index)
        return claim

    def _admission(
        self, claim: Claim, household: Household, patient: Patient, abroad: bool
    ) -> None:
        rng = self.rng
        admitted = fund_time(claim.admission_date, rng.randint(6, 22), rng.randint(0, 59))
        if abroad:  # planned: the fund hears of it before the journey
            claim.admission_notified_at = admitted - timedelta(days=rng.randint(3, 10))
            return
        late = rng.random() < 0.15
        claim.admission_notified_at = admitted + timedelta(
            hours=rng.randint(50, 120) if late else rng.randint(2, 40)
        )
        insured = patient[0].statutory_insurer_number
        if insured and claim.provider.provider_type == "hospital":
            claim.statutory_rebate_per_day = Decimal(rng.choice(("2240", "3360", "4480")))
        if rng.random() < 0.1:
            claim.hospital_discount = kes(rng, 1000, 5000, 500)

    def _submission(self, claim: Claim, index: int) -> None:
        rng = self.rng
        done = claim.return_date or claim.discharge_date or claim.first_visit_date
        waited = (self.today - done).days
        if rng.random() < (0.6 if waited < RECENT_DAYS else 0.03):
            return
        roll = rng.random()
        if claim.treated_abroad:
            delay = rng.randint(5, 25)
        elif roll < 0.85:
            delay = rng.randint(1, 30)
        elif roll < 0.96:
            delay = rng.randint(31, 85)
        else:  # a few reach the fund after the by-laws' deadline
            delay = rng.randint(91, 150)
        received = min(done + timedelta(days=delay), self.today)
        paper = rng.random() < 0.35
        if paper:
            # The claims officer keys in the paper form; its date of receipt is the submission.
            at = fund_time(received, rng.randint(9, 16), rng.randint(0, 59))
            claim.created_by_id = self.actors.claims_officer_id
        else:
            at = fund_time(received, rng.randint(7, 21), rng.randint(0, 59))
        at = min(at, utcnow())
        claim.status, claim.received_on, claim.submitted_at = "submitted", received, at
        claim.declaration_accepted_at, claim.declaration_source = (
            at,
            ("paper" if paper else "online"),
        )


def allocate(rng: random.Random, households: list[Household], total: int) -> list[int]:
    """How many ordinary claims each household makes: by how long it could claim and how many
    people it covers, with some members claiming far more than others."""
    weights = []
    for household in households:
        spread = rng.uniform(0.4, 1.6)
        window = household.claim_window
        if window is None:
            weights.append(0.0)
        else:
            people = len(household.patients())
            weights.append((window[1] - window[0]).days / 30 * (0.6 + 0.3 * (people - 1)) * spread)
    scale = total / sum(weights)
    return [min(MAX_CLAIMS_PER_HOUSEHOLD, round(w * scale)) for w in weights]


@dataclass
class ClaimsPlan:
    requests: dict[int, ChronicRequest] = field(default_factory=dict)  # household index -> request
    claims: dict[int, list[Claim]] = field(default_factory=dict)  # household index -> claims


def build_claims(
    rng: random.Random, ref: ReferenceData, households: list[Household], today: date, actors: Actors
) -> ClaimsPlan:
    """Every demo claim and chronic request, by household; nothing is added to the session."""
    builder, plan = ClaimBuilder(rng, ref, today, actors), ClaimsPlan()
    adults = [i for i, h in enumerate(households) if h.claim_window and h.age >= 40]
    for index in sorted(rng.sample(adults, min(CHRONIC_HOUSEHOLDS, len(adults)))):
        plan.requests[index] = builder.chronic_request(households[index])
        plan.claims[index] = builder.chronic_claims(index, households[index], plan.requests[index])
    abroad = [
        i
        for i, h in enumerate(households)
        if h.claim_window and h.member.membership_type.key in ("vice_patron", "patron", "life")
    ]
    abroad = set(abroad[:ABROAD_CLAIMS])
    chronic = sum(len(c) for c in plan.claims.values())
    counts = allocate(rng, households, TARGET_CLAIMS - chronic)
    for index, household in enumerate(households):
        count = max(counts[index], 1 if index in abroad else 0)
        count = min(count, MAX_CLAIMS_PER_HOUSEHOLD - len(plan.claims.get(index, [])))
        plan.claims.setdefault(index, []).extend(
            builder.claims_for(index, household, count, index in abroad)
        )
    return plan
