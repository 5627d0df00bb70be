"""What the demo fund's members are treated for and what providers charge (KES)."""

# description, lowest and highest price
LAB_TESTS = (
    ("Full blood count", 800, 1500),
    ("Malaria test (blood slide)", 300, 600),
    ("Urinalysis", 400, 900),
    ("Widal test and stool culture", 1200, 2500),
    ("Random blood sugar", 300, 600),
    ("Lipid profile", 2000, 3500),
    ("Liver and kidney function tests", 2500, 4500),
    ("Thyroid function tests", 2800, 4800),
)
IMAGING_STUDIES = (
    ("Chest X-ray", 1500, 3000),
    ("Abdominal ultrasound", 3000, 5500),
    ("Pelvic ultrasound", 3000, 5000),
    ("MRI of the knee", 18000, 30000),
    ("CT scan of the head", 12000, 20000),
    ("X-ray of the wrist", 1500, 2800),
)
MEDICINES = (
    ("Amoxicillin 500 mg, 21 capsules", 300, 900),
    ("Artemether-lumefantrine, 24 tablets", 400, 1200),
    ("Paracetamol and cough syrup", 300, 800),
    ("Ciprofloxacin 500 mg, 10 tablets", 400, 1100),
    ("Diclofenac gel and tablets", 600, 1500),
    ("Cetirizine 10 mg and nasal spray", 700, 1800),
    ("Flucloxacillin 500 mg, 28 capsules", 900, 2200),
    ("Omeprazole 20 mg, 28 capsules", 500, 1400),
)
OUTPATIENT_DIAGNOSES = (
    ("Upper respiratory tract infection", "J06.9"),
    ("Malaria", "B54"),
    ("Gastroenteritis", "A09"),
    ("Urinary tract infection", "N39.0"),
    ("Allergic rhinitis", "J30.4"),
    ("Typhoid fever", "A01.0"),
    ("Cellulitis", "L03.9"),
    ("Headache", "R51"),
)
SPECIALIST_DIAGNOSES = (
    ("Hypertension review", "I10"),
    ("Chest pain for evaluation", "R07.4"),
    ("Type 2 diabetes review", "E11.9"),
    ("Gastritis", "K29.7"),
    ("Migraine", "G43.9"),
)

# condition, ICD-10, medicines as (name, strength, dosage, duration)
CHRONIC_CONDITIONS = (
    (
        "Type 2 diabetes mellitus",
        "E11.9",
        (
            ("Metformin", "500 mg", "one tablet twice daily", "6 months"),
            ("Gliclazide", "80 mg", "one tablet daily", "6 months"),
        ),
    ),
    (
        "Essential hypertension",
        "I10",
        (
            ("Amlodipine", "5 mg", "one tablet daily", "6 months"),
            ("Losartan", "50 mg", "one tablet daily", "6 months"),
        ),
    ),
    (
        "Bronchial asthma",
        "J45.9",
        (
            ("Salbutamol inhaler", "100 mcg", "two puffs when needed", "6 months"),
            ("Budesonide inhaler", "200 mcg", "two puffs twice daily", "6 months"),
        ),
    ),
    (
        "Hypothyroidism",
        "E03.9",
        (("Levothyroxine", "100 mcg", "one tablet daily before breakfast", "12 months"),),
    ),
    ("Epilepsy", "G40.9", (("Carbamazepine", "200 mg", "one tablet twice daily", "12 months"),)),
)
DOCTORS = (
    ("Dr. Wanjiru Kamau", "A08812"),
    ("Dr. Hassan Abdi", "A10427"),
    ("Dr. Grace Achieng", "A07735"),
    ("Dr. Peter Kiprono", "A11902"),
)
