"""Screens for claims and their items: a claims officer keys in a paper claim, then its items
from the claim's page. Numbers, line amounts and totals are derived (app.services.invariants);
status and adjudication fields change only through the lifecycle's transitions."""

from __future__ import annotations

from typing import Any

from flask import g, redirect, url_for
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.widgets import ListWidget
from wtforms.validators import DataRequired

from app import security as perms
from app.access import is_restricted
from app.extensions import db
from app.models import ChronicRequest, Claim, ClaimItem, Dependent, Member, Provider
from app.services.attachments import Owner
from app.services.audit import access_events
from app.services.disclosure import (
    CLAIM_RESULTS,
    ITEM_RESULTS,
    decision_shown,
    items_of_undecided_claims,
)
from app.services.labels import status_label
from app.services.settings import get_setting
from app.services.validation import claim_errors, claim_item_errors
from app.views.attachments import AttachmentsWidget
from app.views.claim_bulk import BULK_PERMISSIONS, ClaimBulkActions
from app.views.claim_working import (
    StatusHistoryWidget,
    TransitionButtonsWidget,
    processing_form_widget,
)
from app.views.common import FundModelView, money
from app.views.fund import RECORD_LABELS
from app.views.notes import NotesWidget
from app.views.review import ClaimsWithChecklist, checklist_widget, percent
from app.views.reviewers import SLA_LIST_COLUMNS, ReviewListWidget
from app.views.widgets import (
    DependentLookupWidget,
    LookupField,
    LookupWidget,
    own_member,
    status_filter,
)

MONEY_COLUMNS = ("unit_cost", "claimed_amount", "eligible_amount", "approved_amount",
                 "statutory_rebate_per_day", "other_insurance_benefit", "hospital_discount",
                 "total_claimed", "total_eligible", "total_approved", "total_paid")


class ClaimItemListWidget(ListWidget):
    """Claim items; a member's rows show no working before his claim is decided."""

    def __init__(self, **kwargs: Any) -> None:
        if is_restricted(g.user):
            undecided = items_of_undecided_claims(db.session, kwargs.get("pks") or [])
            # FAB gives the rows as a generator: keep them to show after blanking.
            kwargs["value_columns"] = list(kwargs.get("value_columns") or [])
            for pk, row in zip(kwargs.get("pks") or [], kwargs["value_columns"], strict=True):
                if pk in undecided:
                    row.update({c: None for c in ITEM_RESULTS if c in row})
        super().__init__(**kwargs)


class BackToTheClaim:
    """After Save a member goes to the claim's page (where he adds items, files and submits),
    not to FAB's last list; the fund's staff keep FAB's way."""

    def claim_page(self, item: Any) -> str:
        raise NotImplementedError

    def _remember(self, item: Any) -> None:
        if is_restricted(g.user):
            g.claimdesk_saved_page = self.claim_page(item)

    def post_add(self, item: Any) -> None:
        super().post_add(item)  # type: ignore[misc]
        self._remember(item)

    def post_update(self, item: Any) -> None:
        super().post_update(item)  # type: ignore[misc]
        self._remember(item)

    def post_add_redirect(self) -> Any:
        page = g.pop("claimdesk_saved_page", None)
        return redirect(page) if page else super().post_add_redirect()  # type: ignore[misc]

    def post_edit_redirect(self) -> Any:
        page = g.pop("claimdesk_saved_page", None)
        return redirect(page) if page else super().post_edit_redirect()  # type: ignore[misc]


