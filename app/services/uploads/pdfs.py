"""PDFs are parsed and every object looked at before one is accepted: refused when encrypted,
damaged, carrying JavaScript, actions that launch programs or embedded files, or when their
compressed streams expand beyond a bound (a small file that inflates to gigabytes)."""

from __future__ import annotations

import io
import logging
import zlib
from typing import Any

from pypdf import PdfReader
from pypdf.errors import LimitReachedError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

from app.services.errors import DomainError
from app.services.uploads.errors import FileTooLarge, UnsafeFile

log = logging.getLogger(__name__)

# The most all of a PDF's streams may expand to. Scanned pages are images whose codecs (JPEG,
# JBIG2, CCITT) we never expand; text and vector pages of a 10 MB file stay far below this.
MAX_EXPANDED_BYTES = 256 * 1024 * 1024
_CHUNK = 1024 * 1024
_FLATE = {"/FlateDecode", "/Fl"}
_IMAGE_CODECS = {"/DCTDecode", "/DCT", "/JPXDecode", "/CCITTFaxDecode", "/CCF", "/JBIG2Decode"}

DAMAGED = "The PDF could not be read: it is damaged or not a real PDF."
ENCRYPTED = "The PDF is encrypted or protected by a password: send it without a password."
JAVASCRIPT = ("The PDF contains JavaScript, which the fund does not accept: print it to a new "
              "PDF or scan the paper instead.")
LAUNCH = ("The PDF contains an action that starts a program, which the fund does not accept: "
          "print it to a new PDF or scan the paper instead.")
EMBEDDED = "The PDF carries embedded files or media: upload each document as a file of its own."
EXPANDS = (f"The PDF's content expands to more than {MAX_EXPANDED_BYTES // (1024 * 1024)} MB: "
           "send a smaller or scanned copy.")


def check_pdf(data: bytes) -> None:
    """Refuse ``data`` unless it is a PDF we are willing to keep and serve."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UnsafeFile(ENCRYPTED)
        _Inspection(reader).run()
        if len(reader.pages) < 1:
            raise UnsafeFile(DAMAGED)
    except DomainError:
        raise
    except LimitReachedError:
        raise FileTooLarge(EXPANDS) from None
    except RecursionError:
        raise UnsafeFile(DAMAGED) from None
    except Exception as error:  # noqa: BLE001  hostile input: any parser failure means damaged
        log.info("PDF refused as damaged: %r", error)
        raise UnsafeFile(DAMAGED) from None


class _Inspection:
    """One pass over every object: the xref's and every one referred to."""

    def __init__(self, reader: PdfReader) -> None:
        self.reader = reader
        self.expanded = 0
        self.seen: set[tuple[int, int]] = set()

    def run(self) -> None:
        pending: list[Any] = [self.reader.trailer]
        for generation, numbers in self.reader.xref.items():
            if generation != 65535:  # free entries
                pending.extend(IndirectObject(n, generation, self.reader) for n in numbers)
        pending.extend(IndirectObject(n, 0, self.reader) for n in self.reader.xref_objStm)
        while pending:
            item = pending.pop()
            if isinstance(item, IndirectObject):
                ref = (item.idnum, item.generation)
                if ref in self.seen:
                    continue
                self.seen.add(ref)
                item = item.get_object()
            if isinstance(item, DictionaryObject):
                self._check_dictionary(item)
                if isinstance(item, StreamObject):
                    self._count_stream(item)
                # dict's own methods give the values unresolved: references join the queue.
                pending.extend(dict.values(item))
            elif isinstance(item, ArrayObject):
                pending.extend(list.__iter__(item))

    @staticmethod
    def _check_dictionary(item: DictionaryObject) -> None:
        keys = set(dict.keys(item))
        action = _resolved(dict.get(item, "/S"))
        if keys & {"/JS", "/JavaScript"} or action == NameObject("/JavaScript"):
            raise UnsafeFile(JAVASCRIPT)
        if action == NameObject("/Launch"):
            raise UnsafeFile(LAUNCH)
        if keys & {"/EmbeddedFiles", "/EF", "/RichMedia", "/RichMediaContent"} or (
                _resolved(dict.get(item, "/Type")) == NameObject("/EmbeddedFile")):
            raise UnsafeFile(EMBEDDED)

    def _count_stream(self, stream: StreamObject) -> None:
        raw = getattr(stream, "_data", b"") or b""
        filters = _resolved(dict.get(stream, "/Filter"))
        names = [str(_resolved(f)) for f in filters] if isinstance(filters, ArrayObject) else (
            [str(filters)] if filters is not None else [])
        if names and names[0] in _FLATE:
            self.expanded += _inflated_size(raw, MAX_EXPANDED_BYTES - self.expanded)
        elif not names or all(name in _IMAGE_CODECS for name in names):
            self.expanded += len(raw)
        else:  # ASCII85, LZW, RunLength...: pypdf decodes them within its own bound
            self.expanded += len(stream.get_data())
        if self.expanded > MAX_EXPANDED_BYTES:
            raise FileTooLarge(EXPANDS)


def _resolved(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _inflated_size(raw: bytes, budget: int) -> int:
    """How far ``raw`` inflates, reading at most ``budget`` + 1 bytes of output (never keeping
    more than one chunk); a damaged stream counts as far as it goes."""
    inflater = zlib.decompressobj()
    total = 0
    data = raw
    try:
        while data and total <= budget:
            total += len(inflater.decompress(data, _CHUNK))
            data = inflater.unconsumed_tail
    except zlib.error:
        pass
    return total
