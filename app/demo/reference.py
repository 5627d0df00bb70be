"""The demo fund's configuration: membership types, benefit categories, the scale, providers.

Every record is found by its natural key (type key, category key, scale code and date, provider
registration code) and only inserted when missing, so loading twice changes nothing and an
admin's later edits are kept.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.models import BenefitCategory, MembershipType, Provider, ProviderRateOverride, ScaleItem

SCALE_CSV = Path(__file__).resolve().parents[2] / "data" / "demo_scale.csv"
# The by-laws' May 2024 revision, which the demo scale reproduces.
SCALE_EFFECTIVE_FROM = date(2024, 5, 1)

# key, name, contribution (KES), term in years (None: life), follows the fund cycle, covers
MEMBERSHIP_TYPES = (
    ("single", "Single", "6000", 2, True, "member"),
    ("joint", "Joint (member and spouse)", "10000", 2, True, "member_spouse"),
    ("family", "Family", "14000", 2, True, "family"),
    ("vice_patron", "Vice-patron", "60000", 10, False, "family"),
    ("patron", "Patron", "100000", 15, False, "family"),
    ("life", "Life", "150000", None, False, "member_spouse"),
)
CHILD_AGE_LIMIT = 18
WAITING_PERIOD_DAYS = 90

# key, name, annual limit per person (None: no limit), critical-illness top-up, description
BENEFIT_CATEGORIES = (
    (
        "general",
        "General",
        "250000",
        "200000",
        "Everything not in another category: consultations, admissions, surgery, tests, medicines.",
    ),
    (
        "chronic",
        "Chronic illness",
        None,
        "0",
        "Medicines for an approved chronic-illness request; its monthly amount caps them.",
    ),
    ("dental_emergency", "Emergency dental", "20000", "0", "Emergency dental treatment."),
    ("dental", "Dental", "50000", "0", "Dental treatment that is not cosmetic."),
    ("optical", "Optical", "30000", "0", "Eye examinations, spectacles and lenses."),
)

# key, registration code, name, type, country
PROVIDERS = (
    ("fund_clinic", "KMHFL-20871", "Fund Members' Clinic, Westlands", "clinic", "KE"),
    ("kilimani", "KMHFL-13110", "Kilimani General Hospital", "hospital", "KE"),
    ("mombasa_road", "KMHFL-12987", "Mombasa Road Hospital", "hospital", "KE"),
    ("parklands", "KMHFL-17452", "Parklands Medical Centre", "clinic", "KE"),
    ("afya_bora", "PPB-RP-04418", "Afya Bora Pharmacy", "pharmacy", "KE"),
    ("uhuru_lab", "KMLTTB-L-0931", "Uhuru Diagnostics Laboratory", "laboratory", "KE"),
    ("dr_kamau", "KMPDC-A-08812", "Dr. Wanjiru Kamau, Consultant Physician", "specialist", "KE"),
    ("smile_dental", "KMPDC-D-01274", "Smile Dental Centre", "clinic", "KE"),
    ("clear_vision", "KMPDC-O-00563", "Clear Vision Opticians", "specialist", "KE"),
    ("chennai", "IN-TN-HOSP-4471", "Shanti Multispeciality Hospital, Chennai", "hospital", "IN"),
)
FUND_CLINIC = "fund_clinic"
# The fund's own clinic pays in full for outpatient care and day care (SPEC "Provider").
FUND_CLINIC_CLAIM_TYPE_RATES = {"outpatient": Decimal("100")}
FUND_CLINIC_SCALE_RATES = {"DAY_CARE": Decimal("100")}


@dataclass
class ReferenceData:
    membership_types: dict[str, MembershipType] = field(default_factory=dict)
    categories: dict[str, BenefitCategory] = field(default_factory=dict)
    scale: dict[str, ScaleItem] = field(default_factory=dict)  # code -> the demo version
    providers: dict[str, Provider] = field(default_factory=dict)
    added: int = 0


def _by_key(model: type, column: sa.Column, keys: list[str]) -> dict:
    rows = db.session.execute(sa.select(model).where(column.in_(keys))).scalars()
    return {getattr(row, column.key): row for row in rows}


def _membership_types(ref: ReferenceData) -> None:
    existing = _by_key(MembershipType, MembershipType.key, [t[0] for t in MEMBERSHIP_TYPES])
    for key, name, contribution, term, cycle, covers in MEMBERSHIP_TYPES:
        if key not in existing:
            existing[key] = MembershipType(
                key=key,
                name=name,
                contribution=Decimal(contribution),
                term_years=term,
                follows_fund_cycle=cycle,
                covers=covers,
                child_age_limit=CHILD_AGE_LIMIT,
                waiting_period_days=WAITING_PERIOD_DAYS,
                active=True,
            )
            db.session.add(existing[key])
            ref.added += 1
        ref.membership_types[key] = existing[key]


def _categories(ref: ReferenceData) -> None:
    existing = _by_key(BenefitCategory, BenefitCategory.key, [c[0] for c in BENEFIT_CATEGORIES])
    for key, name, limit, top_up, description in BENEFIT_CATEGORIES:
        if key not in existing:
            existing[key] = BenefitCategory(
                key=key,
                name=name,
                annual_limit=Decimal(limit) if limit else None,
                critical_illness_top_up=Decimal(top_up),
                description=description,
            )
            db.session.add(existing[key])
            ref.added += 1
        ref.categories[key] = existing[key]


def read_scale_csv(path: Path = SCALE_CSV) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _scale_item(row: dict[str, str], category: BenefitCategory) -> ScaleItem:
    return ScaleItem(
        code=row["code"],
        description=row["description"],
        benefit_category=category,
        claim_types=row["claim_types"],
        unit=row["unit"],
        rate_percent=Decimal(row["rate_percent"]),
        fee_cap=Decimal(row["fee_cap"]) if row["fee_cap"] else None,
        max_per_day=int(row["max_per_day"]) if row["max_per_day"] else None,
        role=row["role"] or None,
        excluded=row["excluded"].strip().lower() == "yes",
        bylaw=row["bylaw"] or None,
        effective_from=SCALE_EFFECTIVE_FROM,
    )


def _scale(ref: ReferenceData) -> None:
    rows = read_scale_csv()
    existing = {
        item.code: item
        for item in db.session.execute(
            sa.select(ScaleItem).where(ScaleItem.effective_from == SCALE_EFFECTIVE_FROM)
        ).scalars()
    }
    for row in rows:
        code = row["code"]
        if code not in existing:
            existing[code] = _scale_item(row, ref.categories[row["benefit_category"]])
            db.session.add(existing[code])
            ref.added += 1
        ref.scale[code] = existing[code]


def _providers(ref: ReferenceData) -> None:
    existing = _by_key(Provider, Provider.registration_code, [p[1] for p in PROVIDERS])
    for key, code, name, provider_type, country in PROVIDERS:
        if code not in existing:
            existing[code] = Provider(
                name=name, registration_code=code, provider_type=provider_type, country=country
            )
            db.session.add(existing[code])
            ref.added += 1
        ref.providers[key] = existing[code]


def _fund_clinic_rates(ref: ReferenceData) -> None:
    clinic = ref.providers[FUND_CLINIC]
    db.session.flush()
    have = {(o.claim_type, o.scale_item_id) for o in clinic.rate_overrides}
    wanted = [(claim_type, None, rate) for claim_type, rate in FUND_CLINIC_CLAIM_TYPE_RATES.items()]
    wanted += [(None, ref.scale[code], rate) for code, rate in FUND_CLINIC_SCALE_RATES.items()]
    for claim_type, item, rate in wanted:
        if (claim_type, item.id if item else None) not in have:
            clinic.rate_overrides.append(
                ProviderRateOverride(claim_type=claim_type, scale_item=item, rate_percent=rate)
            )
            ref.added += 1


def load_reference_data() -> ReferenceData:
    """Insert whatever of the demo fund's configuration is missing; return all of it by key."""
    ref = ReferenceData()
    _membership_types(ref)
    _categories(ref)
    _scale(ref)
    _providers(ref)
    _fund_clinic_rates(ref)
    db.session.flush()
    return ref
