"""The one place where every view and API is registered (menus in the order users see them)."""

from __future__ import annotations

from flask import current_app
from flask_appbuilder import AppBuilder


def register_views(appbuilder: AppBuilder) -> None:
    from app.api.attachments import AttachmentApi
    from app.api.audit import AuditEventApi
    from app.api.errors import register_error_handlers
    from app.api.chronic import ChronicRequestApi
    from app.api.claims import ClaimApi, ClaimItemApi
    from app.api.fund import (
        BenefitCategoryApi,
        MembershipTypeApi,
        ProviderApi,
        ScaleItemApi,
        SettingApi,
    )
    from app.api.members import DependentApi, MemberApi
    from app.views.attachments import AttachmentView
    from app.views.audit import AuditEventView
    from app.views.chronic import ChronicMedicineView, ChronicRequestView
    from app.views.claim_actions import ClaimTransitionView
    from app.views.claims import ClaimItemView, ClaimView
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
    from app.views.members import DependentView, MemberView

    # Claims
    appbuilder.add_view(ClaimView, "Claims", icon="fa-file-medical", category="Claims")
    appbuilder.add_view(ClaimItemView, "Claim items", icon="fa-list", category="Claims")
    appbuilder.add_view_no_menu(ClaimTransitionView)  # the claim's transition forms
    appbuilder.add_view(
        ChronicRequestView, "Chronic requests", icon="fa-heartbeat", category="Claims"
    )
    appbuilder.add_view_no_menu(ChronicMedicineView)
    appbuilder.add_view_no_menu(AttachmentView)  # uploads, downloads, removal of files
    # Members
    appbuilder.add_view(MemberView, "Members", icon="fa-users", category="Members")
    appbuilder.add_view(DependentView, "Dependents", icon="fa-child", category="Members")
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
    # Audit
    appbuilder.add_view(AuditEventView, "Audit trail", icon="fa-shield-alt", category="Audit")
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
    ):
        appbuilder.add_api(api)

    current_app.register_blueprint(health_blueprint)
    register_error_handlers(current_app)
