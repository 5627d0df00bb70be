"""Attachments: files accepted onto a claim (or one of its items), a chronic request or a note
on a claim, served back to those who may see their owner, removed while the owner is still being
prepared (a note's files are kept with the claim's record: staff add them, nobody removes them).

Each function owns its transaction. The order of storing and recording is what keeps the store
and the database in step: objects are stored first; a failed store writes no row; a failed
database write removes the objects it stored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import IO, Any, Iterable

import sqlalchemy as sa
from flask import current_app

from app.access import current_user, is_restricted, scope_query
from app.extensions import db
from app.models import Attachment, ChronicRequest, Claim, ClaimItem, ClaimNote
from app.services.audit import record
from app.services.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from app.services.settings import get_setting
from app.services.storage import FileStorage, new_key, storage, thumbnail_key
from app.services.uploads import FileTooLarge, PreparedFile, prepare
from app.services.uploads.kinds import parse_kinds
from app.services.uploads.names import sanitise_name

log = logging.getLogger(__name__)
MB = 1024 * 1024
# While these hold, the owner's files may still change (SPEC: own rw while draft/info_requested).
OPEN_CLAIM_STATUSES = ("draft", "info_requested")
OPEN_REQUEST_STATUS = "pending"


@dataclass(frozen=True)
class Upload:
    """One file as a client sent it."""

    filename: str | None
    stream: IO[bytes]


@dataclass(frozen=True)
class Owner:
    """The record files are attached to: a claim (maybe one of its items), a request or a
    note on a claim."""

    claim: Claim | None = None
    claim_item: ClaimItem | None = None
    chronic_request: ChronicRequest | None = None
    claim_note: ClaimNote | None = None

    @property
    def label(self) -> str:
        if self.claim is not None:
            return f"claim {self.claim.claim_number}"
        if self.claim_note is not None:
            return f"note #{self.claim_note.id} on claim {self.claim_note.claim.claim_number}"
        return f"chronic request #{self.chronic_request.id}"  # type: ignore[union-attr]

    def clause(self) -> Any:
        if self.claim is not None:
            return Attachment.claim_id == self.claim.id
        if self.claim_note is not None:
            return Attachment.claim_note_id == self.claim_note.id
        return Attachment.chronic_request_id == self.chronic_request.id  # type: ignore[union-attr]

    def is_open(self) -> bool:
        if self.claim is not None:
            return self.claim.status in OPEN_CLAIM_STATUSES
        if self.claim_note is not None:
            return False  # part of the claim's record once written
        return self.chronic_request.status == OPEN_REQUEST_STATUS  # type: ignore[union-attr]

    def closed_message(self, doing: str) -> str:
        if self.claim_note is not None:
            return (f"Files of a note are kept with the claim's record: they cannot be {doing} "
                    "by a member or removed.")
        if self.claim is not None:
            state = self.claim.status.replace("_", " ")
            return (f"Claim {self.claim.claim_number} is {state}: files can be {doing} only "
                    "while it is a draft or information is requested; a correction is a new "
                    "file.")
        return (f"The chronic request is {self.chronic_request.status}: files can be "  # type: ignore[union-attr]
                f"{doing} only while it is pending.")


def _visible(model: type, record_id: Any, user: Any) -> Any:
    if not isinstance(record_id, int):
        return None
    return db.session.scalars(
        scope_query(sa.select(model).where(model.id == record_id), model, user)).first()


def find_owner(user: Any, *, claim_id: int | None = None, claim_item_id: int | None = None,
               chronic_request_id: int | None = None, claim_note_id: int | None = None) -> Owner:
    """The record named, if ``user`` may see it; NotFound otherwise (another member's record
    looks exactly like one that does not exist)."""
    if claim_note_id is not None:
        if any(i is not None for i in (claim_id, claim_item_id, chronic_request_id)):
            raise ValidationFailed({"claim_note": "Attach to a note or to another record, not "
                                                  "both."})
        note = _visible(ClaimNote, claim_note_id, user)
        if note is None:
            raise NotFound("There is no such note.")
        return Owner(claim_note=note)
    if chronic_request_id is not None:
        if claim_id is not None or claim_item_id is not None:
            raise ValidationFailed({"chronic_request": "Attach to a claim or to a chronic "
                                                       "request, not both."})
        request = _visible(ChronicRequest, chronic_request_id, user)
        if request is None:
            raise NotFound("There is no such chronic request.")
        return Owner(chronic_request=request)
    item = None
    if claim_item_id is not None:
        item = _visible(ClaimItem, claim_item_id, user)
        if item is None or (claim_id is not None and item.claim_id != claim_id):
            raise ValidationFailed({"claim_item": "Choose one of the claim's own items."})
        claim_id = item.claim_id
    if claim_id is None:
        raise ValidationFailed({"claim": "Name the claim or the chronic request the files "
                                         "belong to."})
    claim = _visible(Claim, claim_id, user)
    if claim is None:
        raise NotFound("There is no such claim.")
    return Owner(claim=claim, claim_item=item)


def attachments_of(owner: Owner) -> list[Attachment]:
    return list(db.session.scalars(
        sa.select(Attachment).where(owner.clause()).order_by(Attachment.id)))


# --- Accepting files ----------------------------------------------------------------------------


def _read_bounded(upload: Upload, limit: int) -> bytes:
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(f"The file is larger than {limit // MB} MB, the most one file may be.")
    return data


def _prepare_all(owner: Owner, uploads: list[Upload]) -> list[PreparedFile]:
    """Every file checked and sanitised, or the first refusal, naming the file."""
    file_limit = int(get_setting("max_file_mb")) * MB
    allowed = parse_kinds(current_app.config.get("UPLOAD_TYPES"))
    prepared: list[PreparedFile] = []
    for upload in uploads:
        try:
            prepared.append(prepare(upload.filename, _read_bounded(upload, file_limit), allowed))
        except DomainError as refusal:
            refusal.message = f"{sanitise_name(upload.filename)}: {refusal.message}"
            refusal.args = (refusal.message,)
            raise
    _check_owner_limits(owner, prepared)
    _check_duplicates(owner, prepared)
    return prepared


def _check_owner_limits(owner: Owner, prepared: list[PreparedFile]) -> None:
    count, total = db.session.execute(
        sa.select(sa.func.count(Attachment.id), sa.func.coalesce(sa.func.sum(Attachment.size), 0))
        .where(owner.clause())).one()
    max_files = int(get_setting("max_claim_files"))
    if count + len(prepared) > max_files:
        raise ValidationFailed({"files": f"The {owner.label} may have at most {max_files} "
                                         f"files; it has {count}."})
    max_total = int(get_setting("max_claim_files_mb")) * MB
    if int(total) + sum(f.size for f in prepared) > max_total:
        raise FileTooLarge(f"The files of the {owner.label} may add up to at most "
                           f"{max_total // MB} MB; these would take it over.")


def _check_duplicates(owner: Owner, prepared: list[PreparedFile]) -> None:
    hashes = [f.sha256 for f in prepared]
    known = set(db.session.scalars(
        sa.select(Attachment.sha256).where(owner.clause(), Attachment.sha256.in_(hashes))))
    for f in prepared:
        if f.sha256 in known:
            raise Conflict(f"{f.name}: this file is already attached to the {owner.label}.")
        known.add(f.sha256)


def _seen_on_other_members_claim(owner: Owner, sha256: str) -> int | None:
    if owner.claim is None:
        return None
    return db.session.scalars(
        sa.select(Attachment.id).join(Claim, Attachment.claim_id == Claim.id)
        .where(Attachment.sha256 == sha256, Claim.member_id != owner.claim.member_id)
        .order_by(Attachment.id).limit(1)).first()


def attach(owner: Owner, uploads: Iterable[Upload], user: Any) -> list[Attachment]:
    """Accept every file onto ``owner`` or none of them (the first refusal is raised)."""
    uploads = [u for u in uploads if u.filename]  # a browser sends a nameless part for none
    if not uploads:
        raise ValidationFailed({"files": "Choose at least one file."})
    if is_restricted(user) and owner.claim_note is not None:
        raise Forbidden("Only the fund's staff add files to a note.")
    if is_restricted(user) and not owner.is_open():
        raise Conflict(owner.closed_message("added"))
    prepared = _prepare_all(owner, uploads)
    backend = storage()
    stored: list[str] = []
    try:
        rows = [_store(backend, owner, f, user, stored) for f in prepared]
        db.session.add_all(rows)
        db.session.flush()
        for row in rows:
            record(db.session, "attachment.upload", actor=user, resource_type="attachment",
                   resource_id=row.id, details=_details(row))
        db.session.commit()
    except sa.exc.IntegrityError:
        _undo(backend, stored)
        # Another upload of the same file won the race for the unique (owner, sha256).
        raise Conflict(f"One of the files is already attached to the {owner.label}.") from None
    except BaseException:
        _undo(backend, stored)
        raise
    return rows


def _store(backend: FileStorage, owner: Owner, f: PreparedFile, user: Any,
           stored: list[str]) -> Attachment:
    key = new_key()
    backend.put(key, f.content, f.kind.content_type)
    stored.append(key)
    thumb = None
    if f.thumbnail is not None:
        thumb = thumbnail_key(key)
        backend.put(thumb, f.thumbnail, "image/jpeg")
        stored.append(thumb)
    return Attachment(
        claim=owner.claim, claim_item=owner.claim_item, chronic_request=owner.chronic_request,
        claim_note=owner.claim_note,
        original_name=f.name, content_type=f.kind.content_type, size=f.size, sha256=f.sha256,
        storage_key=key, thumbnail_key=thumb, uploaded_by_id=getattr(user, "id", None),
        duplicate_of_id=_seen_on_other_members_claim(owner, f.sha256),
    )


def _undo(backend: FileStorage, keys: list[str]) -> None:
    db.session.rollback()
    for key in keys:
        try:
            backend.delete(key)
        except DomainError:
            log.error("stored object %s is left without a record: remove it by hand", key)


def _details(row: Attachment) -> dict[str, Any]:
    return {"claim_id": row.claim_id, "claim_item_id": row.claim_item_id,
            "chronic_request_id": row.chronic_request_id, "claim_note_id": row.claim_note_id,
            "name": row.original_name,
            "content_type": row.content_type, "size": row.size, "sha256": row.sha256,
            "duplicate_of": row.duplicate_of_id}


# --- Serving and removing -----------------------------------------------------------------------


def visible_attachment(attachment_id: Any, user: Any) -> Attachment:
    found = _visible(Attachment, attachment_id, user)
    if found is None:
        raise NotFound("There is no such attachment.")
    return found


def download(attachment_id: Any, user: Any) -> tuple[Attachment, bytes]:
    """The file's bytes for ``user``, recorded in the audit trail before they are handed out."""
    attachment = visible_attachment(attachment_id, user)
    data = storage().get(attachment.storage_key)
    record(db.session, "attachment.download", actor=user, resource_type="attachment",
           resource_id=attachment.id, details=_details(attachment))
    db.session.commit()
    return attachment, data


