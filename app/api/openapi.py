"""The OpenAPI description of every resource's operations, written to match what they answer.

FAB takes each operation's description from its route's docstring, which on our stack is wrong in
several places (ids as strings, error messages only strings, ``_info`` columns as objects, ``q``
filters as free text). Our base class builds the operations here instead, from the same schemas
that check the requests, so the document and the behaviour cannot drift apart.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from app.api.base import ClaimdeskModelRestApi

_TEXT = {"type": "string"}
_TEXTS = {"type": "array", "items": _TEXT}
_LABELS = {"type": "object", "additionalProperties": _TEXT}
_ID = {"type": "integer", "format": "int64"}

_MESSAGE_TEXT = {
    "type": "object",
    "required": ["message"],
    "properties": {"message": _TEXT},
}
# Rule violations name their fields: {"message": {"field": ["what is wrong"]}}.
_MESSAGE_ANY = {
    "type": "object",
    "required": ["message"],
    "properties": {
        "message": {
            "anyOf": [
                _TEXT,
                {
                    "type": "object",
                    "description": "Field name -> list of messages about that field.",
                    "additionalProperties": True,
                },
            ]
        }
    },
}


def json_response(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


RESPONSES: dict[str, dict[str, Any]] = {
    "BadRequest": json_response("Malformed request: body, JSON or the q argument", _MESSAGE_ANY),
    "Unauthorized": json_response("Missing, malformed or expired credentials", _MESSAGE_TEXT),
    "Forbidden": json_response("The login may not do this (its role, or the separation of "
                               "duties)", _MESSAGE_TEXT),
    "NotFound": json_response("No such record, or not one the login may see", _MESSAGE_TEXT),
    "Conflict": json_response("The record's state, version, references or a unique value "
                              "refuse this", _MESSAGE_ANY),
    "TooLarge": json_response("The request body is too large", _MESSAGE_TEXT),
    "Unprocessable": json_response("The record breaks a rule; message names each field",
                                   _MESSAGE_ANY),
    "ServerError": json_response("Unexpected error", _MESSAGE_TEXT),
}

_FIELD_INFO = {
    "type": "object",
    "required": ["name", "label", "description", "type", "required", "unique"],
    "properties": {
        "name": _TEXT,
        "label": _TEXT,
        "description": _TEXT,
        "type": _TEXT,
        "required": {"type": "boolean"},
        "unique": {"type": "boolean"},
        "count": {"type": "integer"},
        "values": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "value"],
                "properties": {"id": _ID, "value": _TEXT},
            },
        },
        "validate": _TEXTS,
    },
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{name}"}


def schema_ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def error_responses(*codes: str) -> dict[str, Any]:
    names = {"400": "BadRequest", "401": "Unauthorized", "403": "Forbidden", "404": "NotFound",
             "409": "Conflict", "413": "TooLarge", "422": "Unprocessable", "500": "ServerError"}
    return {code: _ref(names[code]) for code in (*codes, "401", "403", "500")}


def _q(name: str) -> dict[str, Any]:
    return {"in": "query", "name": "q", "required": False,
            "description": "Rison or JSON object",
            "content": {"application/json": {"schema": schema_ref(name)}}}


PK_PARAMETER = {"in": "path", "name": "pk", "required": True, "schema": _ID,
       "description": "The record's id"}


def query_schema_name(api: ClaimdeskModelRestApi, kind: str) -> str:
    return f"{type(api).__name__}.{kind}.q"


def operation(api: ClaimdeskModelRestApi, name: str) -> dict[str, Any] | None:
    """The OpenAPI operation of one of our routes (None: not ours, FAB's own text stays)."""
    cls = type(api).__name__
    builders: dict[str, Callable[[], dict[str, Any]]] = {
        "get_list": lambda: {
            "summary": f"List {api.resource_name} records",
            "description": "Paged (page_size at most the configured maximum), filtered with "
            "q.filters on the searchable columns, ordered by q.order_column.",
            "parameters": [_q(query_schema_name(api, "list"))],
            "responses": {
                "200": json_response("A page of records", {
                    "type": "object",
                    "required": ["count", "ids", "result"],
                    "properties": {
                        "count": {"type": "integer", "description": "Records matching"},
                        "ids": {"type": "array", "items": _ID},
                        "result": {"type": "array", "items": schema_ref(f"{cls}.get_list")},
                        "list_columns": _TEXTS,
                        "order_columns": _TEXTS,
                        "label_columns": _LABELS,
                        "description_columns": _LABELS,
                        "list_title": _TEXT,
                    },
                }),
                **error_responses("400"),
            },
        },
        "get": lambda: {
            "summary": f"One {api.resource_name} record",
            "parameters": [PK_PARAMETER, _q(query_schema_name(api, "item"))],
            "responses": {
                "200": json_response("The record", {
                    "type": "object",
                    "required": ["id", "result"],
                    "properties": {
                        "id": _ID,
                        "result": schema_ref(f"{cls}.get"),
                        "show_columns": _TEXTS,
                        "label_columns": _LABELS,
                        "description_columns": _LABELS,
                        "show_title": _TEXT,
                    },
                }),
                **error_responses("400", "404"),
            },
        },
        "info": lambda: {
            "summary": f"What a client may send to {api.resource_name}",
            "parameters": [_q(query_schema_name(api, "info"))],
            "responses": {
                "200": json_response("Columns, filters and permissions", {
                    "type": "object",
                    "properties": {
                        "add_columns": {"type": "array", "items": _FIELD_INFO},
                        "edit_columns": {"type": "array", "items": _FIELD_INFO},
                        "filters": {
                            "type": "object",
                            "additionalProperties": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["name", "operator"],
                                    "properties": {"name": _TEXT, "operator": _TEXT},
                                },
                            },
                        },
                        "permissions": _TEXTS,
                        "add_title": _TEXT,
                        "edit_title": _TEXT,
                    },
                }),
                **error_responses("400"),
            },
        },
        "post": lambda: {
            "summary": f"Create a {api.resource_name} record",
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": schema_ref(f"{cls}.post")}}},
            "responses": {
                "201": json_response("Created; the record as GET shows it", _saved(cls)),
                **error_responses("400", "409", "413", "422"),
            },
        },
        "put": lambda: {
            "summary": f"Change a {api.resource_name} record (fields left out keep their value)",
            "parameters": [PK_PARAMETER],
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": schema_ref(f"{cls}.put")}}},
            "responses": {
                "200": json_response("Changed; the record as GET shows it", _saved(cls)),
                **error_responses("400", "404", "409", "413", "422"),
            },
        },
        "delete": lambda: {
            "summary": f"Delete a {api.resource_name} record",
            "parameters": [PK_PARAMETER],
            "responses": {
                "200": json_response("Deleted", _MESSAGE_TEXT),
                **error_responses("404", "409"),
            },
        },
    }
    build = builders.get(name)
    if build is None and name in api.route_operations:  # a resource's own routes
        build = functools.partial(api.route_operations[name], api)
    if build is None:
        return None
    return {**build(), "security": [{"jwt": []}]}


def _saved(cls: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["id", "result"],
        "properties": {"id": _ID, "result": schema_ref(f"{cls}.get")},
    }
