"""/lookup/<kind>?q=...: the search behind the pick lists, at most 20 matches as Select2 wants.

One small view per resource so that each answers only to that resource's ``can_read``.
"""

from __future__ import annotations

from flask import jsonify, request
from flask_appbuilder import BaseView, expose, has_access

from app import security as perms
from app.services.lookup import lookup


class _LookupView(BaseView):
    kind = ""
    default_view = "search"
    method_permission_name = {"search": perms.READ}

    @expose("/")
    @has_access
    def search(self):
        member_id = request.args.get("member", type=int)
        return jsonify(results=lookup(self.kind, request.args.get("q", ""), member_id))


class MemberLookupView(_LookupView):
    route_base = "/lookup/members"
    class_permission_name = perms.MEMBER
    kind = "members"


class DependentLookupView(_LookupView):
    route_base = "/lookup/dependents"
    class_permission_name = perms.DEPENDENT
    kind = "dependents"


class ClaimLookupView(_LookupView):
    route_base = "/lookup/claims"
    class_permission_name = perms.CLAIM
    kind = "claims"


class ProviderLookupView(_LookupView):
    route_base = "/lookup/providers"
    class_permission_name = perms.PROVIDER
    kind = "providers"


class ChronicRequestLookupView(_LookupView):
    route_base = "/lookup/chronic-requests"
    class_permission_name = perms.CHRONIC_REQUEST
    kind = "chronic-requests"


LOOKUP_VIEWS = (
    MemberLookupView,
    DependentLookupView,
    ClaimLookupView,
    ProviderLookupView,
    ChronicRequestLookupView,
)
