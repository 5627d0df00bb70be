"""The committee's decisions on chronic requests: approve or reject one from its page, or the
requests selected in the list (app.services.chronic through app.views.record_actions)."""

from __future__ import annotations

from typing import Any

from flask import redirect, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.security.decorators import permission_name

from app import security as perms
from app.services import chronic
from app.views.forms.record_steps import CHRONIC_BULK_FORMS, CHRONIC_FORMS
from app.views.record_actions import RecordStepsView, selected_ids


class ChronicTransitionView(RecordStepsView):
    """``/chronic-requests/transition/<id>/<action>`` (can_transition) and
    ``/chronic-requests/transition/bulk/<action>?ids=`` (can_review) on ChronicRequest."""

    route_base = "/chronic-requests/transition"
    class_permission_name = perms.CHRONIC_REQUEST
    workflow = chronic.WORKFLOW
    show_endpoint = "ChronicRequestView.show"
    list_endpoint = "ChronicRequestView.list"
    forms = CHRONIC_FORMS
    bulk_forms = CHRONIC_BULK_FORMS
    noun_plural = "chronic requests"

    @expose("/<int:pk>/<action>", methods=["GET", "POST"])
    @has_access
    @permission_name(perms.TRANSITION)
    def transition(self, pk: int, action: str) -> Any:
        return self.one(pk, action)

    @expose("/bulk/<action>", methods=["GET", "POST"])
    @has_access
    @permission_name(perms.REVIEW)
    def bulk(self, action: str) -> Any:
        return self.several(action)


# The list's actions are the ChronicRequest resource's "review" permission.
BULK_PERMISSIONS = {"bulk_approve": perms.REVIEW, "bulk_reject": perms.REVIEW}


class ChronicBulkActions:
    """Mixed into ChronicRequestView: both decisions ask for input, once for all requests."""

    @action("bulk_approve", "Approve", None, "fa-check", single=False)
    def bulk_approve(self, requests: Any) -> Any:
        return redirect(url_for("ChronicTransitionView.bulk", action="approve",
                                ids=selected_ids(requests)))

    @action("bulk_reject", "Reject", None, "fa-times", single=False)
    def bulk_reject(self, requests: Any) -> Any:
        return redirect(url_for("ChronicTransitionView.bulk", action="reject",
                                ids=selected_ids(requests)))
