"""The OpenAPI operations of the reports (app.api.reports), written to match what they answer."""

from __future__ import annotations

from typing import Any

from app.api.openapi import error_responses, json_response
from app.models.enums import CLAIM_STATUSES, CLAIM_TYPES
from app.services.reports import TITLES
from app.services.reports.render import FORMATS, ROW_FORMATS
from app.services.reports.render.files import MEDIA_TYPES

_TEXT = {"type": "string"}
_DATE = {"type": "string", "format": "date"}
_FILE = {"type": "string", "format": "binary"}
_CELL = {"nullable": True, "anyOf": [{"type": "string"}, {"type": "number"}]}

FILTER_PARAMETERS = [
    {"in": "query", "name": "date_from", "required": False, "schema": _DATE,
     "description": "First day of the period (the fund's date); default: the start of the "
     "benefit year of date_to. A period covers at most ten years."},
    {"in": "query", "name": "date_to", "required": False, "schema": _DATE,
     "description": "Last day of the period, included; default: today."},
    {"in": "query", "name": "claim_type", "required": False,
     "schema": {"type": "string", "enum": list(CLAIM_TYPES)}},
    {"in": "query", "name": "status", "required": False,
     "schema": {"type": "string", "enum": list(CLAIM_STATUSES)}},
    {"in": "query", "name": "provider_id", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
     "description": "An existing provider's id (another answers 400)."},
]
_ROW = {"type": "object", "additionalProperties": _CELL}
REPORT_DOCUMENT = {
    "type": "object",
    "required": ["report", "title", "description", "filters", "filters_not_applied",
                 "columns", "rows", "totals"],
    "properties": {
        "report": _TEXT, "title": _TEXT, "description": _TEXT,
        "filters": {"type": "object", "properties": {
            "date_from": _DATE, "date_to": _DATE,
            "claim_type": {"type": "string", "nullable": True},
            "status": {"type": "string", "nullable": True},
            "provider_id": {"type": "integer", "nullable": True}}},
        "filters_not_applied": {"type": "array", "items": _TEXT},
        "columns": {"type": "array", "items": {
            "type": "object", "required": ["key", "label", "kind"],
            "properties": {"key": _TEXT, "label": _TEXT, "kind": {
                "type": "string", "enum": ["text", "int", "money", "days", "percent", "date"]}}}},
        "rows": {"type": "array", "items": _ROW},
        "totals": _ROW,
    },
    "description": "Money as strings with two decimals; days as numbers with one decimal; "
    "percentages as strings with one decimal.",
}


def _files(formats: tuple[str, ...], json_schema: dict[str, Any] | None) -> dict[str, Any]:
    content = {MEDIA_TYPES[f].split(";")[0]: {"schema": _FILE} for f in formats
               if f != "json"}
    if json_schema is not None:
        content["application/json"] = {"schema": json_schema}
    return content


def report_operation() -> dict[str, Any]:
    return {
        "summary": "Run a report",
        "description": "One of the fund's reports over the filters, as a file: JSON (the "
        "default), CSV, Excel or PDF. Each call is recorded in the audit trail. Reports: "
        + "; ".join(f"{name} ({title})" for name, title in TITLES.items()) + ".",
        "tags": ["Reports"],
        "parameters": [
            {"in": "path", "name": "report", "required": True,
             "schema": {"type": "string", "enum": list(TITLES)}},
            {"in": "query", "name": "format", "required": False,
             "schema": {"type": "string", "enum": list(FORMATS), "default": "json"}},
            *FILTER_PARAMETERS,
        ],
        "responses": {
            "200": {"description": "The report", "content": _files(FORMATS, REPORT_DOCUMENT)},
            **error_responses("400", "404"),
        },
        "security": [{"jwt": []}],
    }


def claims_export_operation() -> dict[str, Any]:
    return {
        "summary": "Export the claims list",
        "description": "Every claim submitted in the period that matches the filters, one row "
        "each (no medical details), streamed: CSV (the default) and JSON Lines at any size, "
        "Excel up to 1,048,575 claims (more answers 400). Recorded in the audit trail with "
        "the filters and the number of rows.",
        "tags": ["Reports"],
        "parameters": [
            {"in": "query", "name": "format", "required": False,
             "schema": {"type": "string", "enum": list(ROW_FORMATS), "default": "csv"}},
            *FILTER_PARAMETERS,
        ],
        "responses": {
            "200": {"description": "The claims", "content": _files(ROW_FORMATS, None)},
            **error_responses("400"),
        },
        "security": [{"jwt": []}],
    }


def list_operation() -> dict[str, Any]:
    return {
        "summary": "The reports there are",
        "tags": ["Reports"],
        "responses": {
            "200": json_response("Each report's name, title and formats", {
                "type": "object", "required": ["result"], "properties": {"result": {
                    "type": "array", "items": {
                        "type": "object", "required": ["name", "title", "formats"],
                        "properties": {"name": _TEXT, "title": _TEXT, "formats": {
                            "type": "array", "items": _TEXT}}}}}}),
            **error_responses(),
        },
        "security": [{"jwt": []}],
    }
