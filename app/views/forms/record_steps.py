"""The small forms behind the steps on chronic requests and dependents: what each one asks.

Like the claim's (app.views.forms.claim_transitions) they carry the version the page was
rendered with and only collect input; the rules are the services' (app.services.chronic,
app.services.dependents), whose messages are shown at these fields.
"""

from __future__ import annotations

from typing import Any

from flask_appbuilder.fieldwidgets import (
    BS3TextAreaFieldWidget,
    BS3TextFieldWidget,
    DatePickerWidget,
)
from wtforms import DateField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from app.views.forms.claim_transitions import TransitionForm, parse_ids


def _reason(label: str, required: bool, description: str = "") -> TextAreaField:
    validators = [DataRequired(message="Write a reason.")] if required else [Optional()]
    return TextAreaField(label, validators=validators, widget=BS3TextAreaFieldWidget(),
                         description=description)


def _date(label: str, description: str) -> DateField:
    return DateField(label, validators=[Optional()], widget=DatePickerWidget(),
                     description=description)


class StepForm(TransitionForm):
    """A step with nothing to ask: the confirmation button and the version seen."""


class ReasonForm(StepForm):
    reason = _reason("Reason", required=True)

    def params(self) -> dict[str, Any]:
        return {"reason": self.reason.data}


class OptionalReasonForm(ReasonForm):
    reason = _reason("Reason (optional)", required=False)


class ValidityForm(StepForm):
    valid_from = _date("Valid from", "The first day the approval covers.")
    valid_to = _date("Valid to", "The last day the approval covers.")

    def params(self) -> dict[str, Any]:
        return {"valid_from": self.valid_from.data, "valid_to": self.valid_to.data}


class ApproveChronicForm(ValidityForm):
    amount = StringField("Approved per month", widget=BS3TextFieldWidget(),
                         description="Above 0, at most 2 decimals; chronic claims are cut to it.")
    reason = _reason("Note (optional)", required=False)

    def params(self) -> dict[str, Any]:
        return {**super().params(), "amount": (self.amount.data or "").strip(),
                "reason": self.reason.data}


class BulkMixin:
    """Several records selected in the list; each is checked when its turn comes, so there is
    no version to carry."""

    version = None
    ids = HiddenField(validators=[InputRequired(message="Select the records in the list first.")])

    def record_ids(self) -> list[int]:
        return parse_ids(self.ids.data)  # type: ignore[attr-defined]


class BulkStepForm(BulkMixin, StepForm):
    pass


class BulkApproveChronicForm(BulkMixin, ValidityForm):
    """One validity for every selected request; each is approved at the amount it asked for."""


class BulkReasonForm(BulkMixin, ReasonForm):
    reason = _reason("Reason", required=True,
                     description="The same reason is recorded on every selected record.")


# action -> form, for one record and for several
CHRONIC_FORMS: dict[str, type[StepForm]] = {"approve": ApproveChronicForm, "reject": ReasonForm}
CHRONIC_BULK_FORMS: dict[str, type[StepForm]] = {
    "approve": BulkApproveChronicForm, "reject": BulkReasonForm,
}
DEPENDENT_FORMS: dict[str, type[StepForm]] = {
    "confirm": StepForm, "request_removal": OptionalReasonForm, "remove": ReasonForm,
}
DEPENDENT_BULK_FORMS: dict[str, type[StepForm]] = {
    "confirm": BulkStepForm, "remove": BulkReasonForm,
}
