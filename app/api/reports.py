"""``/api/v1/report/``: the fund's reports and the claims list export, for the roles that run
reports (app.security: Committee, Finance, Auditor, Admin). Every answer that carries data is
audited by app.services.reports.exports, as the web downloads are."""

from __future__ import annotations

from typing import Any

from flask import Response, g, request
from flask_appbuilder.api import BaseApi, expose
from flask_appbuilder.security.decorators import permission_name, protect

from app import security as perms
from app.api import openapi, reports_openapi
from app.api.writes import answers_bad_input
from app.downloads import send
from app.extensions import db
from app.services import reports
from app.services.reports.exports import export_claims, export_report
from app.services.reports.render import FORMATS

FILTER_KEYS = ("date_from", "date_to", "claim_type", "status", "provider_id")
OPERATIONS = {"index": reports_openapi.list_operation, "report": reports_openapi.report_operation,
              "claims_export": reports_openapi.claims_export_operation}


def _filter_args() -> dict[str, str]:
    return {key: request.args[key] for key in FILTER_KEYS if request.args.get(key)}


class ReportApi(BaseApi):
    resource_name = "report"
    class_permission_name = perms.REPORT
    method_permission_name = {"index": perms.READ, "report": perms.READ,
                              "claims_export": perms.READ}
    allow_browser_login = True
    responses = openapi.RESPONSES
    openapi_spec_tag = "Reports"

    def operation_helper(self, path: Any = None, operations: Any = None, methods: Any = None,
                         func: Any = None, **kwargs: Any) -> None:
        for method in methods:
            operations[method.lower()] = OPERATIONS[func.__name__]()

    @expose("/", methods=["GET"])
    @protect()
    @permission_name("index")
    def index(self) -> Response:
        """The reports there are."""
        return self.response(200, result=[
            {"name": name, "title": title, "formats": list(FORMATS)}
            for name, title in reports.TITLES.items()])

    @expose("/claims/export", methods=["GET"])
    @protect()
    @answers_bad_input
    @permission_name("claims_export")
    def claims_export(self) -> Response:
        """The claims list, streamed."""
        return send(export_claims(db.session, request.args.get("format", "csv"),
                                  _filter_args(), g.user))

    @expose("/<report>", methods=["GET"])
    @protect()
    @answers_bad_input
    @permission_name("report")
    def report(self, report: str) -> Response:
        """One report as a file."""
        return send(export_report(db.session, report, request.args.get("format", "json"),
                                  _filter_args(), g.user))
