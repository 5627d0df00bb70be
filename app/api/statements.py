"""REST resource of imported bank and mobile-money statements (reconciliation, issue 7): read
them, import one (``POST /statementimport/import``, multipart) and list what is left to follow
up (``GET /statementimport/unmatched``: lines matching no payment, paid payments no line
matched). Statements are never edited or deleted: they are the fund's evidence."""

from __future__ import annotations

from typing import Any

from flask import Response, g, request
from flask_appbuilder.api import expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name, protect
from marshmallow import Schema, fields

from app import security as perms
from app.api.base import ClaimdeskModelRestApi
from app.api.fields import UtcDateTime
from app.api.openapi import error_responses, json_response, schema_ref
from app.api.working import amount
from app.api.writes import BadBody, answers_bad_input
from app.extensions import db
from app.models import StatementImport
from app.models.enums import STATEMENT_SOURCES
from app.services.payments import reconciliation


class UnmatchedLineSchema(Schema):
    id = fields.Integer(required=True)
    statement_id = fields.Integer(required=True)
    value_date = fields.Date(required=True)
    reference = fields.String(required=True)
    amount = amount()
    description = fields.String(required=True, allow_none=True)
    reason = fields.String(required=True, attribute="unmatched_reason", allow_none=True)


class UnreconciledPaymentSchema(Schema):
    id = fields.Integer(required=True)
    reference = fields.String(required=True)
    batch_number = fields.Function(lambda p: p.batch.batch_number, required=True,
                                   metadata={"type": "string"})
    claim_number = fields.Function(lambda p: p.claim.claim_number, required=True,
                                   metadata={"type": "string"})
    amount = amount()
    paid_on = fields.Date(required=True, allow_none=True)


class UnmatchedSchema(Schema):
    __component_name__ = "StatementUnmatched"

    lines = fields.List(fields.Nested(UnmatchedLineSchema), required=True)
    payments = fields.List(fields.Nested(UnreconciledPaymentSchema), required=True)


class ImportResultSchema(Schema):
    __component_name__ = "StatementImportResult"

    id = fields.Integer(required=True)
    duplicate = fields.Boolean(required=True, metadata={
        "description": "The same file was imported before: nothing changed."})
    new_lines = fields.Integer(required=True)
    matched = fields.Integer(required=True)
    already_imported = fields.Integer(required=True, metadata={
        "description": "Lines an earlier statement had already brought."})
    imported_at = UtcDateTime(required=True)


def _import_operation(api: Any) -> dict[str, Any]:
    return {
        "summary": "Import a bank or mobile-money statement and reconcile the payments",
        "description": "multipart/form-data: source (bank or mobile_money) and the CSV in the "
        "field 'file' (a header row with date, reference, amount, optional description). "
        "Each new line is matched to the paid payment with its reference and amount, which is "
        "then reconciled. The same file again changes nothing (duplicate: true, 200); lines "
        "an overlapping statement already brought are not imported twice. 422 names each line "
        "that cannot be read (nothing is imported). One audit event statement.import.",
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["source", "file"],
            "properties": {"source": {"type": "string", "enum": list(STATEMENT_SOURCES)},
                           "file": {"type": "string", "format": "binary"}}}}}},
        "responses": {
            "201": json_response("Imported", schema_ref(ImportResultSchema.__component_name__)),
            "200": json_response("Imported before: nothing changed",
                                 schema_ref(ImportResultSchema.__component_name__)),
            **error_responses("400", "413", "422"),
        },
    }


def _unmatched_operation(api: Any) -> dict[str, Any]:
    return {
        "summary": "What reconciliation leaves to follow up",
        "description": "Statement lines that matched no payment (with why), and paid payments "
        "that no statement line has matched yet.",
        "responses": {"200": json_response("To follow up",
                                           schema_ref(UnmatchedSchema.__component_name__)),
                      **error_responses()},
    }


class StatementImportApi(ClaimdeskModelRestApi):
    resource_name = "statementimport"
    class_permission_name = perms.STATEMENT
    datamodel = SQLAInterface(StatementImport)
    exclude_route_methods = {"post", "put", "delete"}
    list_columns = ["id", "source", "file_name", "sha256", "line_count", "matched_count",
                    "imported_by.username", "created_at"]
    show_columns = list_columns
    search_columns = ["source", "file_name", "created_at"]
    order_columns = ["id", "source", "file_name", "created_at"]
    base_order = ("id", "desc")
    method_permission_name = {
        **ClaimdeskModelRestApi.method_permission_name,
        "import_statement": perms.WRITE,
        "unmatched": perms.READ,
    }
    openapi_spec_component_schemas = (ImportResultSchema, UnmatchedSchema)
    route_operations = {"import_statement": _import_operation, "unmatched": _unmatched_operation}

    @expose("/import", methods=["POST"])
    @protect()
    @answers_bad_input
    @permission_name(perms.WRITE)
    def import_statement(self) -> Response:
        """Import a statement (OpenAPI text above)."""
        upload = request.files.get("file") if request.mimetype == "multipart/form-data" else None
        if upload is None or not upload.filename:
            raise BadBody({"file": ["Send the statement as multipart/form-data in the field "
                                    "'file', with its source."]})
        source = request.form.get("source", "")
        result = reconciliation.import_statement(source, upload.filename,
                                                 upload.stream.read(reconciliation.MAX_BYTES + 1),
                                                 g.user)
        return self.response(200 if result.duplicate else 201, **ImportResultSchema().dump({
            "id": result.statement.id, "duplicate": result.duplicate,
            "new_lines": result.new_lines, "matched": result.matched,
            "already_imported": result.already_imported,
            "imported_at": result.statement.created_at}))

    @expose("/unmatched", methods=["GET"])
    @protect()
    @answers_bad_input
    @permission_name(perms.READ)
    def unmatched(self) -> Response:
        """Lines and payments to follow up."""
        return self.response(200, **UnmatchedSchema().dump({
            "lines": reconciliation.unmatched_lines(db.session),
            "payments": reconciliation.unreconciled_payments(db.session)}))
