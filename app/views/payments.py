"""Finance's pages: payment batches (list, page with its steps, payments and payout file),
building a batch with the claims left out and why, and the payments list, where a member sees
only his own (app.access). Each action posts to one service function (app.services.payments)."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, g, redirect, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name
from flask_appbuilder.widgets import RenderTemplateWidget

from app import security as perms
from app.extensions import db
from app.models import Payment, PaymentBatch
from app.services.errors import DomainError, ValidationFailed
from app.services.payments import batches
from app.services.payments.eligibility import BatchFilters
from app.services.payments.files import payout_file
from app.services.payments.overview import payment_overview
from app.services.payments.receipts import payment_advice
from app.views.common import FundModelView, money
from app.views.forms.payments import BATCH_FORMS, BuildBatchForm, ChequeNumbersForm
from app.views.fund import RECORD_COLUMNS, RECORD_LABELS
from app.views.record_actions import RecordStepsView, StepButtonsWidget
from app.views.refusals import refusal_page

WHEN = {name: (lambda moment: f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "")
        for name in ("approved_at", "released_at", "cancelled_at", "reconciled_at")}


class PaymentBatchStepsView(RecordStepsView):
    """``/paymentbatches/step/<id>/<action>``: approve, release, record as paid, cancel."""

    route_base = "/paymentbatches/step"
    class_permission_name = perms.PAYMENT_BATCH
    workflow = batches.WORKFLOW
    show_endpoint = "PaymentBatchView.show"
    list_endpoint = "PaymentBatchView.list"
    forms = BATCH_FORMS
    bulk_forms: dict = {}
    noun_plural = "payment batches"
    without_input = frozenset({"approve", "release"})

    @expose("/<int:pk>/<action>", methods=["GET", "POST"])
    @has_access
    @permission_name(perms.TRANSITION)
    def transition(self, pk: int, action: str) -> Any:
        return self.one(pk, action)


class PaymentFilesView(BaseView):
    """``/paymentbatches/payout/<id>``: the payout file of a released batch (Finance)."""

    route_base = "/paymentbatches/payout"
    class_permission_name = perms.PAYMENT_BATCH

    @expose("/<int:pk>", methods=["GET"])
    @has_access
    @permission_name(perms.TRANSITION)
    def download(self, pk: int) -> Any:
        try:
            name, data = payout_file(db.session, pk, g.user)
        except DomainError as error:
            return refusal_page(self, error, url_for("PaymentBatchView.show", pk=pk))
        return Response(data, mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{name}"'})


class PaymentAdviceView(BaseView):
    """``/payments/advice/<payment id>``: the member's payment advice (PDF) for the batch that
    paid it; a member gets only his own (the row rule on payments)."""

    route_base = "/payments/advice"
    class_permission_name = perms.PAYMENT

    @expose("/<int:pk>", methods=["GET"])
    @has_access
    @permission_name(perms.READ)
    def download(self, pk: int) -> Any:
        try:
            name, pdf = payment_advice(db.session, pk, g.user)
        except DomainError as error:
            return refusal_page(self, error, url_for("PaymentView.show", pk=pk))
        return Response(pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{name}"'})


class ChequeNumbersView(BaseView):
    """``/paymentbatches/cheques/<id>``: the cheque number of each payment of a cheque batch,
    posted from the batch's page."""

    route_base = "/paymentbatches/cheques"
    class_permission_name = perms.PAYMENT_BATCH

    @expose("/<int:pk>", methods=["POST"])
    @has_access
    @permission_name(perms.TRANSITION)
    def record(self, pk: int) -> Any:
        back = url_for("PaymentBatchView.show", pk=pk)
        form = ChequeNumbersForm()
        if not form.validate():
            flash(form.problem(), "danger")
            return redirect(back)
        try:
            batches.record_cheques(pk, form.numbers(), g.user, form.version.data)
        except DomainError as error:
            return refusal_page(self, error, back)
        flash("Cheque numbers recorded.", "success")
        return redirect(back)


class BuildBatchView(BaseView):
    """``/paymentbatches/build``: the filters, then the new batch and every claim left out."""

    route_base = "/paymentbatches/build"
    class_permission_name = perms.PAYMENT_BATCH
    default_view = "build"

    @expose("/", methods=["GET", "POST"])
    @has_access
    @permission_name(perms.WRITE)
    def build(self) -> Any:
        form = BuildBatchForm()
        excluded: list = []
        if form.validate_on_submit():
            try:
                batch, excluded = batches.build_batch(BatchFilters.checked(**form.filters()),
                                                      g.user)
                flash(f"{batches.describe(batch)} built: {batch.payment_count} payment(s), "
                      f"{batch.total_amount:,.2f}; another Finance user approves it.", "success")
                if not excluded:
                    return redirect(url_for("PaymentBatchView.show", pk=batch.id))
                return self.render_template("payments/build.html", title="Batch built",
                                            form=None, batch=batch, excluded=excluded,
                                            money=money)
            except batches.NothingToPay as refused:
                flash(refused.message, "warning")
                excluded = refused.excluded
            except ValidationFailed as error:
                for name, message in error.errors.items():
                    field = form._fields.get(name)
                    if field is not None:
                        field.errors = [*field.errors, message]
            except DomainError as error:
                return refusal_page(self, error, url_for("PaymentBatchView.list"))
        return self.render_template("payments/build.html", title="Build a payment batch",
                                    form=form, batch=None, excluded=excluded, money=money,
                                    overview=payment_overview(db.session))


