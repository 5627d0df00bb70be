"""The demo fund's members and their dependents, drawn from a seeded random generator.

Each household is built in memory first; the loader adds only those whose national ID the fund
does not know yet. Validity and benefits-from are derived on flush (app.services.invariants);
they are computed here too, with the same function, to know when a member may claim.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.demo.names import BANKS, FEMALE_NAMES, MALE_NAMES, OTHER_SCHEMES, SURNAMES
from app.demo.reference import SCALE_EFFECTIVE_FROM, ReferenceData
from app.models import Dependent, Member, MembershipType
from app.services.membership import cycle_end, validity

# (membership type, status, how many): mostly active, some in every other status.
COMPOSITION = (
    ("family", "active", 17),
    ("joint", "active", 9),
    ("single", "active", 8),
    ("vice_patron", "active", 5),
    ("patron", "active", 4),
    ("life", "active", 4),
    ("single", "pending", 2),
    ("joint", "pending", 1),
    ("family", "pending", 2),
    ("single", "suspended", 1),
    ("joint", "suspended", 1),
    ("family", "suspended", 1),
    ("single", "lapsed", 1),
    ("joint", "lapsed", 1),
    ("family", "lapsed", 2),
    ("single", "terminated", 1),
    ("family", "terminated", 1),
    ("vice_patron", "terminated", 1),
)
# The households the demo member logins are linked to (first in the list): both have
# dependents and claims.
LINKED_HOUSEHOLDS = (("family", "active"), ("joint", "active"))
AGE_RANGES = {
    "single": (23, 45),
    "joint": (28, 60),
    "family": (30, 52),
    "vice_patron": (40, 65),
    "patron": (45, 70),
    "life": (55, 78),
}
CLAIM_HISTORY_DAYS = 425  # about 14 months
MIN_CLAIM_WINDOW_DAYS = 10  # room for the longest admission at home


@dataclass
class Household:
    member: Member
    female: bool
    age: int
    dependents: list[tuple[Dependent, bool]] = field(default_factory=list)  # (dependent, female)
    # Dates between which the member could be treated and claim, or None.
    claim_window: tuple[date, date] | None = None

    def patients(self) -> list[tuple[Member | Dependent, bool]]:
        """The member and his active dependents, each with whether the patient is a woman."""
        active = [(d, f) for d, f in self.dependents if d.status == "active"]
        return [(self.member, self.female), *active]


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def born(rng: random.Random, today: date, age: int) -> date:
    """A birth date giving exactly ``age`` years today."""
    birthday = years_before(today, age)
    earliest = years_before(today, age + 1) + timedelta(days=1)
    return birthday - timedelta(days=rng.randint(0, (birthday - earliest).days))


class _Unique:
    """Draws values until one is not taken (national IDs, phones, e-mails)."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def draw(self, make) -> str:
        value = make()
        while value in self.taken:
            value = make()
        self.taken.add(value)
        return value


