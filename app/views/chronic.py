"""Screens for chronic-illness requests and their medicines."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_appbuilder.models.sqla.interface import SQLAInterface
from wtforms.validators import DataRequired

from app import security as perms
from app.extensions import db
from app.models import ChronicMedicine, ChronicRequest, Dependent, Member
from app.services import chronic
from app.services.attachments import Owner
from app.services.audit import access_events
from app.services.validation import chronic_request_errors
from app.views.attachments import AttachmentsWidget
from app.views.chronic_actions import BULK_PERMISSIONS, ChronicBulkActions, ChronicTransitionView
from app.views.common import FundModelView, money
from app.views.fund import RECORD_COLUMNS, RECORD_LABELS
from app.views.record_actions import StepButtonsWidget
from app.views.widgets import DependentLookupWidget, LookupField, LookupWidget, own_member


class ChronicMedicineView(FundModelView):
    datamodel = SQLAInterface(ChronicMedicine)
    class_permission_name = perms.CHRONIC_REQUEST
    route_base = "/chronic-medicines"
    list_title = "Chronic medicines"
    list_columns = ["request.condition", "name", "strength", "dosage", "duration"]
    order_columns = ["name", "strength", "dosage", "duration"]
    search_columns = ["name", "strength", "dosage", "duration"]
    add_columns = ["request", "name", "strength", "dosage", "duration"]
    edit_columns = add_columns
    show_columns = add_columns
    base_order = ("name", "asc")
    label_columns = {"request": "Chronic request", "request.condition": "Condition",
                     "name": "Medicine", "strength": "Strength", "dosage": "Dosage",
                     "duration": "Duration"}
    add_form_extra_fields = {
        "request": LookupField(
            "Chronic request", ChronicRequest, LookupWidget("/lookup/chronic-requests/"),
            validators=[DataRequired()],
        ),
    }
    edit_form_extra_fields = add_form_extra_fields


class ChronicRequestView(ChronicBulkActions, FundModelView):
    datamodel = SQLAInterface(ChronicRequest)
    class_permission_name = perms.CHRONIC_REQUEST
    method_permission_name = {**FundModelView.method_permission_name, **BULK_PERMISSIONS}
    route_base = "/chronic-requests"
    list_title = "Chronic-illness requests"
    list_columns = ["member.member_number", "member.last_name", "condition", "doctor_name",
                    "requested_monthly_amount", "status", "approved_monthly_amount", "valid_to"]
    order_columns = ["condition", "doctor_name", "requested_monthly_amount", "status",
                     "approved_monthly_amount", "valid_to"]
    search_columns = ["condition", "doctor_name", "status", "valid_from", "valid_to"]
    add_columns = ["member", "dependent", "condition", "doctor_name", "doctor_registration",
                   "requested_monthly_amount"]
    edit_columns = add_columns
    show_fieldsets = [
        ("Request", {"fields": add_columns}),
        ("Decision", {"fields": ["status", "approved_monthly_amount", "valid_from", "valid_to",
                                 "decided_by", "decided_at", "decision_reason"]}),
        ("Record", {"fields": RECORD_COLUMNS, "expanded": False}),
    ]
    base_order = ("id", "desc")
    related_views = [ChronicMedicineView]
    label_columns = {
        "member": "Member", "member.member_number": "Member number",
        "member.last_name": "Member's last name", "dependent": "Patient",
        "condition": "Condition", "doctor_name": "Doctor", "doctor_registration":
        "Doctor's registration", "requested_monthly_amount": "Requested per month",
        "status": "Status", "approved_monthly_amount": "Approved per month",
        "valid_from": "Valid from", "valid_to": "Valid to", "decided_by": "Decided by",
        "decided_at": "Decided at", "decision_reason": "Reason", **RECORD_LABELS,
    }
    add_form_extra_fields = {
        "member": LookupField(
            "Member", Member, LookupWidget("/lookup/members/"), validators=[DataRequired()],
            default=own_member,
        ),
        "dependent": LookupField(
            "Patient", Dependent,
            DependentLookupWidget("member", "/lookup/dependents/", "The member himself"),
            description="Leave empty when the patient is the member himself.",
        ),
    }
    edit_form_extra_fields = add_form_extra_fields
    domain_rule = staticmethod(chronic_request_errors)
    formatters_columns = {"requested_monthly_amount": money, "approved_monthly_amount": money}
    show_template = "records/chronic_show.html"  # the decisions, the request, the evidence

    def _show(self, pk: Any) -> Any:
        widgets = super()._show(pk)  # 404 for a request outside the user's rows
        access_events.chronic_request_viewed(db.session, int(pk), g.user)  # staff's looks
        return widgets

    def _get_show_widget(self, pk: Any, item: Any, widgets: Any = None, **kwargs: Any) -> Any:
        widgets = super()._get_show_widget(pk, item, widgets=widgets, **kwargs)
        widgets["steps"] = StepButtonsWidget("ChronicTransitionView", chronic.WORKFLOW, item,
                                             g.user, ChronicTransitionView.without_input)
        widgets["attachments"] = AttachmentsWidget(Owner(chronic_request=item), g.user)
        return widgets

    def pre_add(self, item: ChronicRequest) -> None:
        super().pre_add(item)
        chronic.prepare_new(item)
