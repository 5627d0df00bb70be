"""REST resources of the committee's review aids: the checklist items Admin configures per claim
type (``checklistitem``), the answers on each claim (``reviewchecklist``) and the review
templates (``reviewtemplate``). Members see none of them (app.access leaves them unscoped)."""

from __future__ import annotations

from typing import Any

from flask import Response, g
from flask_appbuilder.api import expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name, protect
from marshmallow import ValidationError

from app import security as perms
from app.api.base import ClaimdeskModelRestApi
from app.api.openapi import error_responses, json_response, schema_ref
from app.api.writes import answers_bad_input, json_body, parse_pk
from app.models import ChecklistAnswer, ChecklistItem, ReviewTemplate
from app.services import checklists
from app.services.errors import ValidationFailed
from app.services.review_templates import review_template_errors

TIMESTAMPS = ["created_at", "updated_at"]


class ChecklistItemApi(ClaimdeskModelRestApi):
    resource_name = "checklistitem"
    class_permission_name = perms.CHECKLIST_ITEM
    datamodel = SQLAInterface(ChecklistItem)
    add_columns = ["claim_type", "text", "mandatory", "position", "active"]
    edit_columns = add_columns
    list_columns = ["id", *add_columns]
    show_columns = [*list_columns, *TIMESTAMPS]
    search_columns = ["claim_type", "text", "mandatory", "active"]
    order_columns = ["id", "claim_type", "position", "text"]
    base_order = ("position", "asc")
    record_rules = (checklists.checklist_item_errors,)


class ReviewTemplateApi(ClaimdeskModelRestApi):
    resource_name = "reviewtemplate"
    class_permission_name = perms.REVIEW_TEMPLATE
    datamodel = SQLAInterface(ReviewTemplate)
    add_columns = ["name", "kind", "text", "active"]
    edit_columns = add_columns
    list_columns = ["id", *add_columns]
    show_columns = [*list_columns, *TIMESTAMPS]
    search_columns = ["name", "kind", "active"]
    order_columns = ["id", "name", "kind"]
    base_order = ("name", "asc")
    record_rules = (review_template_errors,)


class ChecklistAnswerApi(ClaimdeskModelRestApi):
    """Answers are recorded by app.services.checklists (the same rules as the claim's page):
    ``POST /`` answers an item on a claim, or changes the answer already given; ``PUT /<id>``
    changes one answer. Nobody deletes an answer."""

    resource_name = "reviewchecklist"
    class_permission_name = perms.REVIEW_CHECKLIST
    datamodel = SQLAInterface(ChecklistAnswer)
    exclude_route_methods = {"post", "delete"}
    method_permission_name = {**ClaimdeskModelRestApi.method_permission_name,
                              "answer": perms.WRITE}
    add_columns = ["claim", "item", "answer", "comment"]
    edit_columns = ["answer", "comment"]
    list_columns = ["id", "claim.id", "claim.claim_number", "item.id", "item.text",
                    "item.mandatory", "answer", "comment", "answered_by.id", "answered_at"]
    show_columns = list_columns
    search_columns = ["claim", "item", "answer", "answered_at"]
    order_columns = ["id", "answer", "answered_at"]
    base_order = ("id", "asc")

    @expose("/", methods=["POST"])
    @protect()
    @answers_bad_input
    @permission_name("answer")
    def answer(self) -> Response:
        """Answer a checklist item on a claim (OpenAPI text from route_operations below)."""
        given = self._load(self.add_model_schema, json_body())
        (row, created), = checklists.record_answers(
            self.datamodel.session, given.claim.id,
            {given.item.id: checklists.AnswerInput(given.answer, given.comment)}, g.user)
        return self.response(201 if created else 200, id=row.id,
                             result=self.show_model_schema.dump(row))

    @expose("/<pk>", methods=["PUT"])
    @protect()
    @answers_bad_input
    @permission_name("put")
    def put(self, pk: str) -> Response:
        """Change an answer; a field left out keeps its value."""
        answer_id = parse_pk(pk)
        if answer_id is None:
            return self.response_404()
        session = self.datamodel.session
        stored = checklists.visible_answer(session, answer_id, g.user)
        data = json_body()
        given = self._load(self.edit_model_schema, data, partial=True)
        answer = given.answer if "answer" in data else stored.answer
        comment = given.comment if "comment" in data else stored.comment
        (row, _), = checklists.record_answers(
            session, stored.claim_id,
            {stored.item_id: checklists.AnswerInput(answer, comment)}, g.user)
        return self.response(200, id=row.id, result=self.show_model_schema.dump(row))

    def _load(self, schema: Any, data: dict[str, Any], partial: bool = False) -> ChecklistAnswer:
        # A transient record holding the checked values; the service writes the real one.
        session = self.datamodel.session
        try:
            with session.no_autoflush:
                given = schema.load(data, session=session, partial=partial)
        except ValidationError as error:
            raise ValidationFailed({field: "; ".join(map(str, problems))
                                    if isinstance(problems, list) else str(problems)
                                    for field, problems in error.messages.items()}) from None
        if given in session:
            session.expunge(given)
        return given

    route_operations = {"answer": lambda api: _answer_operation(api)}


def _answer_operation(api: ChecklistAnswerApi) -> dict[str, Any]:
    cls = type(api).__name__
    saved = {"type": "object", "required": ["id", "result"],
             "properties": {"id": {"type": "integer", "format": "int64"},
                            "result": schema_ref(f"{cls}.get")}}
    return {
        "summary": "Answer a checklist item on a claim",
        "description": "yes, no or not_applicable, with an optional comment; who answered and "
        "when are recorded. An item already answered on the claim gets the new answer. Only "
        "while the committee reviews the claim (submitted, under review, information "
        "requested, appealed, trustee review), never by a reviewer linked to the claim.",
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": schema_ref(f"{cls}.post")}}},
        "responses": {
            "200": json_response("The answer already given was changed", saved),
            "201": json_response("Answered", saved),
            **error_responses("400", "404", "409", "413", "422"),
        },
    }
