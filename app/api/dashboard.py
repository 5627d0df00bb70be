"""``GET /api/v1/dashboard/<chart>``: the numbers behind each chart of the dashboard page, for
those who may read the dashboard (app.security: Admin, Committee, Auditor)."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_appbuilder.api import BaseApi, expose
from flask_appbuilder.security.decorators import permission_name, protect

from app import security as perms
from app.api import dashboard_openapi, openapi
from app.extensions import db
from app.services import dashboard


class DashboardApi(BaseApi):
    resource_name = "dashboard"
    class_permission_name = perms.DASHBOARD
    method_permission_name = {chart: perms.READ for chart in dashboard.CHARTS}
    allow_browser_login = True
    responses = openapi.RESPONSES
    openapi_spec_tag = "Dashboard"

    def operation_helper(self, path: Any = None, operations: Any = None, methods: Any = None,
                         func: Any = None, **kwargs: Any) -> None:
        # Each route's document comes from dashboard_openapi, not from its docstring.
        for method in methods:
            operations[method.lower()] = dashboard_openapi.operation(func.__name__)

    def _chart(self, name: str) -> Response:
        return self.response(200, result=dashboard.chart(db.session, name))

    @expose("/open_claims", methods=["GET"])
    @protect()
    @permission_name("open_claims")
    def open_claims(self) -> Response:
        """Open claims by status."""
        return self._chart("open_claims")

    @expose("/monthly", methods=["GET"])
    @protect()
    @permission_name("monthly")
    def monthly(self) -> Response:
        """Submissions and decisions per month."""
        return self._chart("monthly")

    @expose("/sla", methods=["GET"])
    @protect()
    @permission_name("sla")
    def sla(self) -> Response:
        """SLA of the open claims."""
        return self._chart("sla")

    @expose("/decision_time", methods=["GET"])
    @protect()
    @permission_name("decision_time")
    def decision_time(self) -> Response:
        """Median decision time."""
        return self._chart("decision_time")

    @expose("/categories", methods=["GET"])
    @protect()
    @permission_name("categories")
    def categories(self) -> Response:
        """Approved amounts per benefit category against limits."""
        return self._chart("categories")

    @expose("/top_claimants", methods=["GET"])
    @protect()
    @permission_name("top_claimants")
    def top_claimants(self) -> Response:
        """Top claimants."""
        return self._chart("top_claimants")

    @expose("/reviewers", methods=["GET"])
    @protect()
    @permission_name("reviewers")
    def reviewers(self) -> Response:
        """Reviewers' workload and performance."""
        return self._chart("reviewers")