def thumbnail(attachment_id: Any, user: Any) -> bytes:
    attachment = visible_attachment(attachment_id, user)
    if attachment.thumbnail_key is None:
        raise NotFound("This file has no preview.")
    return storage().get(attachment.thumbnail_key)


def owner_of(attachment: Attachment) -> Owner:
    if attachment.claim is not None:
        return Owner(claim=attachment.claim, claim_item=attachment.claim_item)
    if attachment.claim_note is not None:
        return Owner(claim_note=attachment.claim_note)
    return Owner(chronic_request=attachment.chronic_request)


def may_remove(attachment: Attachment) -> bool:
    return owner_of(attachment).is_open()


def remove(attachment_id: Any, user: Any) -> Owner:
    """Delete a file while its owner is still open; afterwards files are kept as evidence."""
    attachment = visible_attachment(attachment_id, user)
    owner = owner_of(attachment)
    if not owner.is_open():
        raise Conflict(owner.closed_message("removed"))
    keys = [k for k in (attachment.storage_key, attachment.thumbnail_key) if k]
    db.session.execute(sa.update(Attachment).where(Attachment.duplicate_of_id == attachment.id)
                       .values(duplicate_of_id=None))
    record(db.session, "attachment.delete", actor=user, resource_type="attachment",
           resource_id=attachment.id, details=_details(attachment))
    db.session.delete(attachment)
    db.session.commit()
    backend = storage()
    for key in keys:  # after the commit: a failure leaves an orphan object, never a lost file
        try:
            backend.delete(key)
        except DomainError:
            log.error("removed attachment's object %s is still stored: remove it by hand", key)
    return owner


def items_with_attachments(claim_id: int) -> set[int]:
    """Ids of the claim's items that have a file of their own (a receipt in place of a number)."""
    return set(db.session.scalars(
        sa.select(Attachment.claim_item_id)
        .where(Attachment.claim_id == claim_id, Attachment.claim_item_id.is_not(None))))


def viewer_is_staff(user: Any | None = None) -> bool:
    user = user if user is not None else current_user()
    return user is not None and not is_restricted(user)
