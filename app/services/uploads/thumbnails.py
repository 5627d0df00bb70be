"""Small previews for reviewers: images scaled down, a PDF's first page rendered (pypdfium2).
Made once when the file is accepted and stored beside it; never made from a client's request."""

from __future__ import annotations

import logging

from PIL import Image

from app.services.uploads.images import thumbnail_of_image

log = logging.getLogger(__name__)

THUMBNAIL_BOX = 320  # pixels, the longer side


def image_thumbnail(image: Image.Image) -> bytes:
    return thumbnail_of_image(image, THUMBNAIL_BOX)


def pdf_thumbnail(data: bytes) -> bytes | None:
    """The first page as a JPEG preview; None when pdfium cannot draw it (the file was already
    accepted by the checks: a missing preview is not a reason to refuse it)."""
    import pypdfium2 as pdfium  # only where a PDF is accepted, not at every worker's start

    document = None
    try:
        document = pdfium.PdfDocument(data)
        page = document[0]
        width, height = page.get_size()
        scale = THUMBNAIL_BOX / max(width, height, 1)
        image = page.render(scale=scale).to_pil()
        return thumbnail_of_image(image, THUMBNAIL_BOX)
    except Exception as error:  # noqa: BLE001  pdfium raises its own and generic errors
        log.warning("no preview for a PDF: %r", error)
        return None
    finally:
        if document is not None:
            document.close()
