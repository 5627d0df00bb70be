"""Attachments on the web: upload several files at once from a claim's or a chronic request's
page, the list on that page (previews for reviewers), downloads and removal.

Files are served only here, after the owner record's row rule (never by FAB's download route).
Every refusal comes from app.services.attachments; :func:`refused_page` shows it.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any, Callable

from flask import Response, abort, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_appbuilder.widgets import RenderTemplateWidget

from app import security as perms
from app.services import attachments as service
from app.services.errors import DomainError, NotFound, ValidationFailed
from app.services.settings import get_setting
from app.services.uploads.kinds import accepted_description, parse_kinds

# Never let a browser render a file of ours as a page, guess its type, or cache it.
SERVED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, no-store",
}


def owner_page(owner: service.Owner) -> str:
    if owner.claim is not None:
        return url_for("ClaimView.show", pk=owner.claim.id)
    if owner.claim_note is not None:
        return url_for("ClaimNoteView.show", pk=owner.claim_note.id)
    return url_for("ChronicRequestView.show", pk=owner.chronic_request.id)  # type: ignore[union-attr]


def upload_url(owner: service.Owner) -> str:
    if owner.claim is not None:
        return url_for("AttachmentView.claim_upload", pk=owner.claim.id)
    if owner.claim_note is not None:
        return url_for("AttachmentView.note_upload", pk=owner.claim_note.id)
    return url_for("AttachmentView.request_upload", pk=owner.chronic_request.id)  # type: ignore[union-attr]


def page_context(owner: service.Owner, user: Any) -> dict[str, Any]:
    """What the list and the upload form need, on the owner's page and on the upload page."""
    from flask import current_app

    allowed = parse_kinds(current_app.config.get("UPLOAD_TYPES"))
    return {
        "owner": owner,
        "attachments": service.attachments_of(owner),
        "staff": service.viewer_is_staff(user),
        "may_upload": service.viewer_is_staff(user) or owner.is_open(),
        "may_remove": owner.is_open(),
        "upload_url": upload_url(owner),
        "accept": ",".join(ext for kind in allowed for ext in kind.extensions),
        "accepted": accepted_description(allowed),
        "max_file_mb": get_setting("max_file_mb"),
        "max_files": get_setting("max_claim_files"),
        "max_total_mb": get_setting("max_claim_files_mb"),
    }


class AttachmentsWidget(RenderTemplateWidget):
    """The files of a claim or chronic request, for its show page."""

    template = "attachments/list.html"

    def __init__(self, owner: service.Owner, user: Any) -> None:
        super().__init__(**page_context(owner, user))


def serve(data: bytes, content_type: str, name: str, *, as_attachment: bool) -> Response:
    response = send_file(BytesIO(data), mimetype=content_type, as_attachment=as_attachment,
                         download_name=name, max_age=0, etag=False, conditional=False)
    response.headers.update(SERVED_HEADERS)
    return response


class AttachmentView(BaseView):
    """``/attachments/...``: permission ``Attachment`` (write to upload and remove, read to
    download); the service applies the owner's row rule and state."""

    route_base = "/attachments"
    class_permission_name = perms.ATTACHMENT

    @expose("/claim/<int:pk>/upload", methods=["GET", "POST"])
    @has_access
    @permission_name(perms.WRITE)
    def claim_upload(self, pk: int) -> Any:
        return self._upload(lambda: service.find_owner(
            g.user, claim_id=pk, claim_item_id=_int(request.form.get("claim_item"))))

    @expose("/chronic-request/<int:pk>/upload", methods=["GET", "POST"])
    @has_access
    @permission_name(perms.WRITE)
    def request_upload(self, pk: int) -> Any:
        return self._upload(lambda: service.find_owner(g.user, chronic_request_id=pk))

    @expose("/note/<int:pk>/upload", methods=["GET", "POST"])
    @has_access
    @permission_name(perms.WRITE)
    def note_upload(self, pk: int) -> Any:
        return self._upload(lambda: service.find_owner(g.user, claim_note_id=pk))

    @expose("/<int:pk>/download")
    @has_access
    @permission_name(perms.READ)
    def download(self, pk: int) -> Any:
        try:
            attachment, data = service.download(pk, g.user)
        except NotFound:
            abort(404)
        return serve(data, attachment.content_type, attachment.original_name,
                     as_attachment=True)

    @expose("/<int:pk>/thumbnail")
    @has_access
    @permission_name(perms.READ)
    def thumbnail(self, pk: int) -> Any:
        try:
            data = service.thumbnail(pk, g.user)
        except NotFound:
            abort(404)
        return serve(data, "image/jpeg", f"preview-{pk}.jpg", as_attachment=False)

    @expose("/<int:pk>/remove", methods=["POST"])
    @has_access
    @permission_name(perms.WRITE)
    def remove(self, pk: int) -> Any:
        try:
            attachment = service.visible_attachment(pk, g.user)
            name, back = attachment.original_name, owner_page(service.owner_of(attachment))
            service.remove(pk, g.user)
        except NotFound:
            abort(404)
        except DomainError as refusal:
            flash(refusal.message, "danger")
            return redirect(back)
        flash(f"{name} was removed.", "success")
        return redirect(back)

    def _upload(self, find: Callable[[], service.Owner]) -> Any:
        try:
            owner = find()
        except NotFound:
            abort(404)
        except DomainError as refusal:  # an item that is not the claim's
            return self._form(None, refusal)
        if request.method == "POST":
            uploads = [service.Upload(f.filename, f.stream)
                       for f in request.files.getlist("files")]
            try:
                added = service.attach(owner, uploads, g.user)
            except DomainError as refusal:
                return self._form(owner, refusal)
            names = ", ".join(a.original_name for a in added)
            flash(f"Attached to the {owner.label}: {names}.", "success")
            return redirect(owner_page(owner))
        return self._form(owner)

    def _form(self, owner: service.Owner | None, refusal: DomainError | None = None) -> Any:
        if owner is None:
            abort(refusal.status if refusal else 404)
        message = None
        if refusal is not None:
            message = ("; ".join(refusal.errors.values())
                       if isinstance(refusal, ValidationFailed) else refusal.message)
        page = self.render_template("attachments/upload.html", title=f"Files of the "
                                    f"{owner.label}", back=owner_page(owner), refusal=message,
                                    **page_context(owner, g.user))
        return (page, refusal.status) if refusal else page


def _int(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else None
