"""The small forms behind the claim's transitions: what each one asks of the user.

Each form carries the claim version it was rendered with, so a page left open while someone else
changed the claim is refused by the lifecycle service instead of overwriting their change. The
rules themselves (a reason is required, the amount is money, the declaration is accepted) are
the service's: these forms only collect the input and show its messages at the fields.
"""

from __future__ import annotations

from typing import Any

from flask_appbuilder.fieldwidgets import (
    BS3TextAreaFieldWidget,
    BS3TextFieldWidget,
    DatePickerWidget,
    Select2ManyWidget,
    Select2Widget,
)
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Optional
from wtforms.widgets import HiddenInput

from app.models import Claim
from app.security import ROLE_MEMBER
from app.services.adjudication.reasons import REASON_TEXTS, reason_text
from app.services.lifecycle.rules import role_names
from app.views.template_picker import TemplatePickerField

STALE_PAGE = "This page is out of date: reload the claim and try again."
DECLARATION = (
    "I declare that the information given is true and complete, and I consent to the fund "
    "asking the providers for information about this treatment; the information is used for "
    "this claim only."
)


def _reason(label: str, required: bool = True, description: str = "") -> TextAreaField:
    validators = [DataRequired(message="Write a reason.")] if required else [Optional()]
    return TextAreaField(label, validators=validators, widget=BS3TextAreaFieldWidget(),
                         description=description)


