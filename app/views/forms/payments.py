"""The forms of the payment pages: building a batch (its filters), recording a batch as paid and
cancelling one. They only collect input; the rules and their messages are the payment
services' (app.services.payments)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget, DatePickerWidget, Select2Widget
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import HiddenInput

from app.models.enums import PAYOUT_METHODS, SLA_STATUSES
from app.views.forms.record_steps import ReasonForm, StepForm
from app.views.widgets import OptionalChoiceField


def _text(label: str, description: str) -> StringField:
    return StringField(label, widget=BS3TextFieldWidget(), description=description,
                       filters=[lambda text: (text or "").strip() or None])


class BuildBatchForm(FlaskForm):
    method = SelectField("Payout method", widget=Select2Widget(),
                         choices=[(m, m.replace("_", " ").capitalize()) for m in PAYOUT_METHODS],
                         validators=[InputRequired(message="Choose how the batch pays.")])
    min_amount = _text("Smallest amount", "Only claims approved for at least this much.")
    max_amount = _text("Largest amount", "Only claims approved for at most this much.")
    due_by = DateField("Payment due by", validators=[Optional()], widget=DatePickerWidget(),
                       description="Only claims whose payment falls due on or before this day.")
    sla_status = OptionalChoiceField("Payment SLA", SLA_STATUSES, blank="Any")

    def filters(self) -> dict[str, Any]:
        return {"method": self.method.data, "min_amount": self.min_amount.data,
                "max_amount": self.max_amount.data, "due_by": self.due_by.data,
                "sla_status": self.sla_status.data}


class MarkPaidForm(StepForm):
    paid_on = DateField("Paid on", validators=[Optional()], widget=DatePickerWidget(),
                        description="The day the bank or provider made the payments.")
    bank_reference = _text("Bank reference", "The bank's or provider's reference of the "
                           "payout; every claim of the batch moves to paid.")

    def params(self) -> dict[str, Any]:
        return {"paid_on": self.paid_on.data, "bank_reference": self.bank_reference.data}


class ChequeNumbersForm(FlaskForm):
    """One text per payment, named ``cheque_<payment id>``; those left empty are not changed."""

    version = IntegerField(widget=HiddenInput(), validators=[Optional()])

    def numbers(self) -> dict[int, str]:
        found = {}
        for name, value in request.form.items():
            key = name.removeprefix("cheque_")
            if name.startswith("cheque_") and key.isdigit() and value.strip():
                found[int(key)] = value
        return found

    def validate(self, extra_validators: Any = None) -> bool:
        return super().validate(extra_validators) and bool(self.numbers())

    def problem(self) -> str:
        if self.errors:
            return "The page was out of date: reload it and try again."
        return "Enter at least one cheque number."


BATCH_FORMS: dict[str, type[StepForm]] = {"mark_paid": MarkPaidForm, "cancel": ReasonForm}
