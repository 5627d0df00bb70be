"""Screens for the fund's configuration."""

from flask_appbuilder.models.sqla.interface import SQLAInterface

from app import security as perms
from app.models import BenefitCategory, MembershipType, Provider, ScaleItem, Setting
from app.views.base import ClaimdeskModelView


class MembershipTypeView(ClaimdeskModelView):
    datamodel = SQLAInterface(MembershipType)
    class_permission_name = perms.MEMBERSHIP_TYPE
    list_columns = ["key", "name", "contribution", "term_years", "covers", "active"]


class BenefitCategoryView(ClaimdeskModelView):
    datamodel = SQLAInterface(BenefitCategory)
    class_permission_name = perms.BENEFIT_CATEGORY
    list_columns = ["key", "name", "annual_limit", "critical_illness_top_up"]


class ScaleItemView(ClaimdeskModelView):
    datamodel = SQLAInterface(ScaleItem)
    class_permission_name = perms.SCALE_ITEM
    list_columns = ["code", "description", "benefit_category.name", "unit", "rate_percent", "fee_cap"]


class ProviderView(ClaimdeskModelView):
    datamodel = SQLAInterface(Provider)
    class_permission_name = perms.PROVIDER
    list_columns = ["name", "provider_type", "registration_code", "country", "active"]


class SettingView(ClaimdeskModelView):
    datamodel = SQLAInterface(Setting)
    class_permission_name = perms.SETTING
    list_columns = ["key", "value", "value_type", "description"]
