"""Screens for the fund's configuration: membership types, benefit categories, the scale,
providers and their rates, settings."""

from __future__ import annotations

from flask_appbuilder.models.sqla.interface import SQLAInterface
from wtforms.validators import Length, NumberRange, Optional

from app import security as perms
from app.models import (
    BenefitCategory,
    MembershipType,
    Provider,
    ProviderRateOverride,
    ScaleItem,
    Setting,
)
from app.models.enums import CLAIM_TYPES, SCALE_ROLES
from app.services.validation import rate_override_errors, scale_item_errors, setting_errors
from app.views.common import FundModelView, money
from app.views.widgets import (
    ClaimTypesField,
    LookupField,
    LookupWidget,
    Money,
    OptionalChoiceField,
    Percent,
)

RECORD_COLUMNS = ["created_at", "updated_at"]
RECORD_LABELS = {"created_at": "Created", "updated_at": "Last changed"}


class MembershipTypeView(FundModelView):
    datamodel = SQLAInterface(MembershipType)
    class_permission_name = perms.MEMBERSHIP_TYPE
    route_base = "/membership-types"
    list_title = "Membership types"
    list_columns = ["key", "name", "contribution", "term_years", "covers", "child_age_limit",
                    "waiting_period_days", "active"]
    search_columns = ["key", "name", "covers", "active"]
    add_columns = ["key", "name", "contribution", "term_years", "follows_fund_cycle", "covers",
                   "child_age_limit", "waiting_period_days", "active"]
    edit_columns = add_columns
    show_columns = add_columns + RECORD_COLUMNS
    base_order = ("name", "asc")
    label_columns = {
        "key": "Key", "name": "Name", "contribution": "Contribution",
        "term_years": "Term (years)", "follows_fund_cycle": "Follows the fund's two-year cycle",
        "covers": "Covers", "child_age_limit": "Child age limit",
        "waiting_period_days": "Waiting period (days)", "active": "Open to new members",
        **RECORD_LABELS,
    }
    description_columns = {
        "term_years": "Leave empty for a life membership.",
        "waiting_period_days": "Benefits start this many days after the contribution receipt.",
    }
    validators_columns = {
        "contribution": [Money()],
        "term_years": [Optional(), NumberRange(min=1, message="The term must be at least 1 year.")],
        "child_age_limit": [NumberRange(min=1, message="The age limit must be above 0.")],
        "waiting_period_days": [
            NumberRange(min=0, message="The waiting period cannot be negative.")
        ],
    }
    formatters_columns = {"contribution": money}


class ScaleItemView(FundModelView):
    datamodel = SQLAInterface(ScaleItem)
    class_permission_name = perms.SCALE_ITEM
    route_base = "/scale"
    list_title = "Reimbursement scale"
    list_columns = ["code", "description", "benefit_category.name", "claim_types", "unit",
                    "rate_percent", "fee_cap", "max_per_day", "excluded", "effective_from",
                    "effective_to"]
    order_columns = ["code", "description", "unit", "rate_percent", "fee_cap", "effective_from",
                     "effective_to"]
    search_columns = ["code", "description", "benefit_category", "claim_types", "unit", "excluded",
                      "role", "effective_from", "effective_to"]
    add_columns = ["code", "description", "benefit_category", "claim_types", "unit", "rate_percent",
                   "fee_cap", "max_per_day", "excluded", "role", "bylaw", "effective_from",
                   "effective_to"]
    edit_columns = add_columns
    show_columns = add_columns + RECORD_COLUMNS
    base_order = ("code", "asc")
    label_columns = {
        "code": "Code", "description": "Description", "benefit_category": "Benefit category",
        "benefit_category.name": "Benefit category", "claim_types": "Claim types", "unit": "Unit",
        "rate_percent": "Fund rate (%)", "fee_cap": "Maximum fee per unit",
        "max_per_day": "Maximum units per day", "excluded": "Excluded",
        "role": "Role (anaesthetist rule)", "bylaw": "By-law", "effective_from": "Effective from",
        "effective_to": "Effective to", **RECORD_LABELS,
    }
    description_columns = {
        "fee_cap": "Leave empty when the fund pays its rate with no cap.",
        "max_per_day": "Per day of admission; leave empty for no limit.",
    }
    add_form_extra_fields = {
        "claim_types": ClaimTypesField(),
        "role": OptionalChoiceField("Role (anaesthetist rule)", SCALE_ROLES),
    }
    edit_form_extra_fields = add_form_extra_fields
    domain_rule = staticmethod(scale_item_errors)
    formatters_columns = {"fee_cap": money}


