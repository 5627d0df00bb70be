"""The base of every REST resource."""

from flask_appbuilder.api import ModelRestApi

from app.access import member_scope_base_filters
from app.security import MODEL_METHOD_PERMISSIONS


class ClaimdeskModelRestApi(ModelRestApi):
    method_permission_name = MODEL_METHOD_PERMISSIONS
    allow_browser_login = True
    # The Member role's row rule (app.access); subclasses add their own filters to this list.
    base_filters = member_scope_base_filters()
