"""The Reports menu (Committee, Finance, Auditor, Admin): each report's page with its filter
form, its table and totals, and download buttons; and the claims list export. Downloads go
through app.services.reports.exports, which audits each one."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access

from app import security as perms
from app.downloads import send
from app.extensions import db
from app.models.enums import CLAIM_STATUSES, CLAIM_TYPES
from app.services import reports
from app.services.errors import DomainError, NotFound, ValidationFailed
from app.services.reports.exports import export_claims, export_report
from app.services.reports.render import FORMATS, ROW_FORMATS
from app.services.reports.render.cells import display

FILTER_KEYS = ("date_from", "date_to", "claim_type", "status", "provider_id")
FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel", "json": "JSON", "pdf": "PDF",
                "jsonl": "JSON Lines"}


def _filter_args() -> dict[str, str]:
    return {key: request.args[key] for key in FILTER_KEYS if request.args.get(key)}


class ReportsView(BaseView):
    route_base = "/reports"
    class_permission_name = perms.REPORT
    method_permission_name = {"index": perms.READ, "show": perms.READ,
                              "download": perms.READ, "claims_export": perms.READ}
    default_view = "index"

    def _form_context(self, errors: dict[str, str]) -> dict[str, Any]:
        return {"args": _filter_args(), "errors": errors, "claim_types": CLAIM_TYPES,
                "statuses": CLAIM_STATUSES, "format_names": FORMAT_NAMES}

    @expose("/")
    @has_access
    def index(self) -> Any:
        return self.render_template("reports/index.html", titles=reports.TITLES,
                                    row_formats=ROW_FORMATS, **self._form_context({}))

    @expose("/<report>/")
    @has_access
    def show(self, report: str) -> Any:
        if report not in reports.REPORTS:
            abort(404)
        errors: dict[str, str] = {}
        result = None
        try:
            result = reports.run(db.session, report, _filter_args())
        except ValidationFailed as failed:
            errors = failed.errors
        return self.render_template(
            "reports/show.html", name=report, title=reports.TITLES[report], report=result,
            formats=FORMATS, display=display, **self._form_context(errors),
        ), (422 if errors else 200)

    @expose("/<report>/download")
    @has_access
    def download(self, report: str) -> Any:
        try:
            return send(export_report(db.session, report, request.args.get("format"),
                                      _filter_args(), g.user))
        except NotFound:
            abort(404)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
            return redirect(url_for("ReportsView.show", report=report, **_filter_args()))

    @expose("/claims/export")
    @has_access
    def claims_export(self) -> Any:
        try:
            return send(export_claims(db.session, request.args.get("format"), _filter_args(),
                                      g.user))
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
            return redirect(url_for("ReportsView.index", **_filter_args()))
