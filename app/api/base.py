"""The base of every REST resource: FAB's ModelRestApi, hardened once for all of them.

Each route is redeclared here so that: ids in URLs that cannot name a record answer 404 (GET
included: FAB's GET route is ``<int:pk>`` and answered an HTML 405); ``q`` is checked against the
published schema (query.py); bodies are checked by our fields (fields.py), then by the fund's rules
(``record_rules``, the functions of app.services.validation shared with the web forms) and the
state rules (rules.py) before anything is written; database refusals become 409/422 after a
rollback; and the OpenAPI document is built from the same declarations (openapi.py).
"""

from __future__ import annotations

import logging
from typing import Any, Callable

import sqlalchemy as sa
from flask import Response
from flask_appbuilder.api import ModelRestApi, expose, merge_response_func
from flask_appbuilder.const import (
    API_ADD_COLUMNS_RIS_KEY,
    API_ADD_TITLE_RIS_KEY,
    API_DESCRIPTION_COLUMNS_RIS_KEY,
    API_EDIT_COLUMNS_RIS_KEY,
    API_EDIT_TITLE_RIS_KEY,
    API_FILTERS_RIS_KEY,
    API_LABEL_COLUMNS_RIS_KEY,
    API_LIST_COLUMNS_RIS_KEY,
    API_LIST_TITLE_RIS_KEY,
    API_ORDER_COLUMNS_RIS_KEY,
    API_PERMISSIONS_RIS_KEY,
    API_SHOW_COLUMNS_RIS_KEY,
    API_SHOW_TITLE_RIS_KEY,
)
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security.decorators import permission_name, protect
from marshmallow import ValidationError
from sqlalchemy.orm.exc import StaleDataError

from app.access import member_scope_base_filters
from app.api import openapi
from app.api.fields import ClaimdeskSchemaConverter
from app.api.member_answers import MemberAnswers
from app.api.query import (
    BadQuery,
    info_query_schema,
    item_query_schema,
    list_query_schema,
    query_args,
    typed_filters,
)
from app.api.writes import answers_bad_input, integrity_failure, json_body, parse_pk
from app.security import MODEL_METHOD_PERMISSIONS
from app.services.changes import change_refusal
from app.services.errors import ValidationFailed
from app.services.lookup import offered_clause
from app.services.records import delete_refusal_reason

log = logging.getLogger(__name__)
M = ModelRestApi  # FAB's response-merging functions, reused as they are


class OfferedFilter(BaseFilter):
    """Only the records a pick list offers (e.g. active dependents as patients)."""

    name = "Offered"
    arg_name = "offered"

    def apply(self, query: Any, value: Any) -> Any:
        clause = offered_clause(self.model)
        return query if clause is None else query.where(clause)