class OverviewWidget(RenderTemplateWidget):
    template = "payments/overview.html"

    def __init__(self) -> None:
        super().__init__(overview=payment_overview(db.session))


class BatchPaymentsWidget(RenderTemplateWidget):
    template = "payments/batch_payments.html"

    def __init__(self, batch: PaymentBatch, can_pay: bool) -> None:
        super().__init__(batch=batch, can_pay=can_pay, money=money)


class PaymentBatchView(FundModelView):
    datamodel = SQLAInterface(PaymentBatch)
    class_permission_name = perms.PAYMENT_BATCH
    route_base = "/paymentbatches"
    list_title = "Payment batches"
    show_title = "Payment batch"
    show_template = "payments/batch_show.html"
    list_template = "payments/batch_list.html"
    # Built, changed and closed only through their steps: no plain add, edit or delete.
    exclude_route_methods = {"add", "edit", "delete"}
    list_columns = ["batch_number", "method", "status", "payment_count", "total_amount",
                    "created_by", "approved_by", "paid_on", "bank_reference"]
    search_columns = ["batch_number", "method", "status", "paid_on", "bank_reference"]
    order_columns = ["batch_number", "method", "status", "total_amount", "paid_on"]
    show_fieldsets = [
        ("Batch", {"fields": ["batch_number", "method", "status", "payment_count",
                              "total_amount", "reconciled_count"]}),
        ("Four eyes", {"fields": ["created_by", "created_at", "approved_by", "approved_at",
                                  "released_by", "released_at"]}),
        ("Paid", {"fields": ["paid_by", "paid_on", "bank_reference"]}),
        ("Cancelled", {"fields": ["cancelled_by", "cancelled_at", "cancel_reason"],
                       "expanded": False}),
        ("Record", {"fields": ["criteria", "version", "updated_at"], "expanded": False}),
    ]
    base_order = ("id", "desc")
    label_columns = {
        "batch_number": "Batch", "method": "Method", "status": "Status",
        "payment_count": "Payments", "total_amount": "Total", "created_by": "Built by",
        "approved_by": "Approved by", "approved_at": "Approved at",
        "released_by": "Released by", "released_at": "Released at", "paid_by": "Paid by",
        "paid_on": "Paid on", "bank_reference": "Bank reference",
        "cancelled_by": "Cancelled by", "cancelled_at": "Cancelled at",
        "cancel_reason": "Why cancelled", "criteria": "Filters", "version": "Version",
        "reconciled_count": "Reconciled", **RECORD_LABELS,
    }
    formatters_columns = {"total_amount": money, **WHEN}

    def _get_list_widget(self, *args: Any, **kwargs: Any) -> Any:
        widgets = super()._get_list_widget(*args, **kwargs)
        widgets["overview"] = OverviewWidget()
        return widgets

    def _get_show_widget(self, pk: Any, item: Any, widgets: Any = None, **kwargs: Any) -> Any:
        widgets = super()._get_show_widget(pk, item, widgets=widgets, **kwargs)
        widgets["steps"] = StepButtonsWidget("PaymentBatchStepsView", batches.WORKFLOW, item,
                                             g.user, PaymentBatchStepsView.without_input)
        can_pay = self.appbuilder.sm.has_access(f"can_{perms.TRANSITION}", perms.PAYMENT_BATCH)
        widgets["payments"] = BatchPaymentsWidget(item, can_pay)
        return widgets


class AdviceLinkWidget(RenderTemplateWidget):
    template = "payments/advice_link.html"

    def __init__(self, payment: Payment) -> None:
        super().__init__(payment=payment)


class PaymentView(FundModelView):
    datamodel = SQLAInterface(Payment)
    class_permission_name = perms.PAYMENT
    route_base = "/payments"
    list_title = "Payments"
    show_title = "Payment"
    exclude_route_methods = {"add", "edit", "delete"}
    list_columns = ["reference", "claim", "member", "amount", "status", "overdue", "paid_on",
                    "reconciled_at"]
    # No relationship here: its filter would load every claim and member into a pick list.
    search_columns = ["reference", "status", "paid_on"]
    order_columns = ["reference", "amount", "status", "paid_on"]
    show_columns = ["reference", "batch", "claim", "member", "amount", "status", "paid_on",
                    "reconciled_at", "payee_name", "bank_name", "bank_branch_code",
                    "bank_account_number", "phone", "cheque_number", *RECORD_COLUMNS]
    base_order = ("id", "desc")
    label_columns = {
        "reference": "Reference", "batch": "Batch", "claim": "Claim", "member": "Member",
        "amount": "Amount", "status": "Status", "paid_on": "Paid on",
        "reconciled_at": "Reconciled at", "payee_name": "Payee", "bank_name": "Bank",
        "bank_branch_code": "Branch code", "bank_account_number": "Account number",
        "phone": "Mobile number", "cheque_number": "Cheque", "overdue": "Overdue",
        **RECORD_LABELS,
    }
    formatters_columns = {"amount": money, "overdue": lambda late: "Overdue" if late else "",
                          **WHEN}
    show_template = "payments/payment_show.html"

    def _get_show_widget(self, pk: Any, item: Any, widgets: Any = None, **kwargs: Any) -> Any:
        widgets = super()._get_show_widget(pk, item, widgets=widgets, **kwargs)
        widgets["advice"] = AdviceLinkWidget(item)
        return widgets
