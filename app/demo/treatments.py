"""What the demo fund's patients were treated for: a claim's diagnosis, provider and lines.

Each recipe uses only scale items that apply to its claim type, at prices a Kenyan provider
would charge (KES).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from app.demo.catalogue import (
    IMAGING_STUDIES,
    LAB_TESTS,
    MEDICINES,
    OUTPATIENT_DIAGNOSES,
    SPECIALIST_DIAGNOSES,
)


@dataclass
class Line:
    code: str  # scale item code
    description: str
    quantity: int
    unit_cost: Decimal


@dataclass
class Treatment:
    diagnosis: str
    icd10: str | None
    provider: str  # key in app.demo.reference.PROVIDERS
    lines: list[Line] = field(default_factory=list)
    nights: int = 0  # inpatient: discharge date minus admission date


def kes(rng: random.Random, low: int, high: int, step: int = 50) -> Decimal:
    return Decimal(rng.randrange(low, high + 1, step)).quantize(Decimal("0.01"))


def pick(rng: random.Random, weighted: dict[str, int]) -> str:
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


def line(rng: random.Random, code: str, options: tuple, quantity: int = 1) -> Line:
    description, low, high = rng.choice(options)
    return Line(code, description, quantity, kes(rng, low, high))


# --- Outpatient --------------------------------------------------------------------------------


def _gp_visit(rng: random.Random, age: int, female: bool) -> Treatment:
    diagnosis, icd = rng.choice(OUTPATIENT_DIAGNOSES)
    where = pick(rng, {"fund_clinic": 45, "parklands": 30, "kilimani": 15, "mombasa_road": 10})
    t = Treatment(
        diagnosis, icd, where, [Line("GP_CONSULT", "GP consultation", 1, kes(rng, 1500, 2500))]
    )
    if rng.random() < 0.7:
        t.lines.append(line(rng, "LAB", LAB_TESTS))
    if rng.random() < 0.8:
        t.lines.append(line(rng, "MEDICINES", MEDICINES))
    return t


def _specialist_visit(rng: random.Random, age: int, female: bool) -> Treatment:
    diagnosis, icd = rng.choice(SPECIALIST_DIAGNOSES)
    where = pick(rng, {"dr_kamau": 50, "kilimani": 25, "mombasa_road": 25})
    t = Treatment(
        diagnosis,
        icd,
        where,
        [Line("SPEC_CONSULT", "Consultant physician's consultation", 1, kes(rng, 3000, 6000))],
    )
    if icd in ("I10", "R07.4") and rng.random() < 0.6:
        t.lines.append(Line("ECG", "Resting ECG and report", 1, kes(rng, 2000, 3500)))
    t.lines.append(line(rng, *rng.choice((("LAB", LAB_TESTS), ("IMAGING", IMAGING_STUDIES)))))
    if rng.random() < 0.7:
        t.lines.append(line(rng, "MEDICINES", MEDICINES))
    return t


def _laboratory(rng: random.Random, age: int, female: bool) -> Treatment:
    diagnosis, icd = rng.choice(OUTPATIENT_DIAGNOSES + SPECIALIST_DIAGNOSES)
    tests = rng.sample(LAB_TESTS, rng.randint(1, 3))
    return Treatment(
        diagnosis,
        icd,
        "uhuru_lab",
        [Line("LAB", name, 1, kes(rng, low, high)) for name, low, high in tests],
    )


def _imaging(rng: random.Random, age: int, female: bool) -> Treatment:
    where = pick(rng, {"uhuru_lab": 50, "kilimani": 30, "mombasa_road": 20})
    studies = rng.sample(IMAGING_STUDIES, rng.randint(1, 2))
    return Treatment(
        "Investigation on referral",
        "Z01.8",
        where,
        [Line("IMAGING", name, 1, kes(rng, low, high)) for name, low, high in studies],
    )


def _pharmacy(rng: random.Random, age: int, female: bool) -> Treatment:
    diagnosis, icd = rng.choice(OUTPATIENT_DIAGNOSES)
    medicines = rng.sample(MEDICINES, rng.randint(1, 2))
    return Treatment(
        diagnosis,
        icd,
        "afya_bora",
        [Line("MEDICINES", name, 1, kes(rng, low, high)) for name, low, high in medicines],
    )


def _physiotherapy(rng: random.Random, age: int, female: bool) -> Treatment:
    diagnosis, icd = rng.choice((("Low back pain", "M54.5"), ("Knee sprain", "S83.6")))
    where = pick(rng, {"kilimani": 40, "mombasa_road": 30, "parklands": 30})
    t = Treatment(
        diagnosis,
        icd,
        where,
        [Line("PHYSIO_SESSION", "Physiotherapy session", rng.randint(3, 8), kes(rng, 1800, 3000))],
    )
    if rng.random() < 0.4:
        t.lines.append(
            line(
                rng,
                "PHYSIO_IMPLEMENT",
                (("Lumbar support belt", 2500, 6000), ("Knee brace", 3000, 7500)),
            )
        )
    return t


def _minor_procedure(rng: random.Random, age: int, female: bool) -> Treatment:
    where = pick(rng, {"parklands": 40, "kilimani": 30, "fund_clinic": 30})
    procedure = line(
        rng,
        "MINOR_THEATRE",
        (
            ("Excision of a lipoma", 12000, 22000),
            ("Incision and drainage of an abscess", 5000, 9000),
            ("Suturing of a cut wound", 4000, 8000),
        ),
    )
    t = Treatment("Minor surgical condition", "T14.1", where, [procedure])
    t.lines.append(line(rng, "MEDICINES", MEDICINES))
    return t


def _check_up(rng: random.Random, age: int, female: bool) -> Treatment:
    where = pick(rng, {"kilimani": 60, "mombasa_road": 40})
    return Treatment(
        "Annual executive check-up",
        "Z00.0",
        where,
        [Line("EXEC_CHECK", "Executive check-up package", 1, kes(rng, 15000, 28000))],
    )


def _ambulance(rng: random.Random, age: int, female: bool) -> Treatment:
    # The by-laws exclude transport: the ambulance line is a demo of an excluded item.
    return Treatment(
        "Fall with head injury, observed",
        "S09.9",
        "mombasa_road",
        [
            Line("GP_CONSULT", "Casualty consultation", 1, kes(rng, 2000, 3500)),
            Line("TRANSPORT", "Ambulance transfer to hospital", 1, kes(rng, 5000, 12000)),
            line(rng, "IMAGING", IMAGING_STUDIES[4:5]),
        ],
    )


def _house_visit(rng: random.Random, age: int, female: bool) -> Treatment:
    diagnosis, icd = rng.choice(OUTPATIENT_DIAGNOSES)
    return Treatment(
        diagnosis,
        icd,
        "parklands",
        [
            Line("GP_HOUSE_VISIT", "GP house visit", 1, kes(rng, 3000, 5000)),
            line(rng, "MEDICINES", MEDICINES),
        ],
    )


OUTPATIENT = {
    _gp_visit: 40,
    _specialist_visit: 14,
    _laboratory: 10,
    _imaging: 7,
    _pharmacy: 10,
    _physiotherapy: 5,
    _minor_procedure: 6,
    _check_up: 3,
    _ambulance: 3,
    _house_visit: 2,
}


def outpatient(rng: random.Random, age: int, female: bool) -> Treatment:
    recipe = rng.choices(list(OUTPATIENT), weights=list(OUTPATIENT.values()))[0]
    if recipe is _check_up and age < 25:
        recipe = _gp_visit
    return recipe(rng, age, female)


# --- Dental, optical ---------------------------------------------------------------------------


def dental(rng: random.Random, age: int, female: bool) -> Treatment:
    where = pick(rng, {"smile_dental": 80, "kilimani": 20})
    if rng.random() < 0.25:
        return Treatment(
            "Dental abscess",
            "K04.7",
            where,
            [
                line(
                    rng,
                    "DENTAL_EMERGENCY",
                    (
                        ("Emergency extraction of a tooth", 2500, 6000),
                        ("Drainage of a dental abscess", 3000, 8000),
                    ),
                )
            ],
        )
    diagnosis, icd = rng.choice(
        (("Dental caries", "K02.9"), ("Gingivitis", "K05.1"), ("Pulpitis", "K04.0"))
    )
    procedures = rng.sample(
        (
            ("Scaling and polishing", 3000, 6000),
            ("Composite filling", 3500, 8000),
            ("Root canal treatment", 15000, 35000),
            ("Extraction", 2500, 5000),
            ("Dental X-ray (periapical)", 800, 1500),
        ),
        rng.randint(1, 2),
    )
    return Treatment(
        diagnosis,
        icd,
        where,
        [Line("DENTAL", name, 1, kes(rng, low, high)) for name, low, high in procedures],
    )


def optical(rng: random.Random, age: int, female: bool) -> Treatment:
    diagnosis, icd = (
        ("Presbyopia", "H52.4")
        if age >= 45
        else rng.choice((("Myopia", "H52.1"), ("Astigmatism", "H52.2")))
    )
    t = Treatment(
        diagnosis,
        icd,
        "clear_vision",
        [Line("OPTICAL", "Eye examination and refraction", 1, kes(rng, 1500, 3500))],
    )
    if rng.random() < 0.8:
        t.lines.append(Line("OPTICAL", "Spectacle frames", 1, kes(rng, 5000, 18000)))
        lenses = (
            ("Progressive lenses, pair", 14000, 28000)
            if age >= 45
            else ("Single-vision lenses, pair", 4000, 10000)
        )
        t.lines.append(line(rng, "OPTICAL", (lenses,)))
    return t