class ClaimdeskModelRestApi(MemberAnswers, ModelRestApi):
    method_permission_name = MODEL_METHOD_PERMISSIONS
    allow_browser_login = True
    # The Member role's row rule (app.access); subclasses add their own filters to this list.
    base_filters = member_scope_base_filters()
    model2schemaconverter = ClaimdeskSchemaConverter
    page_size = 25
    responses = openapi.RESPONSES
    _apispec_parameter_schemas: dict[str, Any] = {}
    # Rule functions {field: message} run on the record before every write (the web forms' too).
    record_rules: tuple[Callable[[Any], dict[str, str]], ...] = ()
    # Columns only the fund's staff may set (e.g. the date the fund received a paper claim).
    staff_only_columns: tuple[str, ...] = ()
    # The OpenAPI operations of a resource's own routes: method name -> builder(api).
    route_operations: dict[str, Callable[[Any], dict[str, Any]]] = {}

    # --- set-up -------------------------------------------------------------------------------
    def _init_properties(self) -> None:
        super()._init_properties()
        # The values _info offers for a relationship obey the same row rule as everything else,
        # and are what the forms' pick lists offer (app.services.lookup).
        scope = [*member_scope_base_filters(), ["id", OfferedFilter, None]]
        for attr, columns in (("add_query_rel_fields", self.add_columns),
                              ("edit_query_rel_fields", self.edit_columns)):
            rel_fields = {k: list(v) for k, v in getattr(self, attr).items()}
            for col in columns:
                if self.datamodel.is_relation(col):
                    rel_fields.setdefault(col, []).extend(scope)
            setattr(self, attr, rel_fields)

    def query_schema(self, kind: str) -> dict[str, Any]:
        schemas = self.__dict__.setdefault("_query_schemas", {})
        if kind not in schemas:
            build = {"list": list_query_schema, "item": item_query_schema,
                     "info": info_query_schema}[kind]
            schemas[kind] = build(self)
        return schemas[kind]

    # --- OpenAPI ------------------------------------------------------------------------------
    def add_apispec_components(self, api_spec: Any) -> None:
        super().add_apispec_components(api_spec)
        for kind in ("list", "item", "info"):
            api_spec.components.schema(openapi.query_schema_name(self, kind),
                                       self.query_schema(kind))
        # PUT keeps the fields a client leaves out: nothing is required.
        api_spec.components.schemas[self.edit_model_schema_name].pop("required", None)
        for name in (self.list_model_schema_name, self.show_model_schema_name):
            properties = api_spec.components.schemas[name].get("properties", {})
            for column in self.decision_columns:
                if column in properties:
                    properties[column]["nullable"] = True
                    properties[column]["description"] = (
                        "Null for a member until his claim is decided.")
            for column in self.staff_only_read_columns:
                if column in properties:
                    properties[column]["description"] = "Only the fund's staff see this field."

    def operation_helper(self, path: Any = None, operations: Any = None, methods: Any = None,
                         func: Any = None, **kwargs: Any) -> None:
        super().operation_helper(path=path, operations=operations, methods=methods, func=func,
                                 **kwargs)
        ours = openapi.operation(self, func.__name__)
        if ours is not None:
            for method in methods:
                operations[method.lower()] = ours

    # --- reads --------------------------------------------------------------------------------
    def _handle_filters_args(self, rison_args: dict[str, Any]) -> Any:
        filters = rison_args.get("filters", [])
        if self._restricted():
            asked = {f.get("col") for f in filters} | {rison_args.get("order_column")}
            hidden = asked & self.member_unqueryable()
            if hidden:
                raise BadQuery(f"There is no column {sorted(hidden)[0]} to filter or order by.")
        return typed_filters(self, filters)

    @expose("/", methods=["GET"])
    @protect()
    @answers_bad_input
    @permission_name("get")
    @query_args("list")
    @merge_response_func(M.merge_order_columns, API_ORDER_COLUMNS_RIS_KEY)
    @merge_response_func(M.merge_list_label_columns, API_LABEL_COLUMNS_RIS_KEY)
    @merge_response_func(M.merge_description_columns, API_DESCRIPTION_COLUMNS_RIS_KEY)
    @merge_response_func(M.merge_list_columns, API_LIST_COLUMNS_RIS_KEY)
    @merge_response_func(M.merge_list_title, API_LIST_TITLE_RIS_KEY)
    def get_list(self, **kwargs: Any) -> Response:
        """List records (the operation's OpenAPI text comes from app.api.openapi)."""
        try:
            return self.get_list_headless(**kwargs)
        except (sa.exc.DataError, OverflowError):
            raise BadQuery("A filter value is out of range for its column.") from None

    @expose("/<pk>", methods=["GET"])
    @protect()
    @answers_bad_input
    @permission_name("get")
    @query_args("item")
    @merge_response_func(M.merge_show_label_columns, API_LABEL_COLUMNS_RIS_KEY)
    @merge_response_func(M.merge_show_columns, API_SHOW_COLUMNS_RIS_KEY)
    @merge_response_func(M.merge_description_columns, API_DESCRIPTION_COLUMNS_RIS_KEY)
    @merge_response_func(M.merge_show_title, API_SHOW_TITLE_RIS_KEY)
    def get(self, pk: str, **kwargs: Any) -> Response:
        """Show one record."""
        record_id = parse_pk(pk)
        if record_id is None:
            return self.response_404()
        return self.get_headless(record_id, **kwargs)

    @expose("/_info", methods=["GET"])
    @protect()
    @answers_bad_input
    @query_args("info")
    @permission_name("info")
    @merge_response_func(M.merge_current_user_permissions, API_PERMISSIONS_RIS_KEY)
    @merge_response_func(M.merge_add_field_info, API_ADD_COLUMNS_RIS_KEY)
    @merge_response_func(M.merge_edit_field_info, API_EDIT_COLUMNS_RIS_KEY)
    @merge_response_func(M.merge_search_filters, API_FILTERS_RIS_KEY)
    @merge_response_func(M.merge_add_title, API_ADD_TITLE_RIS_KEY)
    @merge_response_func(M.merge_edit_title, API_EDIT_TITLE_RIS_KEY)
    def info(self, **kwargs: Any) -> Response:
        """Columns, filters and permissions."""
        return self.info_headless(**kwargs)

    # --- writes -------------------------------------------------------------------------------
    @expose("/", methods=["POST"])
    @protect()
    @answers_bad_input
    @permission_name("post")
    def post(self) -> Response:
        """Create a record."""
        data = json_body()
        try:
            self._check_staff_only(data)
            item = self.add_model_schema.load(data)
        except ValidationError as err:
            self.datamodel.session.rollback()
            return self.response_422(message=err.messages)
        return self._write(item, "add")

    @expose("/<pk>", methods=["PUT"])
    @protect()
    @answers_bad_input
    @permission_name("put")
    def put(self, pk: str) -> Response:
        """Change a record; fields left out keep their value."""
        record_id = parse_pk(pk)
        data = json_body()
        item = self.datamodel.get(record_id, self._base_filters) if record_id else None
        if item is None:
            return self.response_404()
        refusal = change_refusal(item, "edit", restricted=self._restricted())
        if refusal:
            return self.response(409, message=refusal)
        try:
            self._check_staff_only(data)
            with self.datamodel.session.no_autoflush:
                item = self.edit_model_schema.load(self._merge_update_item(item, data),
                                                   instance=item)
        except ValidationError as err:
            self.datamodel.session.rollback()
            return self.response_422(message=err.messages)
        return self._write(item, "edit")

    @expose("/<pk>", methods=["DELETE"])
    @protect()
    @answers_bad_input
    @permission_name("delete")
    def delete(self, pk: str) -> Response:
        """Delete a record nothing refers to any more."""
        record_id = parse_pk(pk)
        item = self.datamodel.get(record_id, self._base_filters) if record_id else None
        if item is None:
            return self.response_404()
        session = self.datamodel.session
        refusal = change_refusal(item, "delete", restricted=self._restricted()) or (
            delete_refusal_reason(item)
        )
        if refusal:
            return self.response(409, message=refusal)
        self.pre_delete(item)
        session.delete(item)
        failure = self._commit(item)
        if failure is not None:
            return failure
        self.post_delete(item)
        return self.response(200, message="Deleted.")

    # --- helpers ------------------------------------------------------------------------------
    def _check_staff_only(self, data: dict[str, Any]) -> None:
        if self._restricted():
            sent = [col for col in self.staff_only_columns if col in data]
            if sent:
                raise ValidationError({col: ["Only the fund's staff can set this."]
                                       for col in sent})

    def record_errors(self, item: Any) -> dict[str, str]:
        errors: dict[str, str] = {}
        for rule in self.record_rules:
            for field, message in rule(item).items():
                errors.setdefault(field, message)
        return errors

    def _write(self, item: Any, action: str) -> Response:
        """Check the loaded record against every rule, then write it, or write nothing."""
        session = self.datamodel.session
        # A rule's refusal (ValidationFailed, DomainError) is answered by answers_bad_input.
        with session.no_autoflush:
            errors = self.record_errors(item)
            if errors:
                raise ValidationFailed(errors)
            refusal = change_refusal(item, action, restricted=self._restricted())
            if refusal:
                return self._rollback(409, refusal)
            (self.pre_add if action == "add" else self.pre_update)(item)
        if action == "add":
            session.add(item)
        failure = self._commit(item)
        if failure is not None:
            return failure
        (self.post_add if action == "add" else self.post_update)(item)
        return self.response(201 if action == "add" else 200, id=item.id,
                             result=self.show_model_schema.dump(item))

    def _commit(self, item: Any) -> Response | None:
        session = self.datamodel.session
        try:
            session.commit()
        except sa.exc.IntegrityError as e:
            fields = [*self.add_columns, *self.edit_columns]
            status, message = integrity_failure(e, type(item), fields)
            return self._rollback(status, message)
        except StaleDataError:
            return self._rollback(409, "Someone else changed this record meanwhile: read it "
                                       "again and repeat your change.")
        except sa.exc.DataError:
            return self._rollback(422, "A value is out of range for the database.")
        return None

    def _rollback(self, status: int, message: Any) -> Response:
        self.datamodel.session.rollback()
        return self.response(status, message=message)
