"""The audit trail: read-only (no add, edit or delete route exists), with its export.

The export is a button on the list, not a FAB action (actions do not see the list's filters):
it carries the list's ``_flt_`` arguments to ``/audit/export/<format>``, which applies the same
filters and the same row rule (Committee: the claims' part) and streams the rows.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Response, abort, g, request
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.urltools import get_filter_args
from werkzeug.datastructures import MultiDict
from werkzeug.urls import urlencode

from app import security as perms
from app.extensions import db
from app.models import AuditEvent
from app.services.audit.export import FORMATS, start_export
from app.services.errors import ValidationFailed
from app.views.base import ClaimdeskModelView


def list_filter_args() -> MultiDict:
    return MultiDict([(key, value) for key, value in request.args.items(multi=True)
                      if key.startswith("_flt_")])


def streamed(export: Any) -> Response:
    # The lines read on a connection of their own, not the request's context (export.py).
    response = Response(export.lines, mimetype=export.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


class AuditEventView(ClaimdeskModelView):
    datamodel = SQLAInterface(AuditEvent)
    class_permission_name = perms.AUDIT_EVENT
    route_base = "/audit"
    list_title = "Audit trail"
    list_template = "audit/list.html"
    base_permissions = ["can_read", "can_export"]
    include_route_methods = {"list", "show", "export"}
    list_columns = ["occurred_at", "actor_name", "action", "resource_type", "resource_id",
                    "ip_address"]
    search_columns = ["occurred_at", "actor_name", "actor_id", "action", "resource_type",
                      "resource_id", "ip_address"]
    show_columns = ["id", "occurred_at", "actor_id", "actor_name", "ip_address", "user_agent",
                    "action", "resource_type", "resource_id", "details", "previous_hash",
                    "hash"]
    base_order = ("id", "desc")
    label_columns = {
        "id": "Event", "occurred_at": "When (UTC)", "actor_id": "User id",
        "actor_name": "User", "ip_address": "IP address", "user_agent": "Browser",
        "action": "Action", "resource_type": "Record type", "resource_id": "Record id",
        "details": "Details", "previous_hash": "Previous hash", "hash": "Hash",
    }

    def render_template(self, template: str, **kwargs: Any) -> str:
        kwargs.setdefault("export_formats", list(FORMATS))
        kwargs.setdefault("export_query", urlencode(list_filter_args()))
        return super().render_template(template, **kwargs)

    @expose("/export/<string:fmt>")
    @has_access
    def export(self, fmt: str) -> Response:
        """Exactly the events the list's filters show, in chain order, as CSV or JSON Lines."""
        if fmt not in FORMATS:
            abort(404)
        self._refuse_malformed_list_args()
        get_filter_args(self._filters)
        chosen = [{"col": column, "filter": str(name),
                   "value": value[0] if isinstance(value, list) and len(value) == 1 else value}
                  for column, name, value in self._filters.get_filters_values_tojson()]
        narrow = self._filters.get_joined_filters(self._base_filters).apply_all
        try:
            export = start_export(db.session, fmt, narrow,
                                  {"list": chosen}, g.user)
        except (ValidationFailed, sa.exc.DataError):  # a value the column cannot hold
            db.session.rollback()
            abort(400)
        return streamed(export)
