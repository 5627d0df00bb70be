"""What every screen of the fund adds to FAB's ModelView: the shared rules run on the form and
their messages shown at the field, deletes refused when others refer to the record, money shown
right-aligned with two decimals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

import sqlalchemy as sa
from flask import flash
from markupsafe import Markup
from sqlalchemy.orm.attributes import set_committed_value
from wtforms import BooleanField
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, InputRequired

from app.access import current_user, is_restricted
from app.extensions import db
from app.services.changes import change_refusal
from app.services.errors import Conflict, Forbidden
from app.services.lookup import find_visible
from app.services.records import delete_refusal_reason
from app.views.base import ClaimdeskModelView

DomainRule = Callable[[Any], dict[str, str]]


def money(value: Any) -> Markup:
    if value is None:
        return Markup('<span class="claimdesk-money"></span>')
    return Markup('<span class="claimdesk-money">{:,.2f}</span>').format(Decimal(value))


def record_from_form(model: type, form: Any, pk: Any = None) -> Any:
    """A transient ``model`` holding the stored record (when editing) with the form's values.

    Never added to the session: relationships are set without events, so no backref puts it
    into a parent's collection and no cascade flushes it.
    """
    record = model()
    mapper = sa.inspect(model)
    if pk is not None:
        stored = db.session.get(model, pk)
        if stored is not None:
            for attr in mapper.column_attrs:
                setattr(record, attr.key, getattr(stored, attr.key))
            for rel in mapper.relationships:
                if not rel.uselist:
                    set_committed_value(record, rel.key, getattr(stored, rel.key))
    for name, field in form._fields.items():
        if name in mapper.relationships:
            set_committed_value(record, name, field.data)
        elif name in mapper.column_attrs:
            field.populate_obj(record, name)
    return record


class DomainFormMixin:
    """WTForms validation first, then the shared rule of the record's model on the whole form."""

    domain_model: type
    domain_rule: DomainRule

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):  # type: ignore[misc]
            return False
        with db.session.no_autoflush:
            record = record_from_form(self.domain_model, self, getattr(self, "_id", None))
            errors = type(self).domain_rule(record)
        for name, message in errors.items():
            field = self._fields.get(name)  # type: ignore[attr-defined]
            if field is None:
                flash(message, "danger")
            else:
                field.errors = [*field.errors, message]
        return not errors


def _allow_unticked_boxes(form: type) -> None:
    # FAB marks a NOT NULL boolean "required", and a browser posts nothing for an unticked box.
    for unbound in vars(form).values():
        if isinstance(unbound, UnboundField) and issubclass(unbound.field_class, BooleanField):
            validators = unbound.kwargs.get("validators") or []
            unbound.kwargs["validators"] = [
                v for v in validators if not isinstance(v, (InputRequired, DataRequired))
            ]


class FundModelView(ClaimdeskModelView):
    """Base of the fund's screens: set ``domain_rule`` to the model's ``*_errors`` function."""

    domain_rule: DomainRule | None = None

    def _init_forms(self) -> None:
        super()._init_forms()
        for form in (self.add_form, self.edit_form):
            _allow_unticked_boxes(form)
        if self.domain_rule is None:
            return
        extra = {"domain_model": self.datamodel.obj, "domain_rule": staticmethod(self.domain_rule)}
        self.add_form = type("AddForm", (DomainFormMixin, self.add_form), extra)
        self.edit_form = type("EditForm", (DomainFormMixin, self.edit_form), extra)

    def _check_references_in_scope(self, item: Any) -> None:
        # A related-view link (?_flt_0_claim=<id>) fills the parent without the pick list's check.
        with db.session.no_autoflush:
            for rel in sa.inspect(type(item)).relationships:
                model = rel.mapper.class_
                value = None if rel.uselist else getattr(item, rel.key)
                if value is None or not model.__module__.startswith("app."):
                    continue
                if find_visible(model, value.id) is None:
                    raise Forbidden("You cannot use that record.")

    @staticmethod
    def _refuse_change(item: Any, action: str) -> None:
        # The same rule REST applies: past draft a record changes only through its transitions.
        user = current_user()
        refusal = change_refusal(item, action, restricted=user is not None and is_restricted(user))
        if refusal:
            raise Conflict(refusal)

    def pre_add(self, item: Any) -> None:
        self._check_references_in_scope(item)
        self._refuse_change(item, "add")

    def pre_update(self, item: Any) -> None:
        self._check_references_in_scope(item)
        self._refuse_change(item, "edit")

    def pre_delete(self, item: Any) -> None:
        reason = delete_refusal_reason(item)
        if reason:
            raise Conflict(reason)
        self._refuse_change(item, "delete")
