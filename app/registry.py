"""The one place where every view and API is registered (menus in the order users see them)."""

from __future__ import annotations

from flask import current_app
from flask_appbuilder import AppBuilder


def register_views(appbuilder: AppBuilder) -> None:
    from app.api.attachments import AttachmentApi
    from app.api.audit import AuditEventApi
    from app.api.balance import MemberBalanceApi
    from app.api.chronic import ChronicRequestApi
    from app.api.claims import ClaimApi, ClaimItemApi
    from app.api.dashboard import DashboardApi
    from app.api.errors import register_error_handlers
    from app.api.fund import (
        BenefitCategoryApi,
        MembershipTypeApi,
        ProviderApi,
        ScaleItemApi,
        SettingApi,
    )
    from app.api.meetings import CommitteeMeetingApi
    from app.api.members import DependentApi, MemberApi
    from app.api.notes import ClaimNoteApi
    from app.api.payments import PaymentApi, PaymentBatchApi
    from app.api.privacy import MemberPrivacyApi
    from app.api.reports import ReportApi
    from app.api.review import ChecklistAnswerApi, ChecklistItemApi, ReviewTemplateApi
    from app.api.reviewers import NotificationApi, ReviewerSettingApi
    from app.api.statements import StatementImportApi
    from app.services.reports import TITLES
    from app.views.attachments import AttachmentView
    from app.views.audit import AuditEventView
    from app.views.chronic import ChronicMedicineView, ChronicRequestView
    from app.views.chronic_actions import ChronicTransitionView
    from app.views.claim_actions import ClaimTransitionView
    from app.views.claims import ClaimItemView, ClaimView
    from app.views.dashboard import DashboardView
    from app.views.dependent_actions import DependentTransitionView
    from app.views.fund import (
        BenefitCategoryView,
        MembershipTypeView,
        ProviderRateOverrideView,
        ProviderView,
        ScaleItemView,
        SettingView,
    )
    from app.views.health import health_blueprint
    from app.views.lookup import LOOKUP_VIEWS
    from app.views.meeting_sitting import MeetingSittingView
    from app.views.meetings import CommitteeMeetingView, MeetingTransitionView
    from app.views.member_accounts import MemberView
    from app.views.member_home import MemberHomeView
    from app.views.members import DependentView
    from app.views.notes import ClaimNoteView, FollowUpView
    from app.views.notifications import NotificationView
    from app.views.payments import (
        BuildBatchView,
        ChequeNumbersView,
        PaymentAdviceView,
        PaymentBatchStepsView,
        PaymentBatchView,
        PaymentFilesView,
        PaymentView,
    )
    from app.views.privacy import PrivacyView
    from app.views.reports import ReportsView
    from app.views.review import ChecklistAnswerView, ChecklistItemView, ReviewTemplateView
    from app.views.reviewers import MyQueueView, ReviewerSettingView, TrusteeReviewView
    from app.views.statement import ClaimStatementView
    from app.views.statements import ReconciliationView, StatementImportView

    # The committee's dashboard (Admin, Committee, Auditor), first in their menu
    appbuilder.add_view(DashboardView, "Dashboard", icon="fa-chart-pie")
    # Claims
    appbuilder.add_view(ClaimView, "Claims", icon="fa-file-medical", category="Claims")
    appbuilder.add_view(ClaimItemView, "Claim items", icon="fa-list", category="Claims")
    # The reviewer's own open claims by SLA urgency; second appeals for the trustees (Admin)
    appbuilder.add_view(MyQueueView, "My queue", icon="fa-inbox", category="Claims")
    appbuilder.add_view(TrusteeReviewView, "Trustee review", icon="fa-balance-scale",
                        category="Claims")
    # Unread first: the menu opens the list filtered on unread (the filter can be removed)
    appbuilder.add_view(NotificationView, "Notifications", icon="fa-bell", category="Claims",
                        href="/notifications/list/?_flt_0_unread=y")
    appbuilder.add_view_no_menu(ClaimTransitionView)  # the claim's transition forms
    appbuilder.add_view_no_menu(ClaimStatementView)  # the claim's statement as PDF
    appbuilder.add_view(
        ChronicRequestView, "Chronic requests", icon="fa-heartbeat", category="Claims"
    )
    appbuilder.add_view_no_menu(ChronicMedicineView)
    appbuilder.add_view_no_menu(ChronicTransitionView)  # decisions on chronic requests
    appbuilder.add_view_no_menu(AttachmentView)  # uploads, downloads, removal of files
    # The review's working papers: notes, the reviewer's own follow-ups, checklist answers
    appbuilder.add_view(ClaimNoteView, "Notes on claims", icon="fa-sticky-note",
                        category="Claims")
    appbuilder.add_view(FollowUpView, "My follow-ups due", icon="fa-bell", category="Claims")
    appbuilder.add_view_no_menu(ChecklistAnswerView)  # the checklist form of the claim's page
    # The committee's meetings: attendance, the agenda of decisions to ratify, the minutes
    appbuilder.add_view(CommitteeMeetingView, "Committee meetings", icon="fa-gavel",
                        category="Claims")
    appbuilder.add_view_no_menu(MeetingTransitionView)  # open, close
    appbuilder.add_view_no_menu(MeetingSittingView)  # attendance, agenda, minutes
    # Payments: a member sees his own (Claims -> Payments); Finance builds and pays batches
    appbuilder.add_view(PaymentView, "Payments", icon="fa-money-bill", category="Claims")
    appbuilder.add_view(PaymentBatchView, "Payment batches", icon="fa-layer-group",
                        category="Finance")
    appbuilder.add_view(BuildBatchView, "Build a batch", icon="fa-plus", category="Finance")
    appbuilder.add_view_no_menu(PaymentBatchStepsView)  # approve, release, paid, cancel
    appbuilder.add_view_no_menu(PaymentFilesView)  # payout files
    appbuilder.add_view_no_menu(ChequeNumbersView)  # a cheque batch's cheque numbers
    appbuilder.add_view_no_menu(PaymentAdviceView)  # a member's payment advice (PDF)
    # Reconciliation: statements imported, and what is left to follow up
    appbuilder.add_view(StatementImportView, "Statements", icon="fa-file-invoice",
                        category="Finance")
    appbuilder.add_view(ReconciliationView, "Reconciliation", icon="fa-check-double",
                        category="Finance")
    # Members
    # Its name differs from its category's: a member's menu shows the category, not the list.
    appbuilder.add_view(MemberView, "Member records", icon="fa-users", category="Members")
    appbuilder.add_view(DependentView, "Dependents", icon="fa-child", category="Members")
    appbuilder.add_view_no_menu(DependentTransitionView)  # confirm, remove, ask for removal
    # Fund configuration
    appbuilder.add_view(
        MembershipTypeView, "Membership types", icon="fa-id-card", category="Fund"
    )
    appbuilder.add_view(
        BenefitCategoryView, "Benefit categories", icon="fa-th-large", category="Fund"
    )
    appbuilder.add_view(ScaleItemView, "Scale", icon="fa-table", category="Fund")
    appbuilder.add_view(ProviderView, "Providers", icon="fa-hospital", category="Fund")
    appbuilder.add_view_no_menu(ProviderRateOverrideView)
    appbuilder.add_view(SettingView, "Settings", icon="fa-cog", category="Fund")
    appbuilder.add_view(ReviewerSettingView, "Reviewers", icon="fa-user-check", category="Fund")
    appbuilder.add_view(ChecklistItemView, "Review checklists", icon="fa-tasks",
                        category="Fund")
    appbuilder.add_view(ReviewTemplateView, "Review templates", icon="fa-paste",
                        category="Fund")
    # Reports (Committee, Finance, Auditor, Admin): the list with the claims export, then each
    appbuilder.add_view(ReportsView, "All reports and exports", icon="fa-file-alt",
                        category="Reports", category_icon="fa-chart-bar")
    for name, title in TITLES.items():
        appbuilder.add_view(ReportsView, title, icon="fa-table", category="Reports",
                            href=f"/reports/{name}/")
    # Audit
    appbuilder.add_view(AuditEventView, "Audit trail", icon="fa-shield-alt", category="Audit")
    # The member's own: his home page with his balance, his profile and password
    appbuilder.add_view(MemberHomeView, "Home", icon="fa-home", category="My account")
    appbuilder.add_link("Profile", href="/users/userinfo/", icon="fa-user",
                        category="My account")
    appbuilder.add_link("Change password", href="/resetmypassword/form", icon="fa-key",
                        category="My account")
    # A copy of his personal data (Data Protection Act); Admin exports and anonymises members
    # from their pages (the same view)
    appbuilder.add_view(PrivacyView, "My data", icon="fa-user-shield", category="My account")
    # The search behind the forms' pick lists (/lookup/<kind>)
    for lookup_view in LOOKUP_VIEWS:
        appbuilder.add_view_no_menu(lookup_view)

    for api in (
        ClaimApi,
        ClaimItemApi,
        ChronicRequestApi,
        MemberApi,
        DependentApi,
        MembershipTypeApi,
        BenefitCategoryApi,
        ScaleItemApi,
        ProviderApi,
        SettingApi,
        AuditEventApi,
        AttachmentApi,
        MemberBalanceApi,
        ClaimNoteApi,
        ChecklistItemApi,
        ChecklistAnswerApi,
        ReviewTemplateApi,
        CommitteeMeetingApi,
        DashboardApi,
        ReviewerSettingApi,
        NotificationApi,
        ReportApi,
        MemberPrivacyApi,
        PaymentBatchApi,
        PaymentApi,
        StatementImportApi,
    ):
        appbuilder.add_api(api)

    current_app.register_blueprint(health_blueprint)
    register_error_handlers(current_app)