class HouseholdBuilder:
    def __init__(self, rng: random.Random, ref: ReferenceData, today: date) -> None:
        self.rng = rng
        self.ref = ref
        self.today = today
        self.cycle_start = years_before(cycle_end(today), 2) + timedelta(days=1)
        self.unique = _Unique()

    # --- people ---------------------------------------------------------------------------

    def _first_name(self, female: bool) -> str:
        return self.rng.choice(FEMALE_NAMES if female else MALE_NAMES)

    def _member(self, key: str, status: str) -> tuple[Member, bool, int]:
        rng = self.rng
        female = rng.random() < 0.5
        first, last = self._first_name(female), rng.choice(SURNAMES)
        middle = self._first_name(female) if rng.random() < 0.5 else None
        if middle == first:
            middle = None
        age = rng.randint(*AGE_RANGES[key])
        phone = self.unique.draw(lambda: f"+2547{rng.randint(0, 99_999_999):08d}")
        email = self.unique.draw(
            lambda: f"{first}.{last}{rng.choice(['', str(rng.randint(1, 99))])}@example.org".lower()
        )
        member = Member(
            first_name=first,
            middle_name=middle,
            last_name=last,
            national_id=self.unique.draw(lambda: str(rng.randint(10_000_000, 39_999_999))),
            date_of_birth=born(rng, self.today, age),
            phone=phone,
            email=email,
            membership_type=self.ref.membership_types[key],
            status=status,
            contribution_receipt_date=self._receipt_date(self.ref.membership_types[key], status),
            statutory_insurer_number=(
                f"CR{rng.randint(10**9, 10**10 - 1)}-{rng.randint(1, 9)}"
                if rng.random() < 0.85
                else None
            ),
            other_medical_scheme=rng.choice(OTHER_SCHEMES) if rng.random() < 0.12 else None,
        )
        if rng.random() < 0.55:
            member.payout_method, member.mobile_money_number = "mobile_money", phone
        else:
            bank, branch = rng.choice(BANKS)
            member.payout_method, member.bank_name, member.bank_branch_code = "bank", bank, branch
            member.bank_account_number = str(rng.randint(10**9, 10**13 - 1))
            member.bank_account_name = member.full_name
        return member, female, age

    def _receipt_date(self, mtype: MembershipType, status: str) -> date | None:
        rng, today = self.rng, self.today
        if status == "pending":
            return today - timedelta(days=rng.randint(3, 25)) if rng.random() < 0.6 else None
        if not mtype.follows_fund_cycle:
            if status == "terminated":
                return today - timedelta(days=rng.randint(3 * 365, 8 * 365))
            longest = (mtype.term_years or 21) - 1
            return today - timedelta(days=rng.randint(365, longest * 365))
        start = self.cycle_start if status != "lapsed" else years_before(self.cycle_start, 2)
        elapsed = (today - start).days
        if status == "lapsed" or rng.random() < 0.75 or elapsed < 90:
            # Most members renew in the first weeks of a cycle.
            return min(start + timedelta(days=rng.randint(0, 75)), today)
        return start + timedelta(days=rng.randint(76, elapsed - 5))

    def _spouse(self, member: Member, female: bool, age: int, status: str) -> Dependent:
        rng = self.rng
        # Husbands tend to be a few years older than their wives.
        offset = rng.randint(-3, 8)
        spouse_age = max(21, age + offset if female else age - offset)
        return Dependent(
            member=member,
            first_name=self._first_name(not female),
            last_name=member.last_name if rng.random() < 0.8 else rng.choice(SURNAMES),
            relationship_type="spouse",
            date_of_birth=born(rng, self.today, spouse_age),
            statutory_insurer_number=(
                f"CR{rng.randint(10**9, 10**10 - 1)}-{rng.randint(1, 9)}"
                if rng.random() < 0.6
                else None
            ),
            status=status,
        )

    def _child(self, member: Member, age: int, status: str) -> tuple[Dependent, bool]:
        female = self.rng.random() < 0.5
        child = Dependent(
            member=member,
            first_name=self._first_name(female),
            last_name=member.last_name,
            relationship_type="child",
            date_of_birth=born(self.rng, self.today, age),
            status=status,
        )
        return child, female

    def _dependents(self, household: Household, linked: bool) -> None:
        rng, member = self.rng, household.member
        mtype = member.membership_type

        def status() -> str:
            if member.status == "pending":
                return "pending"
            return "pending" if rng.random() < 0.12 else "active"

        if mtype.covers_spouse and (linked or rng.random() < 0.85):
            spouse_status = "active" if linked else status()
            spouse = self._spouse(member, household.female, household.age, spouse_status)
            household.dependents.append((spouse, not household.female))
        if not mtype.covers_children:
            return
        oldest = min(17, household.age - 20)
        count = rng.choices((0, 1, 2, 3, 4), weights=(10, 25, 35, 20, 10))[0]
        if household.age > 55:
            count = rng.choice((0, 0, 1))
        if linked:
            count = max(count, 2)
        for _ in range(count):
            household.dependents.append(self._child(member, rng.randint(0, oldest), status()))
        if household.age >= 45 and rng.random() < 0.25:
            # A child who outgrew the cover: kept on record, no longer covered.
            household.dependents.append(self._child(member, rng.randint(18, 21), "removed"))

    def _claim_window(self, member: Member) -> tuple[date, date] | None:
        receipt = member.contribution_receipt_date
        if member.status not in ("active", "suspended") or receipt is None:
            return None
        _, valid_to, benefits_from = validity(member.membership_type, receipt)
        start = max(
            benefits_from, self.today - timedelta(days=CLAIM_HISTORY_DAYS), SCALE_EFFECTIVE_FROM
        )
        end = min(valid_to or self.today, self.today)
        return (start, end) if (end - start).days >= MIN_CLAIM_WINDOW_DAYS else None

    def household(self, key: str, status: str, linked: bool = False) -> Household:
        member, female, age = self._member(key, status)
        household = Household(member=member, female=female, age=age)
        self._dependents(household, linked)
        household.claim_window = self._claim_window(member)
        return household


def build_households(rng: random.Random, ref: ReferenceData, today: date) -> list[Household]:
    """Every demo household, the ones for the member logins first; nothing is added to the
    session here."""
    plan = [(key, status) for key, status, count in COMPOSITION for _ in range(count)]
    for linked in LINKED_HOUSEHOLDS:
        plan.remove(linked)
    rng.shuffle(plan)
    builder = HouseholdBuilder(rng, ref, today)
    households = [builder.household(key, status, linked=True) for key, status in LINKED_HOUSEHOLDS]
    households += [builder.household(key, status) for key, status in plan]
    return households
