"""The committee's dashboard page: each chart drawn by Chart.js (served from app/static) from the
numbers embedded in the page as JSON, each with a table of the same numbers below it."""

from __future__ import annotations

from typing import Any

from flask_appbuilder import BaseView, expose, has_access

from app import security as perms
from app.extensions import db
from app.services import dashboard
from app.views.common import money


class DashboardView(BaseView):
    class_permission_name = perms.DASHBOARD
    method_permission_name = {"index": perms.READ}
    route_base = "/dashboard"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self) -> Any:
        return self.render_template("dashboard/index.html",
                                    charts=dashboard.snapshot(db.session), money=money)
