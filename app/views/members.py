"""Screens for members and dependents."""

from flask_appbuilder.models.sqla.interface import SQLAInterface

from app import security as perms
from app.models import Dependent, Member
from app.views.base import ClaimdeskModelView


class DependentView(ClaimdeskModelView):
    datamodel = SQLAInterface(Dependent)
    class_permission_name = perms.DEPENDENT
    list_columns = ["member.member_number", "first_name", "last_name", "relationship_type", "status"]


class MemberView(ClaimdeskModelView):
    datamodel = SQLAInterface(Member)
    class_permission_name = perms.MEMBER
    list_columns = ["member_number", "first_name", "last_name", "membership_type.name", "status"]
