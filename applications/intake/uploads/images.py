"""The image checks: JPEG and PNG decoded within their pixel limits and encoded again, without metadata."""

from __future__ import annotations

import contextlib
import fcntl
import io
import time
import warnings
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps

from applications.intake.uploads.common import refuse

# A portfolio is looked at on a screen and printed in a dossier: 25 megapixels
# (a 6,000 x 4,000 camera photo) is more than enough, and decoding one as RGBA
# takes 100 MB. The size is read from the header before any pixel is decoded.
MAX_IMAGE_PIXELS = 25_000_000
# What is kept of a photo at most: an A4 page printed at 250 dpi (2,500 x 2,500); larger is fitted to it.
MAX_STORED_PIXELS = 6_250_000
# A JPEG is decoded at the smallest of the decoder's own scales (1/2, 1/4, 1/8) that still gives
# at least this many pixels (A4 at 175 dpi): a 12 MP phone photo is decoded at half size, a 24 or
# 25 MP one too, so none of them is ever held whole in memory.
MIN_DECODED_PIXELS = 3_000_000
# A PNG cannot be decoded at a reduced scale: a screenshot of a 4K screen (8.3 MP) is the most.
MAX_PNG_PIXELS = 9_000_000

# Pillow format names for each image kind. Phones write JPEGs with a depth map
# or a preview as MPO (a JPEG with more pictures after the first); the first
# picture is an ordinary JPEG, and only that one is kept.
_PILLOW_FORMATS: dict[str, tuple[str, ...]] = {"jpeg": ("JPEG", "MPO"), "png": ("PNG",)}

_JPEG_QUALITY = 90

_END_MARKERS = {"jpeg": b"\xff\xd9", "png": b"IEND"}


def _open_image(data: bytes, kind: str) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    if image.format not in _PILLOW_FORMATS[kind]:
        raise ValueError(f"Pillow read {image.format}, expected {kind}")
    return image


def reencode_image(data: bytes, kind: str) -> bytes:
    """Decode the image and encode it again without metadata or trailing bytes."""
    try:
        with warnings.catch_warnings():
            # Pillow warns about, then refuses, decompression bombs; make both refusals.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            header = _open_image(data, kind)
            width, height = header.size
            if width * height > MAX_IMAGE_PIXELS:
                raise refuse("image_too_many_pixels")
            if kind == "png" and width * height > MAX_PNG_PIXELS:
                raise refuse("png_too_many_pixels")
            header.verify()  # Checks structure (PNG chunk CRCs); the object is then unusable.
            # WeasyPrint sets Pillow's global LOAD_TRUNCATED_IMAGES on import, after which a cut-off
            # file decodes "successfully" with grey pixels; require the end marker ourselves.
            if _END_MARKERS[kind] not in data:
                raise ValueError("the image ends before its end marker: truncated")
            with decoding_slot():
                image = _open_image(data, kind)
                if kind == "jpeg":
                    _decode_reduced(image)
                image.load()
                if image.width * image.height > MAX_STORED_PIXELS:
                    image.thumbnail(_fit(image.size, MAX_STORED_PIXELS), reducing_gap=None)
                return _encode(image, kind)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise refuse("image_too_many_pixels") from error
    except Exception as error:  # Anything Pillow cannot decode is refused, not a 500.
        raise refuse("image_damaged") from error


@contextlib.contextmanager
def decoding_slot() -> Any:
    """Hold one of the machine's ``KOBO_IMAGE_DECODERS`` slots (file locks) while decoding an image.

    Decoding and encoding a photo takes a core for about a second; four applicants uploading at
    once took both cores of a small server and public pages waited behind them. With one slot
    (the default, for two cores), uploads queue for each other and the other core keeps serving
    pages. A wait longer than ``_SLOT_WAIT`` seconds decodes anyway rather than failing the upload.
    """
    folder = Path(settings.VAR_DIR) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    slots = max(1, int(getattr(settings, "KOBO_IMAGE_DECODERS", 1)))
    deadline = time.monotonic() + _SLOT_WAIT
    handle = None
    while handle is None and time.monotonic() < deadline:
        for number in range(slots):
            candidate = (folder / f"image-decoder-{number}.lock").open("a")
            try:
                fcntl.flock(candidate, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                candidate.close()
                continue
            handle = candidate
            break
        else:
            time.sleep(0.02)
    try:
        yield
    finally:
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()


_SLOT_WAIT = 60


def _fit(size: tuple[int, int], pixels: int) -> tuple[int, int]:
    """The largest size of the same shape with at most ``pixels`` pixels."""
    width, height = size
    scale = (pixels / (width * height)) ** 0.5
    return max(1, int(width * scale)), max(1, int(height * scale))


def _decode_reduced(image: Image.Image) -> None:
    """Have the JPEG decoder scale down while decoding (1/2, 1/4, 1/8), to no fewer than ``MIN_DECODED_PIXELS``.

    The decoder then never holds the full picture: a 25 MP photo is decoded as 6.25 MP, in a
    quarter of the memory and time.
    """
    width, height = image.size
    scale = 1
    while scale < 8 and (width // (scale * 2)) * (height // (scale * 2)) >= MIN_DECODED_PIXELS:
        scale *= 2
    if scale > 1:
        image.draft(image.mode if image.mode in ("L", "RGB") else "RGB", (width // scale, height // scale))


def _encode(image: Image.Image, kind: str) -> bytes:
    """Encode the decoded pixels as a fresh file of the same kind.

    The EXIF orientation is applied to the pixels first (the tag itself is
    dropped with the rest of EXIF, and phone photos would otherwise turn on
    their side). Then `info` is emptied, because Pillow's encoders copy some
    of it (ICC profile, comments) into the new file. Only PNG transparency,
    which belongs to the pixels, is kept. The orientation is applied in
    place, so one decoded image (at most `MAX_IMAGE_PIXELS`) is the peak.
    """
    upright = image
    with contextlib.suppress(Exception):  # Unreadable EXIF: keep the pixels as they are.
        ImageOps.exif_transpose(upright, in_place=True)  # no copy of the pixels
    transparency = upright.info.get("transparency")
    upright.info = {}
    output = io.BytesIO()
    if kind == "jpeg":
        if upright.mode not in ("L", "RGB"):
            upright = upright.convert("RGB")
        upright.save(output, format="JPEG", quality=_JPEG_QUALITY, optimize=True)
    else:
        options: dict[str, Any] = {}
        if upright.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
            upright = upright.convert("RGBA")
        elif transparency is not None:
            options["transparency"] = transparency
        upright.save(output, format="PNG", **options)
    return output.getvalue()