class ClaimItemView(BackToTheClaim, FundModelView):
    datamodel = SQLAInterface(ClaimItem)
    list_widget = ClaimItemListWidget
    class_permission_name = perms.CLAIM_ITEM
    route_base = "/claim-items"
    list_title = "Claim items"
    list_columns = ["claim.claim_number", "line_no", "scale_item.code", "description", "quantity",
                    "unit_cost", "claimed_amount", "receipt_number", "eligible_amount",
                    "approved_amount", "reason_codes"]
    order_columns = ["line_no", "description", "quantity", "unit_cost", "claimed_amount",
                     "receipt_number"]
    search_columns = ["description", "receipt_number", "scale_item", "reason_codes"]
    add_columns = ["claim", "scale_item", "description", "quantity", "unit_cost", "receipt_number"]
    edit_columns = add_columns
    show_columns = ["claim", "line_no", "scale_item", "description", "quantity", "unit_cost",
                    "claimed_amount", "receipt_number", "eligible_amount", "approved_amount",
                    "reason_codes", "created_at", "updated_at"]
    base_order = ("line_no", "asc")
    label_columns = {
        "claim": "Claim", "claim.claim_number": "Claim", "line_no": "Line",
        "scale_item": "Scale item", "scale_item.code": "Scale item", "description": "Item",
        "quantity": "Quantity", "unit_cost": "Unit cost", "claimed_amount": "Claimed",
        "receipt_number": "Receipt number", "eligible_amount": "Eligible",
        "approved_amount": "Approved", "reason_codes": "Reasons", **RECORD_LABELS,
    }
    add_form_extra_fields = {
        "claim": LookupField(
            "Claim", Claim, LookupWidget("/lookup/claims/"), validators=[DataRequired()]
        ),
    }
    edit_form_extra_fields = add_form_extra_fields
    domain_rule = staticmethod(claim_item_errors)
    formatters_columns = {c: money for c in MONEY_COLUMNS}

    def claim_page(self, item: Any) -> str:
        return url_for("ClaimView.show", pk=item.claim_id)

    def _get_show_widget(self, pk: Any, item: Any, widgets: Any = None, **kwargs: Any) -> Any:
        if not decision_shown(item.claim.status, g.user):
            kwargs["show_fieldsets"] = [("Item", {"fields": [
                c for c in self.show_columns if c not in ITEM_RESULTS]})]
        return super()._get_show_widget(pk, item, widgets=widgets, **kwargs)


TREATMENT = ["first_visit_date", "admission_date", "discharge_date", "treated_abroad",
             "return_date", "admission_notified_at", "diagnosis", "icd10_code", "chronic_request"]
DEDUCTIONS = ["statutory_rebate_per_day", "other_insurance_benefit", "hospital_discount"]


def yes_no(value: Any) -> str:
    return "Yes" if value else "No"


def member_show_fieldsets(show_reviewer_names: bool,
                          decided: bool = True) -> list[tuple[str, dict[str, Any]]]:
    """What a member sees of his claim: no review internals (priority, SLA, flags, computed
    outcome, version), the amounts the fund pays only once it has decided
    (app.services.disclosure), and the names of the fund's people only when the fund's setting
    ``show_reviewer_names`` says so."""
    names = show_reviewer_names
    totals = ["total_claimed", *(["total_eligible", "total_approved"] if decided else []),
              "total_paid"]
    return [
        ("Claim", {"fields": ["claim_number", "member", "patient_name", "claim_type",
                              "provider", "status", "received_on"]}),
        ("Treatment", {"fields": ["treatment_date", *TREATMENT]}),
        ("Deductions", {"fields": DEDUCTIONS}),
        ("Totals", {"fields": totals}),
        ("Decision", {"fields": [*(["recommended_by", "decided_by"] if names else []),
                                 "decided_at", "decision_reason", "appeal_count"]}),
        ("Information request", {"fields": ["info_request", "info_response"]}),
        ("Submission", {"fields": ["submitted_at", "declaration_accepted_at",
                                   *(["assigned_reviewer"] if names else [])]}),
    ]


