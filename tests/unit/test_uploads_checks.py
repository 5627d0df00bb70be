"""The upload checks as pure functions of the bytes: names, type detection, PDF inspection,
image re-encoding (no application needed)."""

from __future__ import annotations

import hashlib
import io
import time

import pytest
from PIL import Image

from app.services.uploads import FileTooLarge, UnsafeFile, UnsupportedFileType, prepare
from app.services.uploads.kinds import HEIC, JPEG, PDF, PNG, WEBP, parse_kinds, sniff
from app.services.uploads.names import extension_of, sanitise_name
from tests import hostile_files as h


@pytest.mark.parametrize(("raw", "clean"), [
    ("receipt.pdf", "receipt.pdf"),
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\amina\\Desktop\\scan.JPG", "scan.JPG"),
    ("invoice\u202egpj.exe", "invoicegpj.exe"),  # right-to-left override removed
    ("re\u200bce\u200dipt.pdf", "receipt.pdf"),  # zero-width characters removed
    ("\uff52\uff45\uff43\uff45\uff49\uff50\uff54\uff0e\uff50\uff44\uff46", "receipt.pdf"),
    ("line\nbreak\ttab.pdf", "line break tab.pdf"),
    ("...hidden.pdf", "hidden.pdf"),
    ('a<b>c:"d"|e?*.pdf', "a_b_c__d__e__.pdf"),
    ("", "attachment"),
    (None, "attachment"),
    ("/", "attachment"),
    (".pdf", "pdf"),
])
def test_names_are_sanitised(raw, clean):
    assert sanitise_name(raw) == clean


def test_long_names_keep_their_extension():
    name = sanitise_name("x" * 500 + ".jpeg")
    assert len(name) == 120 and name.endswith(".jpeg")


def test_extension_is_the_last_suffix_lower_case():
    assert extension_of("scan.tar.PDF") == ".pdf"
    assert extension_of("pdf") == "" and extension_of(".pdf") == ""


@pytest.mark.parametrize(("data", "kind"), [
    (h.pdf_receipt(), PDF), (h.image("JPEG"), JPEG), (h.image("PNG"), PNG),
    (h.image("WEBP"), WEBP), (h.heic_photo(), HEIC), (h.SVG, None), (h.HTML_POLYGLOT, None),
    (b"MZ\x90\x00", None), (b"GIF89a", None), (b"", None),
])
def test_types_are_detected_from_the_content(data, kind):
    assert sniff(data) is kind


def test_the_configured_types_narrow_what_is_accepted():
    assert parse_kinds("pdf, JPEG,unknown") == (PDF, JPEG)
    assert parse_kinds("") == (PDF, JPEG, PNG, WEBP, HEIC)
    with pytest.raises(UnsupportedFileType) as refused:
        prepare("photo.png", h.image("PNG"), parse_kinds("pdf,jpeg"))
    assert str(refused.value) == ("This type of file is not accepted: send a PDF or JPEG "
                                  "image.")


@pytest.mark.parametrize(("maker", "error", "message"), [
    (h.pdf_with_javascript, UnsafeFile, "JavaScript"),
    (h.pdf_with_launch_action, UnsafeFile, "starts a program"),
    (h.pdf_with_embedded_file, UnsafeFile, "embedded files"),
    (h.encrypted_pdf, UnsafeFile, "encrypted"),
    (h.damaged_pdf, UnsafeFile, "damaged"),
    (h.pdf_bomb, FileTooLarge, "expands to more than 256 MB"),
])
def test_unsafe_pdfs_are_refused(maker, error, message):
    with pytest.raises(error) as refused:
        prepare("file.pdf", maker())
    assert message in str(refused.value)


def test_a_pdf_bomb_is_refused_quickly_without_holding_its_content():
    bomb = h.pdf_bomb(1000)  # 1 GB of zeros in about 1 MB
    started = time.perf_counter()
    with pytest.raises(FileTooLarge):
        prepare("file.pdf", bomb)
    assert time.perf_counter() - started < 2


def test_an_accepted_pdf_is_kept_byte_for_byte_with_a_preview():
    data = h.pdf_receipt()
    kept = prepare("receipt.pdf", data)
    assert kept.content == data and kept.kind is PDF and kept.thumbnail
    assert Image.open(io.BytesIO(kept.thumbnail)).format == "JPEG"


def test_images_are_re_encoded_upright_without_metadata():
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees to show
    exif[0x8825] = h.GPS_POSITION
    out = io.BytesIO()
    Image.new("RGB", (60, 40), "blue").save(out, format="JPEG", exif=exif.tobytes())
    kept = prepare("photo.jpeg", out.getvalue())
    image = Image.open(io.BytesIO(kept.content))
    assert image.size == (40, 60) and dict(image.getexif()) == {}
    assert kept.sha256 != hashlib.sha256(out.getvalue()).hexdigest()


def test_a_truncated_image_is_refused_as_damaged():
    with pytest.raises(UnsafeFile) as refused:
        prepare("photo.png", h.image("PNG", size=(400, 400))[:200])
    assert "damaged or incomplete" in str(refused.value)


def test_a_pixel_bomb_is_refused_before_it_is_decoded():
    started = time.perf_counter()
    with pytest.raises(FileTooLarge):
        prepare("photo.png", h.png_bomb(9000))  # 81 megapixels, below Pillow's own bound
    assert time.perf_counter() - started < 1
