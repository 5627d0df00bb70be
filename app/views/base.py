"""Base classes shared by the fund's ModelViews."""

from __future__ import annotations

from flask_appbuilder import ModelView

from app.access import member_scope_base_filters
from app.security import MODEL_METHOD_PERMISSIONS


class ClaimdeskModelView(ModelView):
    """Every screen of one resource shares that resource's permission (see app.security)."""

    method_permission_name = MODEL_METHOD_PERMISSIONS
    # FAB's download route serves any uploaded file without a row check: never expose it.
    exclude_route_methods = {"download", "api", "api_read", "api_get", "api_readvalues",
                             "api_create", "api_update", "api_delete", "api_column_add",
                             "api_column_edit"}
    page_size = 25
    # The Member role's row rule (app.access); subclasses add their own filters to this list.
    base_filters = member_scope_base_filters()
