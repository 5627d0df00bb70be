"""The file types the fund accepts, recognised by their content (never by name or declared type).

Only types we can sanitise are here: a PDF is parsed and checked, an image is decoded and
re-encoded. ``CLAIMDESK_UPLOAD_TYPES`` narrows the list.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from app.services.uploads.errors import UnsupportedFileType

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    name: str  # as written in CLAIMDESK_UPLOAD_TYPES
    label: str
    content_type: str
    extensions: tuple[str, ...]  # the first is used when a file is converted to this kind
    pillow_format: str | None = None  # what Pillow must find when it decodes an image


PDF = Kind("pdf", "PDF", "application/pdf", (".pdf",))
JPEG = Kind("jpeg", "JPEG image", "image/jpeg", (".jpg", ".jpeg", ".jpe"), "JPEG")
PNG = Kind("png", "PNG image", "image/png", (".png",), "PNG")
WEBP = Kind("webp", "WebP image", "image/webp", (".webp",), "WEBP")
# Phones' photos; decoded with pillow-heif and stored as JPEG, which every browser shows.
HEIC = Kind("heic", "HEIC/HEIF photo", "image/heic", (".heic", ".heif"), "HEIF")
KINDS = {kind.name: kind for kind in (PDF, JPEG, PNG, WEBP, HEIC)}

# ISO base media "ftyp" brands of HEIF still images (HEVC-coded or generic).
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs",
               b"mif1", b"msf1"}


def sniff(data: bytes) -> Kind | None:
    """The kind the first bytes announce; None for anything else (SVG, HTML, executables...)."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data[4:8] == b"ftyp" and _is_heif(data):
        return HEIC
    return None


def _is_heif(data: bytes) -> bool:
    size = int.from_bytes(data[:4], "big")
    box = data[8:min(size, 64)] if size >= 16 else b""
    brands = {box[i:i + 4] for i in range(0, len(box) - 3, 4) if i != 4}  # skip minor version
    major = box[:4]
    # AVIF files also list mif1; they are not HEIC and not accepted.
    return major in HEIF_BRANDS and not brands & {b"avif", b"avis"}


ALL_KINDS: tuple[Kind, ...] = tuple(KINDS.values())


def parse_kinds(names: str | None) -> tuple[Kind, ...]:
    """The kinds a comma-separated list names (CLAIMDESK_UPLOAD_TYPES); empty means all."""
    if not names or not names.strip():
        return ALL_KINDS
    kinds = []
    for name in (n.strip().lower() for n in names.split(",")):
        if name in KINDS:
            kinds.append(KINDS[name])
        elif name:
            log.warning("CLAIMDESK_UPLOAD_TYPES names %r, which is not a known type", name)
    return tuple(kinds)


def accepted_description(allowed: tuple[Kind, ...]) -> str:
    labels = [kind.label for kind in allowed]
    return ", ".join(labels[:-1]) + " or " + labels[-1] if len(labels) > 1 else "".join(labels)


def detect(data: bytes, extension: str, allowed: tuple[Kind, ...] = ALL_KINDS) -> Kind:
    """The accepted kind of ``data``, whose name ends in ``extension``; refused otherwise."""
    kind = sniff(data)
    if kind is None or kind not in allowed:
        raise UnsupportedFileType(
            f"This type of file is not accepted: send a {accepted_description(allowed)}.")
    if extension.lower() not in kind.extensions:
        shown = extension or "no extension"
        raise UnsupportedFileType(
            f"The file holds a {kind.label} but its name ends in {shown}: name it "
            f"{' or '.join(kind.extensions)}.")
    return kind