class TransitionForm(FlaskForm):
    """A transition with nothing to ask: the confirmation button and the version seen."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired(message=STALE_PAGE)])

    def params(self) -> dict[str, Any]:
        """The keyword parameters of ``lifecycle.perform`` for this transition."""
        return {}

    def visible_fields(self) -> list[Any]:
        return [f for f in self if not isinstance(f.widget, HiddenInput)]

    def hidden_field_errors(self) -> list[str]:
        """Problems with what the user cannot see (the version, the selection)."""
        return [m for f in self if isinstance(f.widget, HiddenInput) for m in f.errors]


class ReasonForm(TransitionForm):
    reason = _reason("Reason")

    def params(self) -> dict[str, Any]:
        return {"reason": self.reason.data}


class RequestInfoForm(ReasonForm):
    # The text is required by the service, which takes the template's when none is written.
    template = TemplatePickerField("info_request", fills="reason")
    reason = _reason("Information needed", required=False,
                     description="The member sees this and answers it on the claim's page.")

    def params(self) -> dict[str, Any]:
        return {"reason": self.reason.data, "template_id": self.template.data}


class AnswerInfoForm(ReasonForm):
    reason = _reason("Answer", description="Correct the claim's items first if needed.")


class AppealForm(ReasonForm):
    reason = _reason("Grounds of the appeal")


class SendBackForm(ReasonForm):
    reason = _reason("Why the committee sends it back",
                     description="Kept in the meeting's minutes; the decision is cleared and "
                     "the claim is reviewed again.")


class WithdrawForm(ReasonForm):
    reason = _reason("Reason (optional)", required=False)


class OnlineSubmitForm(TransitionForm):
    declaration = BooleanField("I accept the declaration and consent", description=DECLARATION)

    def params(self) -> dict[str, Any]:
        return {"declaration": self.declaration.data}


class PaperSubmitForm(TransitionForm):
    """A claims officer submitting a paper form keyed in for the member."""

    received_on = DateField(
        "Paper form received on", validators=[Optional()], widget=DatePickerWidget(),
        description="The date the fund received the form: the claim's submission date.",
    )
    declaration = BooleanField(
        "Paper declaration signed",
        description="The member signed the form's declaration and consent.",
    )

    def params(self) -> dict[str, Any]:
        return {"declaration": self.declaration.data, "received_on": self.received_on.data}


class OverrideLineForm(ReasonForm):
    item_id = SelectField("Line", coerce=int, widget=Select2Widget(),
                          validators=[InputRequired(message="Choose a line of this claim.")])
    amount = StringField("Approved amount", widget=BS3TextFieldWidget(),
                         description="Never more than the remaining annual limit.")
    reason = _reason("Reason", description="Recorded with reason code DISCRETION.")

    def params(self) -> dict[str, Any]:
        return {"item_id": self.item_id.data, "amount": (self.amount.data or "").strip(),
                "reason": self.reason.data}


def reason_code_choices() -> list[tuple[str, str]]:
    return [(code, f"{code}: {reason_text(code)}") for code in REASON_TEXTS]


class RejectForm(ReasonForm):
    template = TemplatePickerField("rejection", fills="reason")
    reason = _reason("Reason", required=False)
    reason_codes = SelectMultipleField("Reason codes", widget=Select2ManyWidget(),
                                       validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reason_codes.choices = reason_code_choices()

    def params(self) -> dict[str, Any]:
        return {"reason": self.reason.data, "reason_codes": list(self.reason_codes.data or []),
                "template_id": self.template.data}


class TrusteeDecisionForm(ReasonForm):
    decision = SelectField("The trustees' decision", widget=Select2Widget(),
                           choices=[("approved", "Approve"), ("rejected", "Reject")])
    reason = _reason("Reason")

    def params(self) -> dict[str, Any]:
        return {"decision": self.decision.data, "reason": self.reason.data}


class BulkForm(TransitionForm):
    """A transition for the claims selected in the list; each claim is checked when its turn
    comes, so there is no version to carry."""

    version = None
    ids = HiddenField(validators=[InputRequired(message="Select the claims in the list first.")])

    def claim_ids(self) -> list[int]:
        return parse_ids(self.ids.data)


class _TextOrTemplate:
    """A bulk run asks once for every claim: a missing text is said here, not per claim."""

    missing_text = "Write a reason."

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)  # type: ignore[misc]
        if valid and not (self.reason.data or "").strip() and self.template.data is None:
            self.reason.errors = [*self.reason.errors, self.missing_text]
            return False
        return valid


class BulkRejectForm(_TextOrTemplate, BulkForm, RejectForm):
    reason = _reason("Reason", required=False,
                     description="The same reason is recorded on every claim.")


class BulkRequestInfoForm(_TextOrTemplate, BulkForm, RequestInfoForm):
    missing_text = "Write what information is needed."
    reason = _reason("Information needed", required=False,
                     description="The same request goes to every claim's member.")


def reviewer_choices() -> list[tuple[int, str]]:
    """Every committee reviewer with his open claims and capacity, to choose from."""
    from app.extensions import db
    from app.services.reviewers import reviewers

    return [(reviewer.user_id, reviewer.label) for reviewer in reviewers(db.session)]


class ReassignForm(TransitionForm):
    reviewer_id = SelectField("Reviewer", coerce=int, widget=Select2Widget(),
                              validators=[InputRequired(message="Choose the reviewer to assign.")])
    reason = _reason("Reason (optional)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reviewer_id.choices = reviewer_choices()

    def params(self) -> dict[str, Any]:
        return {"reviewer_id": self.reviewer_id.data, "reason": self.reason.data}


class BulkReassignForm(BulkForm, ReassignForm):
    reason = _reason("Reason (optional)", required=False,
                     description="The same reason is recorded on every claim.")


def parse_ids(text: str | None) -> list[int]:
    """Claim ids from "1,2,3"; anything else in the list is dropped."""
    parts = (part.strip() for part in (text or "").split(","))
    return [int(part) for part in parts if part.isascii() and part.isdigit() and len(part) < 12]


FORMS: dict[str, type[TransitionForm]] = {
    "request_info": RequestInfoForm,
    "answer_info": AnswerInfoForm,
    "override_line": OverrideLineForm,
    "reject": RejectForm,
    "withdraw": WithdrawForm,
    "appeal": AppealForm,
    "trustee_decision": TrusteeDecisionForm,
    "send_back": SendBackForm,
    "reassign": ReassignForm,
}
# The transitions offered for many claims at once, from the claims list.
BULK_ACTIONS = ("start_review", "recommend", "approve", "reject", "request_info", "reassign")
BULK_FORMS: dict[str, type[BulkForm]] = {"reject": BulkRejectForm,
                                         "request_info": BulkRequestInfoForm,
                                         "reassign": BulkReassignForm}
# Transitions that ask nothing: a button on the claim's page posts them directly.
WITHOUT_INPUT = frozenset({"start_review", "recommend", "approve"})


def _line_label(item: Any) -> str:
    approved = "-" if item.approved_amount is None else f"{item.approved_amount:,.2f}"
    return f"{item.line_no}. {item.description} (approved {approved})"


def form_for(action: str, claim: Claim, user: Any) -> TransitionForm:
    """The form of ``action`` on ``claim`` for ``user``, filled from the request when posted."""
    if action == "submit":
        # The service asks a claims officer (anyone but the member himself) for the paper form.
        form_class = OnlineSubmitForm if ROLE_MEMBER in role_names(user) else PaperSubmitForm
    else:
        form_class = FORMS.get(action, TransitionForm)
    form = form_class(data={"version": claim.version, "received_on": claim.received_on})
    if isinstance(form, OverrideLineForm):
        form.item_id.choices = [(i.id, _line_label(i)) for i in claim.items]
    return form
