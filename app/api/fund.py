from flask_appbuilder.models.sqla.interface import SQLAInterface

from app import security as perms
from app.api.base import ClaimdeskModelRestApi
from app.models import BenefitCategory, MembershipType, Provider, ScaleItem, Setting


class MembershipTypeApi(ClaimdeskModelRestApi):
    resource_name = "membershiptype"
    class_permission_name = perms.MEMBERSHIP_TYPE
    datamodel = SQLAInterface(MembershipType)


class BenefitCategoryApi(ClaimdeskModelRestApi):
    resource_name = "benefitcategory"
    class_permission_name = perms.BENEFIT_CATEGORY
    datamodel = SQLAInterface(BenefitCategory)


class ScaleItemApi(ClaimdeskModelRestApi):
    resource_name = "scaleitem"
    class_permission_name = perms.SCALE_ITEM
    datamodel = SQLAInterface(ScaleItem)
    list_columns = ["id", "code", "description", "benefit_category.key", "rate_percent", "fee_cap"]


class ProviderApi(ClaimdeskModelRestApi):
    resource_name = "provider"
    class_permission_name = perms.PROVIDER
    datamodel = SQLAInterface(Provider)
    list_columns = ["id", "name", "provider_type", "registration_code", "country", "active"]
    show_columns = list_columns
    add_columns = ["name", "provider_type", "registration_code", "country", "active"]
    edit_columns = add_columns


class SettingApi(ClaimdeskModelRestApi):
    resource_name = "setting"
    class_permission_name = perms.SETTING
    datamodel = SQLAInterface(Setting)
