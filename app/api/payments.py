"""REST resources of payments (SPEC: Finance rw t; Admin, Committee and Auditor read; a member
reads his own payments). Batches are read through the usual routes and changed only through
their own: ``build``, the steps (``/<id>/transition``: approve, release, mark_paid, cancel), the
cheque numbers and the payout file."""

from __future__ import annotations

from flask import Response, g
from flask_appbuilder.api import expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name, protect
from marshmallow import ValidationError

from app import security as perms
from app.api import payment_schemas as schemas
from app.api.base import ClaimdeskModelRestApi
from app.api.writes import BadBody, answers_bad_input, json_body, parse_pk
from app.extensions import db
from app.models import Payment, PaymentBatch
from app.services.payments import batches
from app.services.payments.eligibility import BatchFilters
from app.services.payments.files import payout_file
from app.services.payments.receipts import payment_advice

READ_ONLY = {"post", "put", "delete"}


class PaymentBatchApi(ClaimdeskModelRestApi):
    resource_name = "paymentbatch"
    class_permission_name = perms.PAYMENT_BATCH
    datamodel = SQLAInterface(PaymentBatch)
    exclude_route_methods = READ_ONLY
    list_columns = ["id", "batch_number", "method", "status", "payment_count", "total_amount",
                    "created_by.username", "approved_by.username", "approved_at",
                    "released_at", "paid_on", "bank_reference", "cancelled_at", "version",
                    "created_at"]
    show_columns = [*list_columns, "criteria", "cancel_reason", "released_by.username",
                    "paid_by.username", "cancelled_by.username", "updated_at"]
    search_columns = ["batch_number", "method", "status", "paid_on"]
    order_columns = ["id", "batch_number", "method", "status", "total_amount", "paid_on",
                     "created_at"]
    base_order = ("id", "desc")

    method_permission_name = {
        **ClaimdeskModelRestApi.method_permission_name,
        "build": perms.WRITE,
        "transition": perms.TRANSITION,
        "cheques": perms.TRANSITION,
        "payout_file": perms.TRANSITION,
    }
    openapi_spec_component_schemas = schemas.COMPONENT_SCHEMAS
    route_operations = schemas.OPERATIONS

    @expose("/build", methods=["POST"])
    @protect()
    @answers_bad_input
    @permission_name(perms.WRITE)
    def build(self) -> Response:
        """Build a batch (OpenAPI text: app.api.payment_schemas)."""
        try:
            values = schemas.BuildRequestSchema().load(json_body())
        except ValidationError as error:
            raise BadBody(error.messages) from None
        filters = BatchFilters.checked(**values)
        try:
            batch, excluded = batches.build_batch(filters, g.user)
        except batches.NothingToPay as refused:
            return self.response(409, message=refused.message, excluded=schemas.ExclusionSchema(
                many=True).dump(refused.excluded))
        return self.response(201, id=batch.id, result=self.show_model_schema.dump(batch),
                             excluded=schemas.ExclusionSchema(many=True).dump(excluded))

    @expose("/<pk>/transition", methods=["POST"])
    @protect()
    @answers_bad_input
    @permission_name(perms.TRANSITION)
    def transition(self, pk: str) -> Response:
        """Approve, release, record as paid or cancel a batch."""
        return schemas.ROUTES.transition(self, pk, batches.perform)

    @expose("/<pk>/cheques", methods=["POST"])
    @protect()
    @answers_bad_input
    @permission_name(perms.TRANSITION)
    def cheques(self, pk: str) -> Response:
        """Record cheque numbers."""
        batch_id = parse_pk(pk)
        if batch_id is None:
            return self.response_404()
        try:
            values = schemas.ChequesRequestSchema().load(json_body())
        except ValidationError as error:
            raise BadBody(error.messages) from None
        numbers = {c["payment_id"]: c["cheque_number"] for c in values["cheques"]}
        batch = batches.record_cheques(batch_id, numbers, g.user, values.get("version"))
        return self.response(200, id=batch.id, result=self.show_model_schema.dump(batch))

    @expose("/<pk>/payout_file", methods=["GET"])
    @protect()
    @answers_bad_input
    @permission_name(perms.TRANSITION)
    def payout_file(self, pk: str) -> Response:
        """The payout file, as CSV."""
        batch_id = parse_pk(pk)
        if batch_id is None:
            return self.response_404()
        name, data = payout_file(db.session, batch_id, g.user)
        return Response(data, mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-Type-Options": "nosniff"})


class PaymentApi(ClaimdeskModelRestApi):
    resource_name = "payment"
    class_permission_name = perms.PAYMENT
    datamodel = SQLAInterface(Payment)
    exclude_route_methods = READ_ONLY
    list_columns = ["id", "batch.id", "batch.batch_number", "claim.id", "claim.claim_number",
                    "member.id", "member.member_number", "line_no", "status", "amount",
                    "reference", "payee_name", "paid_on", "reconciled_at", "cheque_number"]
    show_columns = [*list_columns, "bank_name", "bank_branch_code", "bank_account_number",
                    "phone", "created_at", "updated_at"]
    search_columns = ["status", "reference", "paid_on"]
    order_columns = ["id", "status", "amount", "reference", "paid_on"]
    base_order = ("id", "desc")
    method_permission_name = {**ClaimdeskModelRestApi.method_permission_name,
                              "advice": perms.READ}
    route_operations = {"advice": schemas.advice_operation}

    @expose("/<pk>/advice", methods=["GET"])
    @protect()
    @answers_bad_input
    @permission_name(perms.READ)
    def advice(self, pk: str) -> Response:
        """The payment advice, as PDF."""
        payment_id = parse_pk(pk)
        if payment_id is None:
            return self.response_404()
        name, pdf = payment_advice(db.session, payment_id, g.user)
        return Response(pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-Type-Options": "nosniff"})
