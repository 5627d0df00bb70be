"""Screens of the committee's review aids: the checklist items and review templates Admin keeps,
and the claim's checklist on the claim's page (answered there by the reviewer)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name
from flask_appbuilder.widgets import ListWidget, RenderTemplateWidget
from werkzeug.datastructures import MultiDict

from app import security as perms
from app.access import is_restricted, scope_query
from app.extensions import db
from app.models import ChecklistItem, Claim, ReviewTemplate
from app.services import checklists
from app.services.disclosure import CLAIM_RESULTS, decision_shown
from app.services.errors import DomainError, ValidationFailed
from app.services.review_templates import review_template_errors
from app.views.common import FundModelView
from app.views.fund import RECORD_COLUMNS, RECORD_LABELS
from app.views.refusals import refusal_page


class ChecklistItemView(FundModelView):
    datamodel = SQLAInterface(ChecklistItem)
    class_permission_name = perms.CHECKLIST_ITEM
    route_base = "/checklist-items"
    list_title = "Review checklists"
    list_columns = ["claim_type", "position", "text", "mandatory", "active"]
    order_columns = ["claim_type", "position", "text"]
    search_columns = ["claim_type", "text", "mandatory", "active"]
    add_columns = ["claim_type", "text", "mandatory", "position", "active"]
    edit_columns = add_columns
    show_columns = add_columns + RECORD_COLUMNS
    base_order = ("claim_type", "asc")
    label_columns = {"claim_type": "Claim type", "text": "Item", "mandatory": "Mandatory",
                     "position": "Order", "active": "In use", **RECORD_LABELS}
    description_columns = {
        "mandatory": "A claim is not decided before its mandatory items are answered.",
        "position": "Items are listed by this number, smallest first.",
        "active": "Untick to retire an item: its answers on past claims are kept.",
    }
    domain_rule = staticmethod(checklists.checklist_item_errors)


class ReviewTemplateView(FundModelView):
    datamodel = SQLAInterface(ReviewTemplate)
    class_permission_name = perms.REVIEW_TEMPLATE
    route_base = "/review-templates"
    list_title = "Review templates"
    list_columns = ["name", "kind", "active"]
    search_columns = ["name", "kind", "text", "active"]
    add_columns = ["name", "kind", "text", "active"]
    edit_columns = add_columns
    show_columns = add_columns + RECORD_COLUMNS
    base_order = ("name", "asc")
    label_columns = {"name": "Name", "kind": "Used for", "text": "Text", "active": "Offered",
                     **RECORD_LABELS}
    description_columns = {
        "kind": "rejection: the reason of a rejection; info_request: the information asked "
                "of the member; note: a note on a claim.",
        "text": "Filled into the form when picked; the reviewer may still change it.",
    }
    domain_rule = staticmethod(review_template_errors)


def percent(value: Any) -> str:
    return "" if value is None else f"{value}%"


class ClaimsWithChecklist(SQLAInterface):
    """The claims list's data: each page's claims come with their checklist completion, read for
    the whole page in one more query (never one query per row)."""

    def query(self, *args: Any, **kwargs: Any) -> tuple[int, list[Claim]]:
        count, claims = super().query(*args, **kwargs)
        checklists.keep_completion_percents(self.session, claims)
        return count, claims


class ClaimListWidget(ListWidget):
    """The claims list; a member's has no checklist column (checklists are the committee's),
    and no decision's amounts on a claim still undecided (app.services.disclosure)."""

    def __init__(self, **kwargs: Any) -> None:
        if is_restricted(g.user):
            kwargs["include_columns"] = [c for c in kwargs.get("include_columns", [])
                                         if c != "checklist_percent"]
            kwargs["order_columns"] = [c for c in kwargs.get("order_columns", [])
                                       if c not in CLAIM_RESULTS]
            # FAB gives the rows as a generator: keep them to show after blanking.
            kwargs["value_columns"] = list(kwargs.get("value_columns") or [])
            for row in kwargs["value_columns"]:
                if not decision_shown(row.get("status"), g.user):
                    row.update({c: None for c in CLAIM_RESULTS if c in row})
        super().__init__(**kwargs)


class ChecklistWidget(RenderTemplateWidget):
    """The claim's checklist on its page: answers for those who may read them, the form for
    those who may answer now."""

    template = "checklists/claim_checklist.html"

    def __init__(self, claim: Claim, user: Any) -> None:
        rows = checklists.checklist_of(db.session, claim)
        answered = sum(1 for row in rows if row.answer is not None)
        sm = current_app.appbuilder.sm
        may_write = sm.has_access(f"can_{perms.WRITE}", perms.REVIEW_CHECKLIST)
        super().__init__(
            claim=claim, rows=rows, answered=answered, labels=checklists.ANSWER_LABELS,
            percent=answered * 100 // len(rows) if rows else None,
            missing=sum(1 for row in rows if row.item.mandatory and row.answer is None),
            may_answer=may_write and checklists.may_answer(db.session, claim, user),
        )


def checklist_widget(claim: Claim, user: Any) -> ChecklistWidget | None:
    """The widget for the claim's page; None for those who may not read checklists."""
    sm = current_app.appbuilder.sm
    if is_restricted(user) or not sm.has_access(f"can_{perms.READ}", perms.REVIEW_CHECKLIST):
        return None
    return ChecklistWidget(claim, user)


def answers_from_form(form: MultiDict, items: tuple[checklists.Item, ...]
                      ) -> dict[int, checklists.AnswerInput]:
    """The answers the page's form carries; an item left blank is left as it is."""
    answers, errors = {}, {}
    for item in items:
        answer = (form.get(f"answer_{item.id}") or "").strip()
        comment = form.get(f"comment_{item.id}")
        if answer:
            answers[item.id] = checklists.AnswerInput(answer, comment)
        elif (comment or "").strip():
            errors[f"answer_{item.id}"] = f"Answer \u201c{item.text}\u201d to record a comment."
    if errors:
        raise ValidationFailed(errors)
    return answers


class ChecklistAnswerView(BaseView):
    """``POST /claims/checklist/<id>``: the checklist form of the claim's page; permission
    ``can_write`` on ReviewChecklist, the rest is app.services.checklists'."""

    route_base = "/claims/checklist"
    class_permission_name = perms.REVIEW_CHECKLIST

    @expose("/<int:pk>", methods=["POST"])
    @has_access
    @permission_name(perms.WRITE)
    def answer(self, pk: int) -> Any:
        claim = db.session.scalars(
            scope_query(sa.select(Claim).where(Claim.id == pk), Claim)).first()
        if claim is None:
            abort(404)
        back = url_for("ClaimView.show", pk=pk)
        try:
            items = checklists.items_for(db.session, claim.claim_type)
            recorded = checklists.record_answers(
                db.session, pk, answers_from_form(request.form, items), g.user)
        except DomainError as error:
            return refusal_page(self, error, back)
        flash(f"Checklist of claim {claim.claim_number} saved: {len(recorded)} answers.",
              "success")
        return redirect(back)
