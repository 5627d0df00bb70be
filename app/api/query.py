"""The ``q`` argument of list, item and info requests.

FAB parses ``q`` as rison (or JSON) and hands filter values to SQL as they come, so a malformed
``q`` (``1.55e+136``, ``(((``), a number given to a text filter, a date that is not a date or an id
above 2^63 ends in a server error. Here ``q`` is parsed, checked against the very schema that the
OpenAPI document publishes, and every filter value is typed by its column before a query runs.
"""

from __future__ import annotations

import functools
import json
import urllib.parse
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Callable

import jsonschema
import prison
from flask import current_app, request
from flask_appbuilder.exceptions import FABException
from flask_appbuilder.models.filters import Filters

if TYPE_CHECKING:
    from app.api.base import ClaimdeskModelRestApi

TEXT_OPERATORS = {"sw", "nsw", "ew", "new", "ct", "nct"}
LIST_OPERATORS = {"in", "not_in"}
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
MAX_PAGE = 10**9
MAX_FILTERS = 20
SCALAR = {"anyOf": [{"type": "number"}, {"type": "string"}, {"type": "boolean"}]}


class BadQuery(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_storable_text(value: Any) -> bool:
    """False when a text in ``value`` holds a lone surrogate (JSON ``"\\ud800"``): valid JSON,
    but not text any database can store or compare (the driver fails with a server error)."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    except (TypeError, ValueError, RecursionError):
        pass  # not ours to judge here: the schemas refuse what is not JSON-like
    return True


def parse_q(raw: str | None) -> Any:
    if not raw:
        return {}
    try:
        value = prison.loads(raw)
    except Exception:  # the parser raises more than its own error on bad input (ValueError, ...)
        try:
            value = json.loads(urllib.parse.unquote_plus(raw))
        except Exception:  # RecursionError on deep nesting, ValueError, ...
            raise BadQuery("The q argument is neither valid rison nor valid JSON.") from None
    if not is_storable_text(value):
        raise BadQuery("The q argument holds a character that is not valid text.")
    return value


def query_args(kind: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Route decorator: passes the checked ``q`` as ``kwargs["rison"]`` or answers 400."""

    def decorator(f: Callable[..., Any]) -> Callable[..., Any]:
        def wraps(self: ClaimdeskModelRestApi, *args: Any, **kwargs: Any) -> Any:
            try:
                value = parse_q(request.args.get("q"))
                jsonschema.validate(value, self.query_schema(kind))
            except BadQuery as e:
                return self.response_400(message=e.message)
            except (jsonschema.ValidationError, RecursionError) as e:
                detail = getattr(e, "message", "too deeply nested")
                return self.response_400(message=f"The q argument is not valid: {detail}")
            kwargs["rison"] = value
            return f(self, *args, **kwargs)

        return functools.update_wrapper(wraps, f)

    return decorator


# --- The schemas (published in the OpenAPI document as <Api>.<kind>.q) ---------------------------
def _page_properties() -> dict[str, Any]:
    return {
        "page": {"type": "integer", "minimum": 0, "maximum": MAX_PAGE},
        "page_size": {"type": "integer", "minimum": 1, "maximum": max_page_size()},
    }


def max_page_size() -> int:
    return int(current_app.config.get("FAB_API_MAX_PAGE_SIZE") or 100)


def list_query_schema(api: ClaimdeskModelRestApi) -> dict[str, Any]:
    search_filters = api._filters.get_search_filters()
    operators = sorted({f.arg_name for col in api.search_columns
                        for f in search_filters.get(col, [])})
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "keys": _keys(["list_columns", "order_columns", "label_columns",
                           "description_columns", "list_title", "none"]),
            "columns": {"type": "array", "items": {"type": "string", "enum": api.list_columns}},
            "order_column": {"type": "string", "enum": list(api.order_columns)},
            "order_direction": {"type": "string", "enum": ["asc", "desc"]},
            **_page_properties(),
            "filters": {
                "type": "array",
                "maxItems": MAX_FILTERS,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["col", "opr", "value"],
                    "properties": {
                        "col": {"type": "string", "enum": list(api.search_columns)},
                        "opr": {"type": "string", "enum": operators},
                        "value": {"anyOf": [*SCALAR["anyOf"],
                                            {"type": "array", "items": SCALAR}]},
                    },
                },
            },
        },
    }