class BenefitCategoryView(FundModelView):
    datamodel = SQLAInterface(BenefitCategory)
    class_permission_name = perms.BENEFIT_CATEGORY
    route_base = "/benefit-categories"
    list_title = "Benefit categories"
    list_columns = ["key", "name", "annual_limit", "critical_illness_top_up"]
    search_columns = ["key", "name"]
    add_columns = ["key", "name", "annual_limit", "critical_illness_top_up", "description"]
    edit_columns = add_columns
    show_columns = add_columns + RECORD_COLUMNS
    base_order = ("name", "asc")
    related_views = [ScaleItemView]
    label_columns = {
        "key": "Key", "name": "Name", "annual_limit": "Annual limit per person",
        "critical_illness_top_up": "Critical-illness top-up", "description": "Description",
        **RECORD_LABELS,
    }
    description_columns = {"annual_limit": "Leave empty for no annual limit."}
    validators_columns = {"annual_limit": [Money()], "critical_illness_top_up": [Money()]}
    formatters_columns = {"annual_limit": money, "critical_illness_top_up": money}


class ProviderRateOverrideView(FundModelView):
    datamodel = SQLAInterface(ProviderRateOverride)
    class_permission_name = perms.PROVIDER
    route_base = "/provider-rates"
    list_title = "Provider rates"
    list_columns = ["provider.name", "claim_type", "scale_item.code", "rate_percent"]
    order_columns = ["claim_type", "rate_percent"]
    search_columns = ["claim_type", "rate_percent"]
    add_columns = ["provider", "claim_type", "scale_item", "rate_percent"]
    edit_columns = add_columns
    show_columns = add_columns + RECORD_COLUMNS
    label_columns = {
        "provider": "Provider", "provider.name": "Provider", "claim_type": "Claim type",
        "scale_item": "Scale item", "scale_item.code": "Scale item", "rate_percent": "Rate (%)",
        **RECORD_LABELS,
    }
    description_columns = {
        "claim_type": "Either a claim type or a scale item: an item's rate wins over a type's.",
    }
    add_form_extra_fields = {
        "provider": LookupField("Provider", Provider, LookupWidget("/lookup/providers/")),
        "claim_type": OptionalChoiceField("Claim type", CLAIM_TYPES),
    }
    edit_form_extra_fields = add_form_extra_fields
    validators_columns = {"rate_percent": [Percent()]}
    domain_rule = staticmethod(rate_override_errors)


class ProviderView(FundModelView):
    datamodel = SQLAInterface(Provider)
    class_permission_name = perms.PROVIDER
    route_base = "/providers"
    list_title = "Providers"
    list_columns = ["name", "provider_type", "registration_code", "country", "active"]
    search_columns = ["name", "provider_type", "registration_code", "country", "active"]
    add_columns = ["name", "provider_type", "registration_code", "country", "active"]
    edit_columns = add_columns
    show_columns = add_columns + RECORD_COLUMNS
    base_order = ("name", "asc")
    related_views = [ProviderRateOverrideView]
    label_columns = {
        "name": "Name", "provider_type": "Type", "registration_code": "Registration code",
        "country": "Country", "active": "Active", **RECORD_LABELS,
    }
    description_columns = {"country": "Two-letter country code, e.g. KE."}
    validators_columns = {"country": [Length(min=2, max=2, message="Use the two-letter code.")]}


class SettingView(FundModelView):
    datamodel = SQLAInterface(Setting)
    class_permission_name = perms.SETTING
    route_base = "/settings"
    list_title = "Settings"
    list_columns = ["key", "value", "value_type", "description"]
    search_columns = ["key", "value", "value_type"]
    add_columns = ["key", "value", "value_type", "description"]
    edit_columns = add_columns
    show_columns = add_columns + RECORD_COLUMNS
    base_order = ("key", "asc")
    label_columns = {"key": "Name", "value": "Value", "value_type": "Kind of value",
                     "description": "Description", **RECORD_LABELS}
    domain_rule = staticmethod(setting_errors)
