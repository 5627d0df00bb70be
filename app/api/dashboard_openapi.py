"""The OpenAPI operations of the dashboard's charts (app.api.dashboard), one per chart, written
to match what app.services.dashboard answers."""

from __future__ import annotations

from typing import Any

from app.api.openapi import error_responses, json_response

_INT = {"type": "integer", "minimum": 0}
_ID = {"type": "integer", "format": "int64"}
_TEXT = {"type": "string"}
_MONEY = {"type": "string", "pattern": r"^\d+\.\d{2}$",
          "description": "An amount with two decimal places"}
_DAYS = {"type": "number", "nullable": True, "minimum": 0,
         "description": "Days, one decimal place; null when nothing was decided"}
_MONTH = {"type": "string", "pattern": r"^\d{4}-\d{2}$"}
_DATE = {"type": "string", "format": "date"}
_YEAR = {"type": "object", "required": ["start", "end"],
         "properties": {"start": _DATE, "end": _DATE}}
_SLA_COUNTS = {"on_track": _INT, "at_risk": _INT, "breached": _INT, "no_clock": _INT}
_PERIOD = {
    "type": "object",
    "required": ["months_from", "today", "benefit_year"],
    "properties": {"months_from": _DATE, "today": _DATE, "benefit_year": _YEAR},
    "description": "The 12 months the monthly figures cover start on months_from (the fund's "
    "local dates); amounts of a benefit year count claims treated in benefit_year.",
}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": list(properties), "properties": properties}


def _rows(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": _object(properties)}


_CHARTS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "open_claims": (
        "Open claims by status",
        "Claims not yet finished: undecided (submitted, under review, information requested, "
        "appealed, with the trustees) and decided but not yet paid (approved, partially "
        "approved). Every status is listed, zeros included.",
        {"total": _INT, "statuses": _rows({
            "status": _TEXT, "label": _TEXT, "count": _INT,
            "stage": {"type": "string", "enum": ["undecided", "awaiting payment"]}})},
    ),
    "monthly": (
        "Submissions and decisions per month",
        "The last 12 months, this one included, oldest first: claims by the month of their "
        "submission and of their latest decision.",
        {"months": _rows({"month": _MONTH, "label": _TEXT, "submitted": _INT, "decided": _INT})},
    ),
    "sla": (
        "SLA of the open claims",
        "Open claims (as in open_claims) by the status of the clock their state runs: the "
        "decision's while undecided (standing still while information is requested), the "
        "payment's once decided; no_clock counts those without one. The totals add both "
        "clocks. The breaches_in_period figures count claims whose decision or payment date "
        "passed in the 12 months (a first appeal starts a new decision clock). payments: "
        "claims awaiting payment (due_soon: clock at risk, overdue: date passed), those already "
        "in an open batch, paid claims not yet reconciled with a statement, and settled ones "
        "(reconciled: only these count as settled).",
        {"open": _INT, **_SLA_COUNTS, "decision": _object(_SLA_COUNTS),
         "payment": _object(_SLA_COUNTS), "decision_breaches_in_period": _INT,
         "payment_breaches_in_period": _INT, "payments": _object({
             "awaiting": _INT, "awaiting_amount": _MONEY, "due_soon": _INT, "overdue": _INT,
             "overdue_amount": _MONEY, "in_open_batches": _INT, "paid_unreconciled": _INT,
             "paid_unreconciled_amount": _MONEY, "settled": _INT, "settled_amount": _MONEY})},
    ),
    "decision_time": (
        "Median decision time",
        "Days from submission to the latest decision of the claims decided in the 12 months: "
        "the median overall and per month of decision.",
        {"decided": _INT, "median_days": _DAYS,
         "months": _rows({"month": _MONTH, "label": _TEXT, "decided": _INT,
                          "median_days": _DAYS})},
    ),
    "categories": (
        "Approved amounts per benefit category against limits",
        "Approved line amounts of decided claims (approved, partially approved, paid) treated "
        "in this benefit year, by the line's benefit category; persons: members or "
        "dependents with an approved amount in it; limit_total: the annual limit per person "
        "times persons (null without a limit); used_percent: approved / limit_total x 100.",
        {"benefit_year": _YEAR, "categories": _rows({
            "category": _TEXT, "name": _TEXT, "approved": _MONEY, "persons": _INT,
            "annual_limit": {**_MONEY, "nullable": True},
            "limit_total": {**_MONEY, "nullable": True},
            "used_percent": {"type": "string", "nullable": True, "pattern": r"^\d+\.\d$"}})},
    ),
    "top_claimants": (
        "Top claimants",
        "The ten members with the highest approved totals on decided claims (approved, "
        "partially approved, paid) treated in this benefit year.",
        {"benefit_year": _YEAR, "members": _rows({
            "member_id": _ID, "member_number": _TEXT, "name": _TEXT, "claims": _INT,
            "approved": _MONEY})},
    ),
    "reviewers": (
        "Reviewers' workload and performance",
        "Per committee member (and anyone else holding or deciding claims): undecided claims "
        "assigned now; claims whose latest decision he made in the 12 months and their median "
        "days from submission; SLA breaches of claims assigned to him; and his decisions an "
        "appeal changed (the audit trail's first decision after an appeal gave another outcome "
        "or approved total), counted in the month of the new decision.",
        {"months_from": _DATE, "reviewers": _rows({
            "user_id": _ID, "name": _TEXT, "username": _TEXT, "open_assigned": _INT,
            "decided": _INT, "median_days": _DAYS, "breaches": _INT,
            "appeals_overturned": _INT})},
    ),
}


def operation(chart: str) -> dict[str, Any]:
    summary, description, properties = _CHARTS[chart]
    result = _object({"period": _PERIOD, **properties})
    return {
        "summary": summary,
        "description": description,
        "tags": ["Dashboard"],
        "responses": {
            "200": json_response("The chart's numbers",
                                 _object({"result": result})),
            **error_responses(),
        },
        "security": [{"jwt": []}],
    }
