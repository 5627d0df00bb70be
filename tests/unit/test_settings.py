from decimal import Decimal

import pytest

from app.extensions import db
from app.models import Setting
from app.services.errors import NotFound, ValidationFailed
from app.services.settings import (
    DEFINITIONS,
    SETTINGS,
    ensure_settings,
    format_value,
    get_setting,
    set_setting,
    setting_value_error,
)

BYLAW_DEFAULTS = {
    "late_submission_days": 90,
    "abroad_submission_days": 30,
    "admission_notice_hours": 48,
    "decision_sla_days": 30,
    "payment_sla_days": 30,
    "sla_at_risk_percent": 25,
    "reviewer_capacity": 25,
    "benefit_year_start_month": 1,
    "ratification_threshold": Decimal("0"),
    "show_reviewer_names": False,
    "committee_quorum": 4,
    "phone_country_code": 254,
    "max_file_mb": 10,
    "max_claim_files_mb": 50,
    "max_claim_files": 30,
}


def test_every_setting_has_its_bylaw_default_and_a_description():
    assert {d.key: d.default for d in SETTINGS} == BYLAW_DEFAULTS
    assert all(d.description for d in SETTINGS)
    for spec in SETTINGS:
        assert setting_value_error(spec.key, format_value(spec.value_type, spec.default)) is None


def test_defaults_apply_until_the_fund_stores_a_value(ctx):
    assert get_setting("late_submission_days") == 90
    assert get_setting("show_reviewer_names") is False
    assert get_setting("ratification_threshold") == Decimal("0.00")


def test_stored_values_come_back_typed(ctx):
    db.session.add_all(
        [
            Setting(key="decision_sla_days", value="21", value_type="int"),
            Setting(key="show_reviewer_names", value="true", value_type="bool"),
            Setting(key="ratification_threshold", value="50000.50", value_type="decimal"),
        ]
    )
    db.session.commit()
    assert get_setting("decision_sla_days") == 21
    assert get_setting("show_reviewer_names") is True
    value = get_setting("ratification_threshold")
    assert isinstance(value, Decimal) and value == Decimal("50000.50")


def test_a_value_broken_outside_the_application_falls_back_to_the_default(ctx):
    db.session.add(Setting(key="reviewer_capacity", value="lots", value_type="int"))
    db.session.commit()
    assert get_setting("reviewer_capacity") == 25


def test_an_unknown_setting_is_refused(ctx):
    with pytest.raises(NotFound):
        get_setting("no_such_setting")
    assert "no setting" in setting_value_error("no_such_setting", "1")


def test_ensure_settings_adds_each_missing_row_once_and_keeps_changed_values(ctx):
    db.session.add(Setting(key="committee_quorum", value="6", value_type="int"))
    db.session.commit()
    added = ensure_settings()
    db.session.commit()
    assert set(added) == set(DEFINITIONS) - {"committee_quorum"}
    assert ensure_settings() == []
    rows = {s.key: s for s in db.session.query(Setting)}
    assert len(rows) == len(SETTINGS)
    assert rows["committee_quorum"].value == "6"
    assert rows["late_submission_days"].value == "90"
    assert rows["late_submission_days"].value_type == "int"
    assert rows["show_reviewer_names"].value == "false"
    assert rows["late_submission_days"].description
    assert get_setting("committee_quorum") == 6


@pytest.mark.parametrize(
    ("key_or_type", "value", "message"),
    [
        ("late_submission_days", "ninety", "Enter a whole number."),
        ("late_submission_days", "90.5", "Enter a whole number."),
        ("late_submission_days", "0", "Enter a number from 1 to 3650."),
        ("late_submission_days", "9" * 5000, "Enter a whole number."),
        ("benefit_year_start_month", 13, "Enter a number from 1 to 12."),
        ("sla_at_risk_percent", "100", "Enter a number from 1 to 99."),
        ("ratification_threshold", "-1", "Enter a number from 0 to 999999999999.99."),
        ("ratification_threshold", "10.005", "Use at most 2 decimal places."),
        ("ratification_threshold", "NaN", "Enter a number such as 1500.00."),
        ("ratification_threshold", "abc", "Enter a number such as 1500.00."),
        ("show_reviewer_names", "maybe", "Enter true or false."),
        ("int", None, "Enter a whole number."),
        ("int", True, "Enter a whole number."),
        ("text", "x" * 256, "Use at most 255 characters."),
        ("text", None, "Enter a value."),
        ("bool", None, "Enter true or false."),
        ("colour", "red", "There is no setting or setting type named 'colour'."),
    ],
)
def test_bad_values_get_a_clear_message(key_or_type, value, message):
    assert setting_value_error(key_or_type, value) == message


@pytest.mark.parametrize(
    ("key_or_type", "value"),
    [
        ("late_submission_days", "120"),
        ("late_submission_days", 45),
        ("benefit_year_start_month", " 7 "),
        ("ratification_threshold", "250000"),
        ("ratification_threshold", Decimal("100.50")),
        ("show_reviewer_names", "Yes"),
        ("show_reviewer_names", False),
        ("int", "-3"),
        ("decimal", "-2.5"),
        ("text", "Claims office, 2nd floor"),
    ],
)
def test_good_values_pass(key_or_type, value):
    assert setting_value_error(key_or_type, value) is None


def test_set_setting_stores_the_canonical_text_and_refuses_bad_values(ctx):
    set_setting("show_reviewer_names", "yes")
    set_setting("ratification_threshold", "1500")
    db.session.commit()
    assert db.session.query(Setting).filter_by(key="show_reviewer_names").one().value == "true"
    assert get_setting("show_reviewer_names") is True
    assert get_setting("ratification_threshold") == Decimal("1500")
    with pytest.raises(ValidationFailed) as refused:
        set_setting("decision_sla_days", "-5")
    assert refused.value.errors == {"value": "Enter a number from 1 to 365."}
    assert get_setting("decision_sla_days") == 30
    with pytest.raises(NotFound):
        set_setting("no_such_setting", "1")
