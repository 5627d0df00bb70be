"""Steps on dependents: the committee confirms or removes one from his page or those selected in
the list; the member asks for the removal of his own (app.services.dependents through
app.views.record_actions)."""

from __future__ import annotations

from typing import Any

from flask import redirect, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.security.decorators import permission_name

from app import security as perms
from app.services import dependents
from app.views.forms.record_steps import DEPENDENT_BULK_FORMS, DEPENDENT_FORMS
from app.views.record_actions import (
    RecordStepsView,
    record_ids,
    results_page,
    selected_ids,
)


class DependentTransitionView(RecordStepsView):
    """``/dependents/transition/<id>/<action>`` (can_write on Dependent: the member's removal
    request is his change too; the service checks who may take which step) and
    ``/dependents/transition/bulk/<action>?ids=`` (can_review)."""

    route_base = "/dependents/transition"
    class_permission_name = perms.DEPENDENT
    workflow = dependents.WORKFLOW
    show_endpoint = "DependentView.show"
    list_endpoint = "DependentView.list"
    forms = DEPENDENT_FORMS
    bulk_forms = DEPENDENT_BULK_FORMS
    noun_plural = "dependents"
    without_input = frozenset({"confirm"})

    @expose("/<int:pk>/<action>", methods=["GET", "POST"])
    @has_access
    @permission_name(perms.WRITE)
    def transition(self, pk: int, action: str) -> Any:
        return self.one(pk, action)

    @expose("/bulk/<action>", methods=["GET", "POST"])
    @has_access
    @permission_name(perms.REVIEW)
    def bulk(self, action: str) -> Any:
        return self.several(action)


BULK_PERMISSIONS = {"bulk_confirm": perms.REVIEW, "bulk_remove": perms.REVIEW}


class DependentBulkActions:
    """Mixed into DependentView."""

    @action("bulk_confirm", "Confirm", "Confirm the selected dependents?", "fa-check",
            single=False)
    def bulk_confirm(self, records: Any) -> Any:
        return results_page(self, DependentTransitionView, "confirm", record_ids(records))

    @action("bulk_remove", "Remove", None, "fa-times", single=False)
    def bulk_remove(self, records: Any) -> Any:
        # The reason is asked once, on the form page, for every selected dependent.
        return redirect(url_for("DependentTransitionView.bulk", action="remove",
                                ids=selected_ids(records)))
