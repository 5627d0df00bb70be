"""Files for the upload tests, made here byte by byte: a valid receipt of each accepted type and
a corpus of hostile ones (bombs, polyglots, active content, tricks in names)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image

MB = 1024 * 1024


# --- PDFs, written object by object with a correct cross-reference table ---------------------
def pdf(*extra_objects: bytes, catalog_extra: bytes = b"", trailer_extra: bytes = b"",
        page_content: bytes = b"BT /F1 12 Tf 20 50 Td (Receipt R-1001 KES 2,500.00) Tj ET",
        header: bytes = b"%PDF-1.7\n") -> bytes:
    """A one-page PDF; ``extra_objects`` are numbered from 6 on (refer to them as ``6 0 R``)."""
    content = page_content
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *extra_objects,
    ]
    out = bytearray(header + b"%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += (b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + trailer_extra
            + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return bytes(out)


def pdf_receipt(text: str = "Receipt R-1001") -> bytes:
    return pdf(page_content=b"BT /F1 12 Tf 20 50 Td (" + text.encode() + b") Tj ET")


def pdf_with_javascript() -> bytes:
    return pdf(b"<< /Type /Action /S /JavaScript /JS (app.alert\\('hi'\\)) >>",
               catalog_extra=b"/OpenAction 6 0 R")


def pdf_with_launch_action() -> bytes:
    return pdf(b"<< /Type /Action /S /Launch /F (cmd.exe) >>", catalog_extra=b"/OpenAction 6 0 R")


def pdf_with_embedded_file() -> bytes:
    payload = b"MZ\x90\x00 not really a program"
    return pdf(
        b"<< /Type /EmbeddedFile /Length %d >>\nstream\n" % len(payload) + payload
        + b"\nendstream",
        b"<< /Type /Filespec /F (invoice.exe) /EF << /F 6 0 R >> >>",
        b"<< /Names [(invoice.exe) 7 0 R] >>",
        catalog_extra=b"/Names << /EmbeddedFiles 8 0 R >>",
    )


def encrypted_pdf() -> bytes:
    return pdf(b"<< /Filter /Standard /V 2 /R 3 /Length 128 /P -44 "
               b"/O <" + b"00" * 32 + b"> /U <" + b"00" * 32 + b"> >>",
               trailer_extra=b"/Encrypt 6 0 R /ID [<0123456789abcdef> <0123456789abcdef>]")


def pdf_bomb(expanded_mb: int = 300) -> bytes:
    """A small PDF with one Flate stream that inflates to ``expanded_mb`` MB of zeros.

    Made quickly: after a full flush a deflate block of zeros does not depend on what came
    before, so one compressed megabyte is repeated (the checksum at the end is wrong, which
    nobody reaching the bound ever reads)."""
    compressor = zlib.compressobj(9)
    head = compressor.compress(bytes(MB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(bytes(MB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = head + block * (expanded_mb - 1) + compressor.flush()
    return pdf(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream
               + b"\nendstream")


def damaged_pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R\nthis is not a PDF at all\n"


# --- Images -----------------------------------------------------------------------------------
def image(fmt: str = "JPEG", size: tuple[int, int] = (120, 80), **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt, **save)
    return out.getvalue()


GPS_POSITION = {ExifTags.GPS.GPSLatitudeRef: "S", ExifTags.GPS.GPSLatitude: (1.0, 17.0, 30.0),
                ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (36.0, 49.0, 5.0)}


def jpeg_with_gps(fmt: str = "JPEG") -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.GPSInfo] = GPS_POSITION
    return image(fmt, exif=exif.tobytes())


def heic_photo() -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    return image("HEIF", quality=60)


def jpeg_with_html_comment() -> bytes:
    """A JPEG/HTML polyglot: a comment segment right after the start carries a script."""
    data = image("JPEG")
    comment = b"<html><script>alert(document.cookie)</script></html>"
    segment = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    return data[:2] + segment + data[2:]


def png_bomb(side: int = 15000) -> bytes:
    """A bilevel PNG of side x side pixels, all white: a few dozen KB that decode to hundreds
    of megapixels."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    row = b"\x00" + b"\xff" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat)
            + chunk(b"IEND", b""))


SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b"<script>alert(1)</script></svg>")
HTML_POLYGLOT = (b"<!DOCTYPE html><html><body><script>fetch('/api/v1/claim/')</script>"
                 b"</body></html>\n" + pdf_receipt())
