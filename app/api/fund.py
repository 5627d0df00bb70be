"""REST resources of the fund's configuration: membership types, benefit categories, the scale,
providers and settings (Admin writes; every role reads, the Member role not settings)."""

from __future__ import annotations

from flask_appbuilder.models.sqla.interface import SQLAInterface
from marshmallow import validate

from app import security as perms
from app.api.base import ClaimdeskModelRestApi
from app.models import BenefitCategory, MembershipType, Provider, ScaleItem, Setting
from app.services.validation import scale_item_errors, setting_errors

TIMESTAMPS = ["created_at", "updated_at"]


class MembershipTypeApi(ClaimdeskModelRestApi):
    resource_name = "membershiptype"
    class_permission_name = perms.MEMBERSHIP_TYPE
    datamodel = SQLAInterface(MembershipType)
    add_columns = ["key", "name", "contribution", "term_years", "follows_fund_cycle", "covers",
                   "child_age_limit", "waiting_period_days", "active"]
    edit_columns = add_columns
    list_columns = ["id", *add_columns]
    show_columns = [*list_columns, *TIMESTAMPS]
    search_columns = ["key", "name", "covers", "active", "term_years"]
    order_columns = ["id", "key", "name", "contribution", "term_years", "active"]
    base_order = ("key", "asc")
    validators_columns = {
        "term_years": validate.Range(min=1, error="A term is at least 1 year (empty: life)."),
        "child_age_limit": validate.Range(min=1, max=120),
        "waiting_period_days": validate.Range(min=0, max=3650),
    }


class BenefitCategoryApi(ClaimdeskModelRestApi):
    resource_name = "benefitcategory"
    class_permission_name = perms.BENEFIT_CATEGORY
    datamodel = SQLAInterface(BenefitCategory)
    add_columns = ["key", "name", "annual_limit", "critical_illness_top_up", "description"]
    edit_columns = add_columns
    list_columns = ["id", *add_columns]
    show_columns = [*list_columns, *TIMESTAMPS]
    search_columns = ["key", "name"]
    order_columns = ["id", "key", "name", "annual_limit"]
    base_order = ("key", "asc")


class ScaleItemApi(ClaimdeskModelRestApi):
    resource_name = "scaleitem"
    class_permission_name = perms.SCALE_ITEM
    datamodel = SQLAInterface(ScaleItem)
    add_columns = ["code", "description", "benefit_category", "claim_types", "unit",
                   "rate_percent", "fee_cap", "max_per_day", "excluded", "role", "bylaw",
                   "effective_from", "effective_to"]
    edit_columns = add_columns
    list_columns = ["id", "code", "description", "benefit_category.id", "benefit_category.key",
                    "claim_types", "unit", "rate_percent", "fee_cap", "max_per_day", "excluded",
                    "role", "effective_from", "effective_to"]
    show_columns = [*list_columns, "bylaw", *TIMESTAMPS]
    search_columns = ["code", "description", "benefit_category", "unit", "excluded", "role",
                      "effective_from", "effective_to"]
    order_columns = ["id", "code", "description", "rate_percent", "fee_cap", "effective_from"]
    base_order = ("code", "asc")
    record_rules = (scale_item_errors,)


class ProviderApi(ClaimdeskModelRestApi):
    resource_name = "provider"
    class_permission_name = perms.PROVIDER
    datamodel = SQLAInterface(Provider)
    add_columns = ["name", "provider_type", "registration_code", "country", "active"]
    edit_columns = add_columns
    list_columns = ["id", *add_columns]
    show_columns = [*list_columns, *TIMESTAMPS]
    search_columns = ["name", "provider_type", "registration_code", "country", "active"]
    order_columns = ["id", "name", "provider_type", "registration_code", "country"]
    base_order = ("name", "asc")
    validators_columns = {
        "country": validate.Regexp(r"^[A-Z]{2}$", error="Use the two-letter country code (KE)."),
    }


class SettingApi(ClaimdeskModelRestApi):
    resource_name = "setting"
    class_permission_name = perms.SETTING
    datamodel = SQLAInterface(Setting)
    add_columns = ["key", "value", "value_type", "description"]
    edit_columns = ["value", "value_type", "description"]
    list_columns = ["id", *add_columns]
    show_columns = [*list_columns, *TIMESTAMPS]
    search_columns = ["key", "value_type"]
    order_columns = ["id", "key"]
    base_order = ("key", "asc")
    record_rules = (setting_errors,)
