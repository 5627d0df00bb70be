"""Reconciliation pages (Finance): import a bank or mobile-money statement, the statements
imported with each line and what it matched, and what is left to follow up (lines matching no
payment, paid payments no line matched). Each posts to app.services.payments.reconciliation."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name
from flask_appbuilder.widgets import RenderTemplateWidget
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField

from app import security as perms
from app.extensions import db
from app.models import StatementImport
from app.models.enums import STATEMENT_SOURCES
from app.services.errors import DomainError, ValidationFailed
from app.services.payments import reconciliation
from app.views.common import FundModelView, money
from app.views.refusals import refusal_page


class StatementForm(FlaskForm):
    source = SelectField("Statement of", widget=Select2Widget(),
                         choices=[(s, s.replace("_", " ").capitalize())
                                  for s in STATEMENT_SOURCES])
    file = FileField("Statement (CSV)", validators=[FileRequired("Choose the statement file.")],
                     description="A header row with date, reference, amount (and description).")


class ReconciliationView(BaseView):
    """``/statements/import`` and ``/statements/unmatched``."""

    route_base = "/statements"
    class_permission_name = perms.STATEMENT
    default_view = "unmatched"

    @expose("/import", methods=["GET", "POST"])
    @has_access
    @permission_name(perms.WRITE)
    def import_statement(self) -> Any:
        form = StatementForm()
        if form.validate_on_submit():
            upload = form.file.data
            try:
                result = reconciliation.import_statement(
                    form.source.data, upload.filename,
                    upload.stream.read(reconciliation.MAX_BYTES + 1), g.user)
            except ValidationFailed as error:
                for name, message in error.errors.items():
                    field = form._fields.get(name)
                    if field is not None:
                        field.errors = [*field.errors, message]
                    else:
                        flash(f"{name}: {message}", "danger")
            except DomainError as error:
                return refusal_page(self, error, url_for("StatementImportView.list"))
            else:
                if result.duplicate:
                    flash("This statement was imported before: nothing changed.", "info")
                else:
                    flash(f"{result.new_lines} new line(s), {result.matched} matched to a "
                          f"payment; {result.already_imported} already imported.", "success")
                return redirect(url_for("StatementImportView.show", pk=result.statement.id))
        return self.render_template("payments/statement_import.html",
                                    title="Import a statement", form=form)

    @expose("/unmatched", methods=["GET"])
    @has_access
    @permission_name(perms.READ)
    def unmatched(self) -> Any:
        return self.render_template(
            "payments/unmatched.html", title="Reconciliation: to follow up", money=money,
            lines=reconciliation.unmatched_lines(db.session),
            payments=reconciliation.unreconciled_payments(db.session))


class StatementLinesWidget(RenderTemplateWidget):
    template = "payments/statement_lines.html"

    def __init__(self, statement: StatementImport) -> None:
        super().__init__(statement=statement, money=money)


class StatementImportView(FundModelView):
    datamodel = SQLAInterface(StatementImport)
    class_permission_name = perms.STATEMENT
    route_base = "/statementimports"
    list_title = "Statements"
    show_title = "Statement"
    show_template = "payments/statement_show.html"
    exclude_route_methods = {"add", "edit", "delete"}  # the fund's evidence: kept as imported
    list_columns = ["file_name", "source", "line_count", "matched_count", "imported_by",
                    "created_at"]
    show_columns = ["file_name", "source", "line_count", "matched_count", "imported_by",
                    "created_at", "sha256"]
    search_columns = ["file_name", "source", "created_at"]
    order_columns = ["file_name", "source", "created_at"]
    base_order = ("id", "desc")
    label_columns = {"file_name": "File", "source": "Statement of", "line_count": "Lines",
                     "matched_count": "Matched", "imported_by": "Imported by",
                     "created_at": "Imported at", "sha256": "SHA-256"}

    def _get_show_widget(self, pk: Any, item: Any, widgets: Any = None, **kwargs: Any) -> Any:
        widgets = super()._get_show_widget(pk, item, widgets=widgets, **kwargs)
        widgets["lines"] = StatementLinesWidget(item)
        return widgets
