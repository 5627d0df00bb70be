"""In-patient treatments of the demo fund: admissions with day-based and surgical lines."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

from app.demo.catalogue import LAB_TESTS
from app.demo.treatments import Line, Treatment, kes, line, pick

HOSPITALS = {"kilimani": 55, "mombasa_road": 45}
# scale code, operation, diagnosis, ICD-10, fits a child, a typical surgeon's fee (KES)
OPERATIONS = (
    ("SDC_APPENDIX", "Appendicectomy", "Acute appendicitis", "K35.80", True, 30000),
    ("SDC_HERNIA_SINGLE", "Hernia repair", "Inguinal hernia", "K40.90", False, 42000),
    (
        "SDC_FRACTURE_CLOSED",
        "Closed reduction",
        "Closed fracture of the radius",
        "S52.50",
        True,
        30000,
    ),
    ("SDC_TONSIL", "Tonsillectomy", "Recurrent tonsillitis", "J35.0", True, 30000),
    ("SDC_BILIARY", "Cholecystectomy", "Gallstones with cholecystitis", "K80.10", False, 42000),
    (
        "SDC_CATARACT_LENS",
        "Cataract extraction with lens implant",
        "Senile cataract",
        "H25.9",
        False,
        42000,
    ),
)
MEDICAL = (
    ("Severe malaria", "B50.9"),
    ("Pneumonia", "J18.9"),
    ("Acute gastroenteritis with dehydration", "A09"),
    ("Typhoid fever", "A01.0"),
)
ABROAD = (
    ("SDC_HEART", "Coronary artery bypass grafting", "Coronary artery disease", "I25.10"),
    ("SDC_HIP", "Total hip replacement", "Osteoarthritis of the hip", "M16.1"),
)


def _fee(typical: int, rng: random.Random, low: float, high: float) -> Decimal:
    """A fee between ``low`` and ``high`` times a typical one, to the nearest 500."""
    fee = Decimal(typical) * Decimal(str(round(rng.uniform(low, high), 2)))
    return (fee / 500).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * 500


def _room(rng: random.Random, nights: int) -> Line:
    return Line("PRIVATE_ROOM", "Private room", max(nights, 1), kes(rng, 6000, 12000, 500))


def _medical(rng: random.Random, age: int, female: bool) -> Treatment:
    diagnosis, icd = rng.choice(MEDICAL)
    nights = rng.randint(2, 6)
    t = Treatment(diagnosis, icd, pick(rng, HOSPITALS), [_room(rng, nights)], nights=nights)
    visit = rng.choice(
        (("SPEC_IP_VISIT", "Physician's ward round"), ("GP_IP_VISIT", "Doctor's ward round"))
    )
    t.lines.append(Line(*visit, rng.randint(nights, 2 * nights), kes(rng, 3000, 6000)))
    if rng.random() < 0.1:
        t.lines.append(
            Line("ICU_DAY", "Intensive care unit", rng.randint(1, 2), kes(rng, 20000, 35000, 500))
        )
    else:
        t.lines.append(
            Line("LAB", "In-patient laboratory investigations", 1, kes(rng, 4000, 15000))
        )
    t.lines.append(Line("MEDICINES", "In-patient medicines", 1, kes(rng, 5000, 25000)))
    return t


def _surgical(rng: random.Random, age: int, female: bool) -> Treatment:
    choices = [op for op in OPERATIONS if age >= 18 or op[4]]
    code, operation, diagnosis, icd, _, typical = rng.choice(choices)
    nights = rng.randint(1, 4)
    fee = _fee(typical, rng, 0.8, 1.6)
    return Treatment(
        diagnosis,
        icd,
        pick(rng, HOSPITALS),
        [
            _room(rng, nights),
            Line(code, f"Surgeon's fee: {operation.lower()}", 1, fee),
            Line("ANAESTHETIST", "Anaesthetist's fee", 1, _fee(int(fee), rng, 0.3, 0.4)),
            Line("THEATRE_2H", "Theatre charges", 1, kes(rng, 15000, 40000, 500)),
        ],
        nights=nights,
    )


def _maternity(rng: random.Random, age: int, female: bool) -> Treatment:
    where = pick(rng, HOSPITALS)
    if rng.random() < 0.6:
        nights = rng.randint(1, 2)
        return Treatment(
            "Normal delivery",
            "O80",
            where,
            [
                _room(rng, nights),
                Line("SDC_DELIVERY_NORMAL", "Normal delivery", 1, _fee(36000, rng, 0.7, 1.2)),
                Line("MEDICINES", "Maternity medicines and supplies", 1, kes(rng, 3000, 9000)),
                Line(
                    "HOSPITAL_OTHER", "Nursery and other hospital charges", 1, kes(rng, 3000, 10000)
                ),
            ],
            nights=nights,
        )
    nights = rng.randint(3, 4)
    fee = _fee(54000, rng, 0.9, 1.5)
    return Treatment(
        "Caesarean section, obstructed labour",
        "O82.0",
        where,
        [
            _room(rng, nights),
            Line("SDC_CAESAREAN", "Caesarean section", 1, fee),
            Line("ANAESTHETIST", "Anaesthetist's fee", 1, _fee(int(fee), rng, 0.3, 0.4)),
            Line("HOSPITAL_OTHER", "Nursery and other hospital charges", 1, kes(rng, 5000, 15000)),
        ],
        nights=nights,
    )


def _day_care(rng: random.Random, age: int, female: bool) -> Treatment:
    # Day cases at the fund's own clinic: the clinic's rate override pays day care in full.
    t = Treatment(
        "Dyspepsia, for endoscopy",
        "K30",
        "fund_clinic",
        [
            Line("DAY_CARE", "Day care", 1, kes(rng, 3500, 7000, 500)),
            Line("DIAGNOSTIC_PROC", "Upper GI endoscopy", 1, kes(rng, 12000, 22000, 500)),
        ],
    )
    if rng.random() < 0.6:
        t.lines.append(line(rng, "LAB", LAB_TESTS))
    return t


def inpatient(rng: random.Random, age: int, female: bool) -> Treatment:
    recipes = {_medical: 40, _surgical: 30, _day_care: 15}
    if female and 20 <= age <= 45:
        recipes[_maternity] = 15
    recipe = rng.choices(list(recipes), weights=list(recipes.values()))[0]
    return recipe(rng, age, female)


def abroad(rng: random.Random, age: int, female: bool) -> Treatment:
    """Major surgery abroad (KES at the exchange rate of the invoice)."""
    code, operation, diagnosis, icd = rng.choice(ABROAD)
    nights = rng.randint(6, 10)
    surgeon = kes(rng, 450000, 900000, 5000)
    return Treatment(
        diagnosis,
        icd,
        "chennai",
        [
            Line("PRIVATE_ROOM", "Private room", nights, kes(rng, 9000, 15000, 500)),
            Line(code, f"Surgeon's fee: {operation.lower()}", 1, surgeon),
            Line("ANAESTHETIST", "Anaesthetist's fee", 1, _fee(int(surgeon), rng, 0.15, 0.25)),
            Line(
                "HOSPITAL_OTHER",
                "Implants and other hospital charges",
                1,
                kes(rng, 100000, 300000, 5000),
            ),
        ],
        nights=nights,
    )
