"""The committee's workload screens: reviewers' settings (Admin's), a reviewer's own queue by
SLA urgency, and the second appeals that wait for the trustees (Admin's)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import g, redirect, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.filters import FilterEqual, FilterEqualFunction, FilterInFunction
from flask_appbuilder.models.sqla.interface import SQLAInterface

from app import security as perms
from app.access import is_restricted
from app.datamodel import CommitteeMembersOnly, ComputedColumnsInterface
from app.models import Claim, ReviewerSetting
from app.models.reviewer import OPEN_REVIEW
from app.services.labels import status_label
from app.services.reviewers import reviewer_setting_errors
from app.services.sla import AT_RISK, BREACHED
from app.views.base import ClaimdeskModelView
from app.views.common import FundModelView, money
from app.views.fund import RECORD_LABELS
from app.views.review import ClaimListWidget
from app.views.widgets import status_filter

READ_ONLY_ROUTES = {"list", "show"}
# The claims list's review columns, which a member does not see (nor his reviewer's name,
# unless the fund shows names: he sees them on the claim's page then).
SLA_LIST_COLUMNS = ("sla_status", "sla_due_at", "assigned_reviewer.username")


class ReviewListWidget(ClaimListWidget):
    def __init__(self, **kwargs: Any) -> None:
        if is_restricted(g.user):
            kwargs["include_columns"] = [c for c in kwargs.get("include_columns", [])
                                         if c not in SLA_LIST_COLUMNS]
        super().__init__(**kwargs)


class ReviewerSettingView(FundModelView):
    datamodel = ComputedColumnsInterface(ReviewerSetting)
    class_permission_name = perms.REVIEWER_SETTING
    route_base = "/reviewers"
    list_title = "Reviewers"
    list_columns = ["user", "active", "capacity", "open_claims", "min_amount", "max_amount"]
    show_columns = [*list_columns, "created_at", "updated_at"]
    add_columns = ["user", "active", "capacity", "min_amount", "max_amount"]
    edit_columns = add_columns[1:]  # settings stay with their reviewer
    search_columns = ["active", "capacity"]
    order_columns = ["active", "capacity", "min_amount", "max_amount"]
    base_order = ("id", "asc")
    add_form_query_rel_fields = {"user": [["id", CommitteeMembersOnly, None]]}
    label_columns = {
        "user": "Reviewer", "active": "Takes new claims", "capacity": "Capacity",
        "open_claims": "Open claims", "min_amount": "From amount", "max_amount": "Up to amount",
        **RECORD_LABELS,
    }
    description_columns = {
        "capacity": "Open claims he is assigned at most; empty: the fund's setting "
                    "reviewer_capacity.",
        "min_amount": "He is given claims of at least this claimed total; empty: any.",
        "max_amount": "He is given claims of at most this claimed total; empty: any.",
        "active": "An inactive reviewer keeps his claims but is given no new ones.",
    }
    formatters_columns = {"min_amount": money, "max_amount": money}
    domain_rule = staticmethod(reviewer_setting_errors)


class ClaimListView(ClaimdeskModelView):
    """A read-only list of claims whose rows open the claim's own page."""

    datamodel = SQLAInterface(Claim)
    include_route_methods = READ_ONLY_ROUTES
    add_columns = edit_columns = ["claim_number"]  # no form route: FAB builds them anyway
    list_columns = ["claim_number", "member.member_number", "member.last_name", "claim_type",
                    "status", "total_claimed", "sla_status", "sla_due_at"]
    order_columns = ["claim_number", "claim_type", "status", "total_claimed", "sla_status",
                     "sla_due_at"]
    search_columns = ["claim_number", "claim_type", "status", "sla_status", "sla_due_at"]
    search_form_extra_fields = status_filter()
    label_columns = {
        "claim_number": "Claim number", "member.member_number": "Member",
        "member.last_name": "Member's last name", "claim_type": "Type", "status": "Status",
        "total_claimed": "Claimed", "sla_status": "SLA", "sla_due_at": "Decision due",
        "received_on": "Received on", "decided_at": "Decided at", "appeal_count": "Appeals",
        "assigned_reviewer.username": "Reviewer", "total_approved": "Approved",
    }
    formatters_columns = {"total_claimed": money, "total_approved": money,
                          "status": status_label}

    @expose("/show/<pk>")
    @has_access
    def show(self, pk: Any) -> Any:
        # The claim's own page holds its working, steps and files (it checks access again).
        return redirect(url_for("ClaimView.show", pk=pk))


class UrgencyOrder(SQLAInterface):
    """Breached first, then at risk, then by the due date; any column the user sorts by wins."""

    def apply_order_by(self, query: Any, order_column: str, order_direction: str,
                       *args: Any, **kwargs: Any) -> Any:
        if order_column:
            return super().apply_order_by(query, order_column, order_direction, *args, **kwargs)
        rank = sa.case((Claim.sla_status == BREACHED, 0), (Claim.sla_status == AT_RISK, 1),
                       else_=2)
        return query.order_by(rank, Claim.sla_due_at.asc().nulls_last(), Claim.id)


def current_user_id() -> int | None:
    return getattr(g.user, "id", None)


def open_review() -> list[str]:
    return list(OPEN_REVIEW)


class MyQueueView(ClaimListView):
    """The logged-in reviewer's open claims, most urgent first."""

    datamodel = UrgencyOrder(Claim)
    class_permission_name = perms.REVIEW_QUEUE
    route_base = "/my-queue"
    list_title = "My queue"
    base_order = None
    base_filters = [
        *ClaimListView.base_filters,
        ["assigned_reviewer_id", FilterEqualFunction, current_user_id],
        ["status", FilterInFunction, open_review],
    ]


class TrusteeReviewView(ClaimListView):
    """Second appeals: the trustees decide, and Admin records their decision."""

    class_permission_name = perms.TRUSTEE_REVIEW
    route_base = "/trustee-review"
    list_title = "Trustee review"
    list_columns = ["claim_number", "member.member_number", "member.last_name", "claim_type",
                    "received_on", "decided_at", "total_claimed", "total_approved",
                    "appeal_count"]
    order_columns = ["claim_number", "claim_type", "received_on", "decided_at",
                     "total_claimed", "total_approved"]
    search_columns = ["claim_number", "claim_type", "received_on"]
    base_order = ("decided_at", "asc")
    base_filters = [*ClaimListView.base_filters, ["status", FilterEqual, "trustee_review"]]
