"""REST resource of attachments: list and show (the row rule of the owner record applies),
``POST /`` multipart upload with the owner's id, ``GET /<id>/download`` and ``DELETE /<id>``.

Files are never created or changed as JSON: the upload route replaces FAB's POST and there is
no PUT. Refusals are JSON: 413 too large, 415 a type the fund does not accept, 409 a duplicate
or a closed owner, 422 a damaged or unsafe file, 503 the file store failed.
"""

from __future__ import annotations

from typing import Any

from flask import Response, g, request
from flask_appbuilder.api import expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name, protect

from app import security as perms
from app.api.base import ClaimdeskModelRestApi
from app.api.openapi import PK_PARAMETER, error_responses, json_response, schema_ref
from app.api.writes import BadBody, answers_bad_input, parse_pk
from app.models import Attachment
from app.services import attachments as service
from app.views.attachments import serve

OWNER_FIELDS = ("claim", "claim_item", "chronic_request", "claim_note")
_MESSAGE = {"type": "object", "required": ["message"], "properties": {"message": {
    "type": "string"}}}
_ID = {"type": "integer", "format": "int64", "minimum": 1}


def _owner_ids() -> dict[str, int | None]:
    if request.mimetype != "multipart/form-data":
        raise BadBody("Send the files as multipart/form-data: the owner's id in a field "
                      "(claim, claim_item, chronic_request or claim_note) and each file in a "
                      "field 'file'.")
    ids: dict[str, int | None] = {}
    for field in OWNER_FIELDS:
        text = request.form.get(field)
        if text is None or text == "":
            ids[f"{field}_id"] = None
            continue
        value = parse_pk(text.strip())
        if value is None:
            raise BadBody({field: ["Give the id of a record (a whole number)."]})
        ids[f"{field}_id"] = value
    if not any(ids.values()):
        raise BadBody({"claim": ["Name the claim, claim item, chronic request or note the "
                                 "files belong to."]})
    return ids


class AttachmentApi(ClaimdeskModelRestApi):
    resource_name = "attachment"
    class_permission_name = perms.ATTACHMENT
    datamodel = SQLAInterface(Attachment)
    # Uploads replace FAB's JSON POST; a file is never edited (a correction is a new file).
    exclude_route_methods = {"post", "put", "info"}
    method_permission_name = {
        **ClaimdeskModelRestApi.method_permission_name,
        "upload": perms.WRITE,
        "download": perms.READ,
        # Removing a file from a draft is part of preparing it: the SPEC's "w" of the owner.
        "delete": perms.WRITE,
    }
    add_columns = edit_columns = ["original_name"]  # unused: no JSON writes
    list_columns = ["id", "claim.id", "claim.claim_number", "claim_item.id",
                    "chronic_request.id", "claim_note.id", "original_name", "content_type",
                    "size", "sha256", "uploaded_by.id", "uploaded_at", "flagged_duplicate"]
    show_columns = list_columns
    # "The same file is on another member's claim" is for the reviewers: it would tell a member
    # that someone else sent the file he sent.
    staff_only_read_columns = ("flagged_duplicate",)
    search_columns = ["claim", "claim_item", "chronic_request", "claim_note", "content_type",
                      "original_name"]
    order_columns = ["id", "original_name", "content_type", "size", "uploaded_at"]
    base_order = ("id", "asc")

    @expose("/", methods=["POST"])
    @protect()
    @answers_bad_input
    @permission_name("upload")
    def upload(self) -> Response:
        """Attach files (OpenAPI text from route_operations below)."""
        owner = service.find_owner(g.user, **_owner_ids())
        files = [service.Upload(f.filename, f.stream) for f in request.files.getlist("file")]
        if not any(u.filename for u in files):
            raise BadBody({"file": ["Attach at least one file in the field 'file'."]})
        added = service.attach(owner, files, g.user)
        answer = {"ids": [a.id for a in added],
                  "result": [self.show_model_schema.dump(a) for a in added]}
        if self._restricted():
            self.hide_from_member(answer, answer["ids"], answer["result"])
        return self.response(201, **answer)

    @expose("/<pk>/download", methods=["GET"])
    @protect()
    @answers_bad_input
    @permission_name("download")
    def download(self, pk: str) -> Response:
        """The file itself, recorded in the audit trail."""
        attachment_id = parse_pk(pk)
        if attachment_id is None:
            return self.response_404()
        attachment, data = service.download(attachment_id, g.user)
        return serve(data, attachment.content_type, attachment.original_name,
                     as_attachment=True)

    @expose("/<pk>", methods=["DELETE"])
    @protect()
    @answers_bad_input
    @permission_name("delete")
    def delete(self, pk: str) -> Response:
        """Remove a file while its claim is a draft or information is requested."""
        attachment_id = parse_pk(pk)
        if attachment_id is None:
            return self.response_404()
        service.remove(attachment_id, g.user)
        return self.response(200, message="Deleted.")

    route_operations = {
        "upload": lambda api: _upload_operation(api),
        "download": lambda api: _download_operation(),
    }


def _upload_operation(api: AttachmentApi) -> dict[str, Any]:
    return {
        "summary": "Attach files to a claim, a claim item, a chronic request or a note",
        "description": "multipart/form-data with the owner's id and one or more files. Each "
        "file's type is detected from its content (PDF, JPEG, PNG, WebP, HEIC/HEIF; the name's "
        "extension must match); images are re-encoded without metadata, HEIC stored as JPEG; "
        "PDFs with JavaScript, launch actions, embedded files or encryption are refused. All "
        "files are accepted or none. Limits are the fund's settings max_file_mb, "
        "max_claim_files_mb and max_claim_files.",
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object",
            "required": ["file"],
            "properties": {
                "claim": {**_ID, "description": "The claim's id."},
                "claim_item": {**_ID, "description": "One of the claim's items: the file is "
                               "its receipt."},
                "chronic_request": {**_ID, "description": "The chronic request's id."},
                "claim_note": {**_ID, "description": "A note on a claim (the fund's staff "
                               "only)."},
                "file": {"type": "array", "items": {"type": "string", "format": "binary"}},
            },
        }}}},
        "responses": {
            "201": json_response("Attached; the records as GET shows them", {
                "type": "object",
                "required": ["ids", "result"],
                "properties": {
                    "ids": {"type": "array", "items": _ID},
                    "result": {"type": "array",
                               "items": schema_ref(f"{type(api).__name__}.get")},
                },
            }),
            "415": json_response("A file of a type the fund does not accept, or whose name "
                                 "does not match its content", _MESSAGE),
            "503": json_response("The file store failed; nothing was kept", _MESSAGE),
            **error_responses("400", "404", "409", "413", "422"),
        },
    }


def _download_operation() -> dict[str, Any]:
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        "summary": "Download an attachment",
        "description": "The stored file with its detected content type, as an attachment "
        "(Content-Disposition), never to be sniffed (X-Content-Type-Options: nosniff). "
        "Recorded in the audit trail.",
        "parameters": [PK_PARAMETER],
        "responses": {
            "200": {"description": "The file", "content": {
                "application/pdf": binary, "image/jpeg": binary, "image/png": binary,
                "image/webp": binary}},
            "503": json_response("The file store failed", _MESSAGE),
            **error_responses("404"),
        },
    }