def item_query_schema(api: ClaimdeskModelRestApi) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "keys": _keys(["show_columns", "description_columns", "label_columns",
                           "show_title", "none"]),
            "columns": {"type": "array", "items": {"type": "string", "enum": api.show_columns}},
        },
    }


def info_query_schema(api: ClaimdeskModelRestApi) -> dict[str, Any]:
    def paging(columns: list[str]) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                col: {"type": "object", "additionalProperties": False,
                      "properties": _page_properties()}
                for col in columns
            },
        }

    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "keys": _keys(["add_columns", "edit_columns", "filters", "permissions",
                           "add_title", "edit_title", "none"]),
            "add_columns": paging(api.add_columns),
            "edit_columns": paging(api.edit_columns),
        },
    }


def _keys(values: list[str]) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string", "enum": values}}


# --- Filters ---------------------------------------------------------------------------------
def typed_filters(api: ClaimdeskModelRestApi, raw_filters: list[dict[str, Any]]) -> Filters:
    """A fresh Filters (FAB's instance one is shared between requests) with typed values."""
    filters = api.datamodel.get_filters(search_columns=api.search_columns,
                                        search_filters=api.search_filters)
    typed = [
        {"col": f["col"], "opr": f["opr"],
         "value": typed_value(api, f["col"], f["opr"], f["value"])}
        for f in raw_filters
    ]
    try:
        filters.rest_add_filters(typed)
    except FABException as e:
        raise BadQuery(str(e)) from None
    return filters.get_joined_filters(api._base_filters)


def typed_value(api: ClaimdeskModelRestApi, col: str, opr: str, value: Any) -> Any:
    if opr in LIST_OPERATORS:
        if not isinstance(value, list):
            raise BadQuery(f"The filter '{opr}' on {col} needs a list of values.")
        return [_typed_scalar(api, col, v) for v in value]
    if isinstance(value, list):
        raise BadQuery(f"The filter '{opr}' on {col} needs a single value.")
    if opr in TEXT_OPERATORS:
        return _text(col, value)
    return _typed_scalar(api, col, value)


def _typed_scalar(api: ClaimdeskModelRestApi, col: str, value: Any) -> Any:
    datamodel = api.datamodel
    if datamodel.is_relation(col):
        kind: type = int
    else:
        kind = datamodel.list_columns[col].type.python_type
    problem = f"The filter value for {col} is not a valid {kind.__name__}: {value!r}"
    if kind is bool:
        if not isinstance(value, bool):
            raise BadQuery(problem)
        return value
    if isinstance(value, bool):
        raise BadQuery(problem)
    try:
        if kind is int:
            number = int(value) if isinstance(value, (int, str)) else None
            if number is None or not INT64_MIN <= number <= INT64_MAX:
                raise ValueError
            return number
        if kind is Decimal:
            amount = Decimal(str(value))
            if not amount.is_finite() or abs(amount) >= Decimal(10) ** 18:
                raise ValueError
            return amount
        if kind is datetime:
            return datetime.fromisoformat(_text(col, value))
        if kind is date:
            return date.fromisoformat(_text(col, value))
    except (ValueError, InvalidOperation, OverflowError):
        raise BadQuery(problem) from None
    return _text(col, value)


def _text(col: str, value: Any) -> str:
    if not isinstance(value, str):
        raise BadQuery(f"The filter value for {col} must be text.")
    if "\x00" in value:
        raise BadQuery(f"The filter value for {col} contains a NUL character.")
    return value
