"""Form fields and widgets of the fund's screens.

Pick lists of members, claims, providers, dependents and chronic requests load their options by
search from /lookup/<kind> (app.views.lookup): the page carries only the chosen record.
"""

from __future__ import annotations

from typing import Any

from flask_appbuilder.fields import AJAXSelectField
from flask_appbuilder.fieldwidgets import (
    Select2AJAXWidget,
    Select2ManyWidget,
    Select2SlaveAJAXWidget,
    Select2Widget,
)
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import SelectField, SelectMultipleField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import html_params

from app.models.enums import CLAIM_TYPES
from app.services.labels import status_choices
from app.services.lookup import find_visible, label_of
from app.services.validation import money_error, percent_error

LOOKUP_CLASS = "form-control claimdesk-lookup"


def _render_select(field: Any, endpoint: str, placeholder: str, **attrs: Any) -> Markup:
    # A <select> (Select2 4 wants one) holding only the current choice; the rest comes by search.
    attrs.setdefault("id", field.id)
    attrs.setdefault("name", field.name)
    option = ""
    if field.data is not None and hasattr(field.data, "id"):
        option = f'<option value="{field.data.id}" selected>{escape(label_of(field.data))}</option>'
    params = html_params(
        **{"class": LOOKUP_CLASS, "data-lookup-url": endpoint, "data-placeholder": placeholder},
        **attrs,
    )
    return Markup(f'<select {params}><option value=""></option>{option}</select>')


class LookupWidget(Select2AJAXWidget):
    def __init__(self, endpoint: str, placeholder: str = "Type to search") -> None:
        super().__init__(endpoint)
        self.placeholder = placeholder

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        return _render_select(field, self.endpoint, self.placeholder, **kwargs)


class DependentLookupWidget(Select2SlaveAJAXWidget):
    """A pick list that follows another one (the patient follows the member)."""

    def __init__(self, master_id: str, endpoint: str, placeholder: str) -> None:
        super().__init__(master_id, endpoint)
        self.placeholder = placeholder

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        return _render_select(
            field, self.endpoint, self.placeholder, **{"data-depends-on": self.master_id}, **kwargs
        )


def own_member() -> Any | None:
    """A member keys in his own claims and requests: his record is the form's first choice
    (the only one his pick list offers). Staff start from an empty choice."""
    from app.access import current_user, is_restricted, member_id_of
    from app.models import Member

    user = current_user()
    if user is None or not is_restricted(user):
        return None
    return find_visible(Member, member_id_of(user))


class LookupField(AJAXSelectField):
    """A many-to-one pick list whose choice is loaded through the row rule (app.access)."""

    def __init__(self, label: str, model: type, widget: Any, validators: list | None = None,
                 **kwargs: Any) -> None:
        super().__init__(label, validators, widget=widget, is_related=True, **kwargs)
        self.model = model
        self._unknown = False

    def process_data(self, value: Any) -> None:
        self.data = value

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and valuelist[0] not in ("", None):
            self.data = find_visible(self.model, valuelist[0])
            self._unknown = self.data is None
        else:
            self.data = None

    def pre_validate(self, form: Any) -> None:
        if self._unknown:
            # StopValidation: a DataRequired later in the chain would replace the message.
            raise StopValidation("Choose a record from the list.")


class ClaimTypesField(SelectMultipleField):
    """The claim types a scale item applies to, stored as ``outpatient|inpatient``."""

    widget = Select2ManyWidget()

    def __init__(self, label: str = "Claim types", validators: list | None = None, **kwargs: Any):
        super().__init__(
            label, validators, choices=[(t, t.capitalize()) for t in CLAIM_TYPES], **kwargs
        )

    def process_data(self, value: Any) -> None:
        self.data = [p for p in value.split("|") if p] if isinstance(value, str) else value

    def populate_obj(self, obj: Any, name: str) -> None:
        setattr(obj, name, "|".join(self.data or []))


class Money:
    """Not negative, at most two decimals (app.services.validation.money_error)."""

    def __call__(self, form: Any, field: Any) -> None:
        message = money_error(field.data)
        if message:
            raise ValidationError(message)


class Percent:
    def __call__(self, form: Any, field: Any) -> None:
        message = percent_error(field.data)
        if message:
            raise ValidationError(message)


class OptionalChoiceField(SelectField):
    """A nullable enumeration: an empty first choice stored as None."""

    widget = Select2Widget()

    def __init__(self, label: str, values: tuple[str, ...], blank: str = "None",
                 validators: list | None = None, **kwargs: Any) -> None:
        choices = [("", blank)] + [(v, v.replace("_", " ").capitalize()) for v in values]
        super().__init__(label, validators, choices=choices, coerce=_none_if_blank, **kwargs)

    def pre_validate(self, form: Any) -> None:
        if self.data is not None and self.data not in dict(self.choices):
            raise ValidationError("Not a valid choice.")


def _none_if_blank(value: Any) -> str | None:
    return None if value in ("", None, "None") else str(value)


def status_filter() -> dict[str, SelectField]:
    """The claims lists' status filter: it offers the labels and filters by the stored value."""
    return {"status": SelectField(_l("Status"), choices=status_choices,
                                  widget=Select2Widget())}
