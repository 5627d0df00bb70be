"""File names as clients send them, made safe to store, show and offer as a download name."""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_LENGTH = 120
FALLBACK_STEM = "attachment"
# Characters Windows and most shells give a meaning to; replaced so the name works everywhere.
_RESERVED = re.compile(r'[<>:"|?*]')
_SPACES = re.compile(r"\s+")


def sanitise_name(raw: str | None) -> str:
    """The last path part of ``raw``, normalised (NFKC), without control or format characters
    (bidirectional overrides, zero-width characters), leading dots or reserved characters, and
    at most MAX_NAME_LENGTH characters with its extension kept."""
    name = unicodedata.normalize("NFKC", raw or "")
    name = "".join(" " if ch in "\t\n\r" else ch for ch in name
                   if ch in "\t\n\r"
                   or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    name = re.split(r"[\\/]", name)[-1]
    name = _SPACES.sub(" ", _RESERVED.sub("_", name)).strip().lstrip(".").strip()
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = extension.strip()[:10]
    stem = stem.strip(" .") or FALLBACK_STEM
    room = MAX_NAME_LENGTH - (len(extension) + 1 if extension else 0)
    stem = stem[:room].rstrip(" .") or FALLBACK_STEM
    return f"{stem}.{extension}" if extension else stem


def extension_of(name: str) -> str:
    """The lower-case extension with its dot, or '' when the name has none."""
    stem, dot, extension = name.rpartition(".")
    return f".{extension.lower()}" if dot and stem else ""


def with_extension(name: str, extension: str) -> str:
    stem, dot, _ = name.rpartition(".")
    return f"{stem if dot and stem else name}{extension}"
