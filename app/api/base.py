"""The base of every REST resource."""

from flask_appbuilder.api import ModelRestApi

from app.security import MODEL_METHOD_PERMISSIONS


class ClaimdeskModelRestApi(ModelRestApi):
    method_permission_name = MODEL_METHOD_PERMISSIONS
    allow_browser_login = True
