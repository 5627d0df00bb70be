"""Screens for members and their dependents."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_appbuilder.models.sqla.interface import SQLAInterface
from wtforms.validators import DataRequired

from app import security as perms
from app.models import Dependent, Member
from app.models.enums import PAYOUT_METHODS
from app.services import dependents
from app.services.validation import dependent_errors, member_errors
from app.views.chronic import ChronicRequestView
from app.views.claims import ClaimView
from app.views.common import FundModelView
from app.views.dependent_actions import (
    BULK_PERMISSIONS,
    DependentBulkActions,
    DependentTransitionView,
)
from app.views.fund import RECORD_COLUMNS, RECORD_LABELS
from app.views.record_actions import StepButtonsWidget
from app.views.widgets import LookupField, LookupWidget, OptionalChoiceField


class DependentView(DependentBulkActions, FundModelView):
    datamodel = SQLAInterface(Dependent)
    class_permission_name = perms.DEPENDENT
    method_permission_name = {**FundModelView.method_permission_name, **BULK_PERMISSIONS}
    show_template = "records/dependent_show.html"  # the steps, then the dependent
    route_base = "/dependents"
    list_title = "Dependents"
    list_columns = ["member.member_number", "first_name", "last_name", "relationship_type",
                    "date_of_birth", "status"]
    order_columns = ["first_name", "last_name", "relationship_type", "date_of_birth", "status"]
    search_columns = ["first_name", "last_name", "relationship_type", "date_of_birth", "status",
                      "statutory_insurer_number"]
    add_columns = ["member", "first_name", "last_name", "relationship_type", "date_of_birth",
                   "statutory_insurer_number"]
    edit_columns = add_columns
    show_columns = add_columns + ["status", "confirmed_by", "confirmed_at",
                                  "removal_requested_at", "removal_reason", "removed_at"
                                  ] + RECORD_COLUMNS
    base_order = ("last_name", "asc")
    label_columns = {
        "member": "Member", "member.member_number": "Member number", "first_name": "First name",
        "last_name": "Last name", "relationship_type": "Relationship",
        "date_of_birth": "Date of birth", "statutory_insurer_number": "SHIF number",
        "status": "Status", "confirmed_by": "Confirmed by", "confirmed_at": "Confirmed at",
        "removal_requested_at": "Removal asked for at", "removal_reason": "Removal reason",
        "removed_at": "Removed at", **RECORD_LABELS,
    }
    add_form_extra_fields = {
        "member": LookupField(
            "Member", Member, LookupWidget("/lookup/members/"), validators=[DataRequired()]
        ),
    }
    edit_form_extra_fields = add_form_extra_fields
    domain_rule = staticmethod(dependent_errors)

    def _get_show_widget(self, pk: Any, item: Any, widgets: Any = None, **kwargs: Any) -> Any:
        widgets = super()._get_show_widget(pk, item, widgets=widgets, **kwargs)
        widgets["steps"] = StepButtonsWidget("DependentTransitionView", dependents.WORKFLOW,
                                             item, g.user, DependentTransitionView.without_input)
        return widgets

    def pre_add(self, item: Dependent) -> None:
        super().pre_add(item)
        dependents.prepare_new(item)



PERSON = ["first_name", "middle_name", "last_name", "national_id", "date_of_birth", "phone",
          "email"]
MEMBERSHIP = ["membership_type", "contribution_receipt_date", "statutory_insurer_number",
              "other_medical_scheme"]
PAYOUT = ["payout_method", "bank_name", "bank_branch_code", "bank_account_number",
          "bank_account_name", "mobile_money_number"]


class MemberView(FundModelView):
    datamodel = SQLAInterface(Member)
    class_permission_name = perms.MEMBER
    route_base = "/members"
    list_title = "Members"
    list_columns = ["member_number", "first_name", "last_name", "national_id",
                    "membership_type.name", "status", "valid_to", "benefits_from"]
    order_columns = ["member_number", "first_name", "last_name", "national_id", "status",
                     "valid_to", "benefits_from"]
    search_columns = ["member_number", "first_name", "last_name", "national_id", "phone", "email",
                      "membership_type", "status", "valid_to"]
    add_fieldsets = [
        ("Member", {"fields": PERSON}),
        ("Membership", {"fields": MEMBERSHIP}),
        ("Payout", {"fields": PAYOUT, "expanded": False}),
    ]
    edit_fieldsets = add_fieldsets
    show_fieldsets = [
        ("Member", {"fields": ["member_number", *PERSON, "user"]}),
        ("Membership", {"fields": ["membership_type", "status", "contribution_receipt_date",
                                   "valid_from", "valid_to", "benefits_from",
                                   "statutory_insurer_number", "other_medical_scheme"]}),
        ("Payout", {"fields": PAYOUT, "expanded": False}),
        ("Record", {"fields": RECORD_COLUMNS, "expanded": False}),
    ]
    base_order = ("member_number", "desc")
    related_views = [DependentView, ClaimView, ChronicRequestView]
    label_columns = {
        "member_number": "Member number", "user": "Login", "first_name": "First name",
        "middle_name": "Middle name", "last_name": "Last name", "national_id": "National ID",
        "date_of_birth": "Date of birth", "phone": "Phone", "email": "E-mail",
        "membership_type": "Membership type", "membership_type.name": "Membership type",
        "status": "Status", "contribution_receipt_date": "Contribution received on",
        "valid_from": "Valid from", "valid_to": "Valid to", "benefits_from": "Benefits from",
        "statutory_insurer_number": "SHIF number", "other_medical_scheme": "Other medical scheme",
        "payout_method": "Payout method", "bank_name": "Bank", "bank_branch_code": "Branch code",
        "bank_account_number": "Account number", "bank_account_name": "Account name",
        "mobile_money_number": "Mobile-money number", **RECORD_LABELS,
    }
    description_columns = {
        "contribution_receipt_date": "Validity and the start of benefits follow from this date.",
    }
    add_form_extra_fields = {"payout_method": OptionalChoiceField("Payout method", PAYOUT_METHODS)}
    edit_form_extra_fields = add_form_extra_fields
    domain_rule = staticmethod(member_errors)
