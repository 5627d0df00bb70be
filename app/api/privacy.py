"""``GET /api/v1/member/<id>/subject_access`` (JSON or PDF) and ``POST
/api/v1/member/<id>/anonymise``: the privacy tools over REST. Admin for any member; a member
only his own export (another id answers 404). Both audited by app.services.privacy."""

from __future__ import annotations

from typing import Any

from flask import Response, g, request
from flask_appbuilder.api import BaseApi, expose
from flask_appbuilder.security.decorators import permission_name, protect

from app import security as perms
from app.api import openapi
from app.api.openapi import PK_PARAMETER, error_responses, json_response
from app.api.writes import answers_bad_input, parse_pk
from app.downloads import send
from app.extensions import db
from app.services.privacy import anonymise_member, subject_access_file
from app.services.privacy.subject_access import FORMATS

_FILE = {"type": "string", "format": "binary"}


def _subject_access_operation() -> dict[str, Any]:
    return {
        "summary": "Everything the fund holds about a member (subject-access request)",
        "description": "His record and login, dependents, claims with items and file "
        "descriptions, chronic requests, notes (a member's own copy: the notes he may see), "
        "notifications and the audit trail about his records. Admin for any member; a member "
        "his own only. Audited.",
        "parameters": [PK_PARAMETER, {"in": "query", "name": "format", "required": False,
                                      "schema": {"type": "string", "enum": list(FORMATS),
                                                 "default": "json"}}],
        "responses": {
            "200": {"description": "The export", "content": {
                "application/json": {"schema": {"type": "object"}},
                "application/pdf": {"schema": _FILE}}},
            **error_responses("400", "404"),
        },
        "tags": ["Member"],
        "security": [{"jwt": []}],
    }


def _anonymise_operation() -> dict[str, Any]:
    return {
        "summary": "Anonymise a member who left",
        "description": "Replaces names, identity numbers, contacts, payout details and free "
        "texts of the member, his dependents, claims and requests; keeps amounts and dates. "
        "Refused (409) unless the member is lapsed or terminated, has no claim in progress "
        "or awaiting payment, and was not anonymised before. Audited. No body.",
        "parameters": [PK_PARAMETER],
        "responses": {
            "200": json_response("Anonymised", {
                "type": "object", "required": ["id", "result"], "properties": {
                    "id": {"type": "integer"}, "result": {
                        "type": "object", "required": ["member_number", "anonymised_at"],
                        "properties": {"member_number": {"type": "string"},
                                       "anonymised_at": {"type": "string",
                                                         "format": "date-time"}}}}}),
            **error_responses("404", "409"),
        },
        "tags": ["Member"],
        "security": [{"jwt": []}],
    }


OPERATIONS = {"subject_access": _subject_access_operation, "anonymise": _anonymise_operation}


class MemberPrivacyApi(BaseApi):
    resource_name = "member"
    class_permission_name = perms.PRIVACY
    method_permission_name = {"subject_access": perms.READ, "anonymise": perms.WRITE}
    allow_browser_login = True
    responses = openapi.RESPONSES
    openapi_spec_tag = "Member"

    def operation_helper(self, path: Any = None, operations: Any = None, methods: Any = None,
                         func: Any = None, **kwargs: Any) -> None:
        for method in methods:
            operations[method.lower()] = OPERATIONS[func.__name__]()

    @expose("/<pk>/subject_access", methods=["GET"])
    @protect()
    @answers_bad_input
    @permission_name("subject_access")
    def subject_access(self, pk: str) -> Response:
        """A member's personal data."""
        member_id = parse_pk(pk)
        if member_id is None:
            return self.response_404()
        return send(subject_access_file(db.session, member_id,
                                        request.args.get("format", "json"), g.user))

    @expose("/<pk>/anonymise", methods=["POST"])
    @protect()
    @answers_bad_input
    @permission_name("anonymise")
    def anonymise(self, pk: str) -> Response:
        """Anonymise a member who left."""
        member_id = parse_pk(pk)
        if member_id is None:
            return self.response_404()
        member = anonymise_member(db.session, member_id, g.user)
        return self.response(200, id=member.id, result={
            "member_number": member.member_number,
            "anonymised_at": member.anonymised_at.isoformat() + "Z"})
