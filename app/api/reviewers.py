"""REST resources of the assignment: reviewers' settings (Admin maintains them; a reviewer reads
his own) and in-app notifications (read-only, except marking one as read)."""

from __future__ import annotations

from typing import Any

from flask import Response, g
from flask_appbuilder.api import expose
from flask_appbuilder.security.decorators import permission_name, protect

from app import security as perms
from app.api.base import ClaimdeskModelRestApi
from app.api.openapi import PK_PARAMETER, error_responses, json_response, schema_ref
from app.api.writes import answers_bad_input, parse_pk
from app.datamodel import CommitteeMembersOnly, ComputedColumnsInterface
from app.extensions import db
from app.models import Notification, ReviewerSetting
from app.services import notifications
from app.services.reviewers import reviewer_setting_errors


class ReviewerSettingApi(ClaimdeskModelRestApi):
    resource_name = "reviewersetting"
    class_permission_name = perms.REVIEWER_SETTING
    datamodel = ComputedColumnsInterface(ReviewerSetting)
    add_columns = ["user", "active", "capacity", "min_amount", "max_amount"]
    edit_columns = add_columns[1:]  # settings stay with their reviewer
    list_columns = ["id", "user.id", "user.username", "active", "capacity", "open_claims",
                    "min_amount", "max_amount"]
    show_columns = [*list_columns, "created_at", "updated_at"]
    search_columns = ["user", "active", "capacity"]
    order_columns = ["id", "active", "capacity"]
    base_order = ("id", "asc")
    record_rules = (reviewer_setting_errors,)
    add_query_rel_fields = {"user": [["id", CommitteeMembersOnly, None]]}


def _read_operation(api: Any) -> dict[str, Any]:
    return {
        "summary": "Mark one notification as read",
        "description": "For the login's own notifications and his role's (a role's are read "
        "once for all its holders). Marking a read one again changes nothing.",
        "parameters": [PK_PARAMETER],
        "responses": {
            "200": json_response("The notification, read", {
                "type": "object", "required": ["id", "result"],
                "properties": {"id": {"type": "integer", "format": "int64"},
                               "result": schema_ref("NotificationApi.get")},
            }),
            **error_responses("404"),
        },
    }


class NotificationApi(ClaimdeskModelRestApi):
    resource_name = "notification"
    class_permission_name = perms.NOTIFICATION
    datamodel = ComputedColumnsInterface(Notification)
    include_route_methods = {"get", "get_list", "info", "read"}
    method_permission_name = {**ClaimdeskModelRestApi.method_permission_name,
                              "read": perms.WRITE}
    list_columns = ["id", "created_at", "kind", "message", "claim.id", "claim.claim_number",
                    "recipient_role", "recipient_user.id", "unread", "read_at"]
    show_columns = list_columns
    # FAB builds schemas for these; no route of this resource takes a record's body.
    add_columns = edit_columns = ["kind", "message"]
    search_columns = ["unread", "kind", "claim", "created_at"]
    order_columns = ["id", "created_at", "kind"]
    base_order = ("id", "desc")
    route_operations = {"read": _read_operation}

    @expose("/<pk>/read", methods=["POST"])
    @protect()
    @answers_bad_input
    @permission_name(perms.WRITE)
    def read(self, pk: str) -> Response:
        """Mark one notification as read (OpenAPI: _read_operation)."""
        note_id = parse_pk(pk)
        if note_id is None:
            return self.response_404()
        notifications.mark_read(db.session, g.user, [note_id])
        db.session.commit()
        note = db.session.get(Notification, note_id)
        return self.response(200, id=note.id, result=self.show_model_schema.dump(note))
