"""Pages for the steps on chronic requests and dependents, as the claim's (app.views.claim_actions):
one step on one record from its page (``<route_base>/<id>/<action>``), one step on the records
selected in the list (``<route_base>/bulk/<action>?ids=1,2``) with a result per record. Both call
app.services.record_transitions; what the user sees of a refusal is decided in ``refusal``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView
from flask_appbuilder.widgets import RenderTemplateWidget

from app.access import scope_query
from app.extensions import db
from app.services import record_transitions as service
from app.services.errors import DomainError
from app.services.record_transitions import Workflow
from app.views.forms.record_steps import StepForm
from app.views.refusals import refusal_page


class RecordStepsView(BaseView):
    """Subclasses name the workflow, the record's screens and the forms of each step; they
    expose ``transition`` and ``bulk`` with the permissions of their resource."""

    workflow: Workflow
    show_endpoint: str  # "ChronicRequestView.show"
    list_endpoint: str
    forms: dict[str, type[StepForm]]
    bulk_forms: dict[str, type[StepForm]]
    noun_plural: str  # "chronic requests"
    # Steps that ask nothing: a button on the record's page posts them directly.
    without_input: frozenset[str] = frozenset()

    def record_page(self, pk: int) -> str:
        return url_for(self.show_endpoint, pk=pk)


    def one(self, pk: int, action: str) -> Any:
        step = self.workflow.steps.get(action)
        if step is None:
            abort(404)
        record = self._visible(pk)
        form = self.forms.get(action, StepForm)(data={"version": record.version})

        def render_form() -> Any:
            return self.render_template(
                "records/step.html", title=f"{step.label}: {self.workflow.describe(record)}",
                record=record, form=form, step=step, action=action,
                describe=self.workflow.describe, back=self.record_page(pk),
                target=url_for(f"{type(self).__name__}.transition", pk=pk, action=action),
            )

        asks = action not in self.without_input
        try:
            if request.method == "POST" and form.validate():
                changed = service.perform(self.workflow, pk, action, g.user, form.version.data,
                                          **form.params())
                flash(f"{step.label}: {self.workflow.describe(changed)} is now "
                      f"{changed.status}.", "success")
                return redirect(self.record_page(pk))
            service.check_allowed(db.session, self.workflow, step, record, g.user)
        except DomainError as error:
            return refusal_page(self, error, self.record_page(pk), form,
                                render_form if asks else None)
        for message in form.hidden_field_errors():
            flash(message, "danger")
        if request.method == "POST" and not asks:
            return redirect(self.record_page(pk))
        return render_form()

    def several(self, action: str) -> Any:
        if action not in self.workflow.bulk_steps:
            abort(404)
        step = self.workflow.steps[action]
        form = self.bulk_forms[action](data={"ids": request.args.get("ids", "")})
        if request.method == "POST" and form.validate():
            return self.results(action, form.record_ids(), **form.params())
        for message in form.hidden_field_errors():
            flash(message, "danger")
        model = self.workflow.model
        records = db.session.scalars(
            scope_query(sa.select(model).where(model.id.in_(form.record_ids())), model)
            .order_by(model.id)
        ).all()
        if not records:
            flash("Select the records in the list first.", "warning")
            return redirect(url_for(self.list_endpoint))
        return self.render_template(
            "records/bulk.html", title=f"{step.label}: {len(records)} {self.noun_plural}",
            records=records, form=form, step=step, describe=self.workflow.describe,
            show_endpoint=self.show_endpoint, list_endpoint=self.list_endpoint,
            target=url_for(f"{type(self).__name__}.bulk", action=action),
        )

    def results(self, action: str, ids: list[int], **params: Any) -> str:
        return results_page(self, type(self), action, ids, **params)

    def _visible(self, pk: int) -> Any:
        model = self.workflow.model
        record = db.session.scalars(scope_query(sa.select(model).where(model.id == pk),
                                                model)).first()
        if record is None:
            abort(404)
        return record


class StepButtonsWidget(RenderTemplateWidget):
    """The steps the user may take on the record now, on its page."""

    template = "records/step_buttons.html"

    def __init__(self, view_name: str, workflow: Workflow, record: Any, user: Any,
                 without_input: frozenset[str]) -> None:
        super().__init__(view_name=view_name, record=record, without_input=without_input,
                         steps=service.available_steps(workflow, record, user))


def results_page(view: BaseView, steps_view: type[RecordStepsView], action: str,
                 ids: list[int], **params: Any) -> str:
    """Take ``action`` on each record (its own transaction each) and show each outcome;
    ``view`` renders (a steps view, or the list's ModelView running an action)."""
    workflow = steps_view.workflow
    outcomes = service.perform_bulk(workflow, ids, action, g.user, **params)
    done = sum(1 for outcome in outcomes if outcome.ok)
    return view.render_template(
        "records/bulk_result.html", title=f"{workflow.steps[action].label}: results",
        outcomes=outcomes, done=done, refused=len(outcomes) - done,
        show_endpoint=steps_view.show_endpoint, list_endpoint=steps_view.list_endpoint,
    )


def record_ids(records: Any) -> list[int]:
    """The ids of what FAB hands an action: one record or a list of them."""
    return [r.id for r in (records if isinstance(records, list) else [records])]


def selected_ids(records: Any) -> str:
    return ",".join(str(i) for i in record_ids(records))