class ClaimView(BackToTheClaim, ClaimBulkActions, FundModelView):
    datamodel = ClaimsWithChecklist(Claim)
    list_widget = ReviewListWidget
    class_permission_name = perms.CLAIM
    # A copy: the bulk actions are the "review" permission of this view only.
    method_permission_name = {**FundModelView.method_permission_name, **BULK_PERMISSIONS}
    route_base = "/claims"
    list_title = "Claims"
    show_template = "claims/show.html"
    list_columns = ["claim_number", "received_on", "member.member_number", "member.last_name",
                    "claim_type", "provider.name", "treatment_date", "status", "total_claimed",
                    "total_approved", "awaiting_ratification", "checklist_percent",
                    *SLA_LIST_COLUMNS]
    order_columns = ["claim_number", "received_on", "claim_type", "treatment_date", "status",
                     "total_claimed", "total_approved", "awaiting_ratification",
                     "sla_status", "sla_due_at", "payment_due_at"]
    search_columns = ["claim_number", "claim_type", "status", "received_on", "treatment_date",
                      "priority", "sla_status", "total_claimed", "diagnosis", "icd10_code",
                      "awaiting_ratification", "sla_due_at", "payment_due_at",
                      "assignment_flagged"]
    add_fieldsets = [
        ("Claim", {"fields": ["member", "dependent", "claim_type", "provider", "received_on"]}),
        ("Treatment", {"fields": TREATMENT}),
        ("Deductions", {"fields": DEDUCTIONS, "expanded": False}),
    ]
    edit_fieldsets = add_fieldsets
    show_fieldsets = [
        ("Claim", {"fields": ["claim_number", "member", "patient_name", "claim_type", "provider",
                              "status", "priority", "received_on"]}),
        ("Treatment", {"fields": ["treatment_date", *TREATMENT]}),
        ("Deductions", {"fields": DEDUCTIONS}),
        ("Totals", {"fields": ["total_claimed", "total_eligible", "total_approved",
                               "total_paid"]}),
        ("Adjudication", {"fields": ["days_admitted", "statutory_rebate_total",
                                     "late_admission_notice", "recommended_outcome",
                                     "adjudicated_at"]}),
        ("Decision", {"fields": ["recommended_by", "recommended_at", "decided_by", "decided_at",
                                 "decision_reason", "awaiting_ratification", "ratified_at",
                                 "ratified_meeting", "appeal_count"]}),
        ("Information request", {"fields": ["info_request", "info_response"]}),
        ("Review", {"fields": ["submitted_at", "declaration_accepted_at", "declaration_source",
                               "assigned_reviewer", "sla_due_at", "sla_status", "excluded_cause",
                               "critical_illness", "reason_codes", "assignment_flagged",
                               "sla_breached_at", "payment_due_at", "payment_breached_at"],
                    "expanded": False}),
        ("Record", {"fields": ["version", "created_by", "created_at", "updated_at"],
                    "expanded": False}),
    ]
    base_order = ("id", "desc")  # newest first
    related_views = [ClaimItemView]
    label_columns = {
        "claim_number": "Claim number", "member": "Member", "member.member_number": "Member",
        "member.last_name": "Member's last name", "dependent": "Patient",
        "patient_name": "Patient", "claim_type": "Type", "provider": "Provider",
        "provider.name": "Provider", "first_visit_date": "First visit",
        "admission_date": "Admitted on", "discharge_date": "Discharged on",
        "treatment_date": "Treatment date", "treated_abroad": "Treated abroad",
        "return_date": "Returned on", "admission_notified_at": "Admission notified at",
        "diagnosis": "Diagnosis", "icd10_code": "ICD-10 code",
        "chronic_request": "Chronic request", "excluded_cause": "Excluded cause",
        "statutory_rebate_per_day": "SHIF rebate per day",
        "other_insurance_benefit": "Other insurance benefit",
        "hospital_discount": "Hospital discount", "critical_illness": "Critical illness",
        "received_on": "Received on", "declaration_accepted_at": "Declaration accepted at",
        "declaration_source": "Declaration", "status": "Status", "submitted_at": "Submitted at",
        "priority": "Priority", "assigned_reviewer": "Reviewer", "sla_due_at": "Decision due",
        "sla_status": "SLA", "total_claimed": "Claimed", "total_eligible": "Eligible",
        "total_approved": "Approved", "total_paid": "Paid", "reason_codes": "Reasons",
        "created_by": "Keyed in by", "version": "Version",
        "days_admitted": "Days of admission", "statutory_rebate_total": "SHIF rebate in total",
        "late_admission_notice": "Admission notified late (over 48 hours)",
        "recommended_outcome": "Computed outcome", "adjudicated_at": "Computed at",
        "recommended_by": "Recommended by", "recommended_at": "Recommended at",
        "decided_by": "Decided by", "decided_at": "Decided at",
        "decision_reason": "Reason for the decision",
        "awaiting_ratification": "Awaiting ratification", "appeal_count": "Appeals",
        "ratified_at": "Ratified at", "ratified_meeting": "Ratified at the meeting",
        "info_request": "Information requested", "info_response": "Member's answer",
        "checklist_percent": "Checklist",
        "assigned_reviewer.username": "Reviewer",
        "assignment_flagged": "No reviewer was free", "sla_breached_at": "Decision date missed at",
        "payment_due_at": "Payment due", "payment_breached_at": "Payment date missed at",
        **RECORD_LABELS,
    }
    description_columns = {
        "received_on": "The date the fund received the claim form.",
        "first_visit_date": "Outpatient, chronic, dental and optical claims.",
        "admission_date": "Inpatient claims; a day-care stay is admitted and discharged the "
                          "same day.",
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
        "provider": LookupField(
            "Provider", Provider, LookupWidget("/lookup/providers/"), validators=[DataRequired()]
        ),
        "chronic_request": LookupField(
            "Chronic request", ChronicRequest,
            DependentLookupWidget("member", "/lookup/chronic-requests/", "None"),
            description="Chronic claims: the approved request the claim draws on.",
        ),
    }
    edit_form_extra_fields = add_form_extra_fields
    domain_rule = staticmethod(claim_errors)
    formatters_columns = {
        **{c: money for c in (*MONEY_COLUMNS, "statutory_rebate_total")},
        "awaiting_ratification": yes_no, "late_admission_notice": yes_no,
        "checklist_percent": percent, "assignment_flagged": yes_no,
        "status": status_label,
    }
    search_form_extra_fields = status_filter()

    def pre_add(self, item: Any) -> None:
        super().pre_add(item)
        item.created_by_id = g.user.id

    def claim_page(self, item: Any) -> str:
        return url_for("ClaimView.show", pk=item.id)

    def _get_list_widget(self, filters: Any, actions: Any = None, order_column: str = "",
                         order_direction: str = "", **kwargs: Any) -> Any:
        # Sorting his claims by an amount he does not see yet would tell it.
        if order_column in CLAIM_RESULTS and is_restricted(g.user):
            order_column = order_direction = ""
        return super()._get_list_widget(filters, actions=actions, order_column=order_column,
                                        order_direction=order_direction, **kwargs)

    def _show(self, pk: Any) -> Any:
        widgets = super()._show(pk)  # 404 for a claim outside the user's rows
        access_events.claim_viewed(db.session, int(pk), g.user)  # staff's looks are recorded
        return widgets

    def _get_show_widget(self, pk: Any, item: Any, widgets: Any = None, **kwargs: Any) -> Any:
        if is_restricted(g.user):
            kwargs["show_fieldsets"] = member_show_fieldsets(
                bool(get_setting("show_reviewer_names")), decision_shown(item.status, g.user))
        widgets = super()._get_show_widget(pk, item, widgets=widgets, **kwargs)
        widgets["history"] = StatusHistoryWidget(item)
        widgets["transitions"] = TransitionButtonsWidget(item, g.user)
        widgets["processing_form"] = processing_form_widget(item, g.user)
        widgets["attachments"] = AttachmentsWidget(Owner(claim=item), g.user)
        widgets["checklist"] = checklist_widget(item, g.user)  # None for members
        widgets["notes"] = NotesWidget(item, g.user)
        return widgets
