"""What happens to a file between the upload and the store: name sanitised, type detected from
the content, content sanitised (images re-encoded, PDFs inspected), hashed, previewed.

Pure functions of the bytes; every refusal is a DomainError with the HTTP status it means
(app.services.uploads.errors). Storing and recording is app.services.attachments's job.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from app.services.uploads.errors import FileTooLarge, UnsafeFile, UnsupportedFileType
from app.services.uploads.images import STORED_AS, encode_image, open_image
from app.services.uploads.kinds import ALL_KINDS, PDF, Kind, detect
from app.services.uploads.names import extension_of, sanitise_name, with_extension
from app.services.uploads.pdfs import check_pdf
from app.services.uploads.thumbnails import image_thumbnail, pdf_thumbnail

__all__ = ["FileTooLarge", "PreparedFile", "UnsafeFile", "UnsupportedFileType", "prepare"]


@dataclass(frozen=True)
class PreparedFile:
    name: str  # sanitised; its extension matches the stored content
    content: bytes  # what is stored and served
    kind: Kind  # of the stored content
    sha256: str  # of the stored content
    thumbnail: bytes | None

    @property
    def size(self) -> int:
        return len(self.content)


def prepare(raw_name: str | None, data: bytes,
            allowed: tuple[Kind, ...] = ALL_KINDS) -> PreparedFile:
    """The file as the fund keeps it, or a refusal (UnsafeFile, UnsupportedFileType,
    FileTooLarge). The caller has bounded ``data`` to the size limit."""
    name = sanitise_name(raw_name)
    if not data:
        raise UnsafeFile("The file is empty.")
    kind = detect(data, extension_of(name), allowed)
    if kind is PDF:
        check_pdf(data)
        content, stored, thumbnail = data, PDF, pdf_thumbnail(data)
    else:
        image = open_image(data, kind)
        stored = STORED_AS[kind]
        content, thumbnail = encode_image(image, stored), image_thumbnail(image)
    if stored is not kind:
        name = with_extension(name, stored.extensions[0])
    return PreparedFile(name=name, content=content, kind=stored,
                        sha256=hashlib.sha256(content).hexdigest(), thumbnail=thumbnail)
