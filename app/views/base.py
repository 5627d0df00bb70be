"""Base classes shared by the fund's ModelViews: one permission per resource, the Member role's
row rule on every path that loads a record, and no state change without a POST and its token."""

from __future__ import annotations

from typing import Any

from flask_appbuilder import ModelView
from flask_appbuilder.fields import EnumField
from wtforms.fields.core import UnboundField
from wtforms.validators import ValidationError

from app.access import member_scope_base_filters
from app.auth import SafeModelViewMixin
from app.security import MODEL_METHOD_PERMISSIONS
from app.services.calendar import fund_time

# Routes FAB gives every ModelView that no screen of ours may have, whatever a subclass says:
# the download route serves any uploaded file with no row check (FAB_NOTES); the api_* routes
# are the old JSON endpoints the REST APIs replace.
NEVER_ROUTED = frozenset({
    "download", "api", "api_read", "api_get", "api_readvalues", "api_create", "api_update",
    "api_delete", "api_column_add", "api_column_edit",
})


class CheckedEnumField(EnumField):
    """FAB's select for enum columns raises ValueError on a value outside its choices, which
    WTForms 3 no longer catches: any form posted with a missing or forged choice was a 500."""

    def pre_validate(self, form: Any) -> None:
        try:
            super().pre_validate(form)
        except ValidationError:
            raise
        except ValueError as error:
            raise ValidationError(str(error)) from error


class ClaimdeskModelView(SafeModelViewMixin, ModelView):
    """Every screen of one resource shares that resource's permission (see app.security)."""

    method_permission_name = MODEL_METHOD_PERMISSIONS
    exclude_route_methods = set(NEVER_ROUTED)
    page_size = 25
    # The Member role's row rule (app.access); subclasses add their own filters to this list.
    base_filters = member_scope_base_filters()

    def __init__(self, **kwargs: Any) -> None:
        # A subclass that sets its own exclude_route_methods keeps these out too.
        self.exclude_route_methods = set(self.exclude_route_methods) | NEVER_ROUTED
        super().__init__(**kwargs)

    def _init_properties(self) -> None:
        super()._init_properties()
        # Stored moments as people read them (the fund's time zone, to the minute), not as
        # Python prints a datetime; a screen's own formatter wins.
        moments = {col: fund_time for col in self.datamodel.get_columns_list()
                   if self.datamodel.is_datetime(col)}
        self.formatters_columns = {**moments, **self.formatters_columns}

    def _init_forms(self) -> None:
        super()._init_forms()
        for form in (self.add_form, self.edit_form):
            for field in vars(form).values():
                if isinstance(field, UnboundField) and field.field_class is EnumField:
                    field.field_class = CheckedEnumField
