"""REST resource of the audit trail: append-only, so read-only, plus its export
(``GET /api/v1/auditevent/export?format=csv|jsonl&q=(filters:...)``, streamed). Committee reads
only the claims' part of it (app.access narrows the rows, as for every resource, exports too)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Response, g, request
from flask_appbuilder.api import expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name, protect

from app import security as perms
from app.api.base import ClaimdeskModelRestApi
from app.api.openapi import error_responses, query_schema_name
from app.api.query import BadQuery, query_args
from app.api.writes import answers_bad_input
from app.extensions import db
from app.models import AuditEvent
from app.services.audit.export import COLUMNS, FORMATS, start_export
from app.views.audit import streamed


def export_operation(api: ClaimdeskModelRestApi) -> dict[str, Any]:
    q_schema = {"$ref": f"#/components/schemas/{query_schema_name(api, 'list')}"}
    return {
        "summary": "Export the audit events the filters select, as CSV or JSON Lines",
        "description": (
            "Streams every event q.filters select (the list's filters; page, page_size and the "
            "order are ignored), oldest first (chain order), up to the last event when the "
            "export began, with the chain hashes: columns " + ", ".join(COLUMNS) + ". "
            "occurred_at is UTC as YYYY-MM-DDTHH:MM:SS.ffffffZ and details the stored JSON "
            "text, so each hash can be recomputed (README, 'The audit trail'). The export is "
            "itself recorded as an auditevent.export event."),
        "parameters": [
            {"in": "query", "name": "format", "required": False,
             "schema": {"type": "string", "enum": list(FORMATS), "default": "csv"}},
            {"in": "query", "name": "q", "required": False,
             "description": "Rison or JSON object",
             "content": {"application/json": {"schema": q_schema}}},
        ],
        "responses": {
            "200": {"description": "The events, streamed", "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}}}},
            **error_responses("400"),
        },
    }


class AuditEventApi(ClaimdeskModelRestApi):
    resource_name = "auditevent"
    class_permission_name = perms.AUDIT_EVENT
    datamodel = SQLAInterface(AuditEvent)
    include_route_methods = {"get", "get_list", "info", "export"}
    method_permission_name = {**ClaimdeskModelRestApi.method_permission_name,
                              "export": perms.EXPORT}
    route_operations = {"export": export_operation}
    list_columns = ["id", "occurred_at", "actor_name", "action", "resource_type",
                    "resource_id"]
    show_columns = [*list_columns, "actor_id", "ip_address", "user_agent", "details",
                    "previous_hash", "hash"]
    # FAB builds schemas for these; no route of this resource takes a body.
    add_columns = edit_columns = list_columns[1:]
    search_columns = ["action", "actor_name", "actor_id", "resource_type", "resource_id",
                      "occurred_at"]
    order_columns = ["id", "occurred_at", "action", "actor_name"]
    base_order = ("id", "desc")

    @expose("/export", methods=["GET"])
    @protect()
    @answers_bad_input
    @permission_name("export")
    @query_args("list")
    def export(self, **kwargs: Any) -> Response:
        """Export the selected events (the OpenAPI text is export_operation's)."""
        fmt = request.args.get("format", "csv")
        if fmt not in FORMATS:
            raise BadQuery("format must be csv or jsonl.")
        chosen = kwargs["rison"].get("filters", [])
        narrow = self._handle_filters_args(kwargs["rison"]).get_joined_filters(
            self._base_filters).apply_all
        try:
            export = start_export(db.session, fmt, narrow, {"q": chosen}, g.user)
        except (sa.exc.DataError, OverflowError):
            db.session.rollback()
            raise BadQuery("A filter value is out of range for its column.") from None
        return streamed(export)
