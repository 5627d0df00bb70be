"""Images are decoded and encoded again, so only their pixels survive: EXIF (GPS position,
camera serial), comments, embedded profiles and anything appended after the image are gone."""

from __future__ import annotations

import io
import warnings

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from app.services.uploads.errors import FileTooLarge, UnsafeFile, UnsupportedFileType
from app.services.uploads.kinds import HEIC, JPEG, PNG, WEBP, Kind

pillow_heif.register_heif_opener()

# A bound on decoded size against decompression bombs (a small file that claims a huge
# canvas): 50 megapixels holds every phone camera's full-size photo and a 600 dpi A4 scan.
MAX_PIXELS = 50_000_000
JPEG_QUALITY = 90
# What each accepted kind is stored as, and Pillow's options for it.
STORED_AS = {JPEG: JPEG, PNG: PNG, WEBP: WEBP, HEIC: JPEG}
SAVE_OPTIONS = {
    JPEG: {"format": "JPEG", "quality": JPEG_QUALITY, "optimize": True},
    PNG: {"format": "PNG", "optimize": False},
    WEBP: {"format": "WEBP", "quality": JPEG_QUALITY, "method": 4},
}
DAMAGED = "The image could not be read: it is damaged or incomplete."


def open_image(data: bytes, kind: Kind) -> Image.Image:
    """The decoded first frame, upright; refused when it is not what the content announced,
    larger than MAX_PIXELS or damaged."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.format != kind.pillow_format:
                raise UnsupportedFileType(f"The file is not a valid {kind.label}.")
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise FileTooLarge(_too_many_pixels(f"{width} x {height} pixels"))
            image.load()
            return ImageOps.exif_transpose(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise FileTooLarge(_too_many_pixels()) from None
        except UnidentifiedImageError:
            raise UnsafeFile(DAMAGED) from None
        except (OSError, SyntaxError, ValueError, EOFError, MemoryError):
            raise UnsafeFile(DAMAGED) from None


def _too_many_pixels(size: str = "too large") -> str:
    return (f"The image is {size}: images may have at most {MAX_PIXELS // 1_000_000} million "
            "pixels.")


def _for_format(image: Image.Image, kind: Kind) -> Image.Image:
    if kind is JPEG:
        if image.mode in ("RGBA", "LA", "P", "PA"):
            rgba = image.convert("RGBA")
            flat = Image.new("RGB", rgba.size, "white")
            flat.paste(rgba, mask=rgba.getchannel("A"))
            return flat
        return image if image.mode in ("RGB", "L") else image.convert("RGB")
    if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        return image.convert("RGBA")
    return image


def encode_image(image: Image.Image, stored: Kind) -> bytes:
    """The pixels encoded afresh as ``stored``, with no metadata (none is passed to save)."""
    clean = _for_format(image, stored).copy()
    # Some encoders copy metadata from info (PNG its ICC profile): keep only transparency.
    clean.info = {k: v for k, v in image.info.items() if k == "transparency"}
    out = io.BytesIO()
    try:
        clean.save(out, **SAVE_OPTIONS[stored])
    except (OSError, ValueError):
        raise UnsafeFile(DAMAGED) from None
    return out.getvalue()


def thumbnail_of_image(image: Image.Image, box: int) -> bytes:
    thumb = _for_format(image.copy(), JPEG)
    thumb.thumbnail((box, box))
    out = io.BytesIO()
    thumb.save(out, format="JPEG", quality=80)
    return out.getvalue()
