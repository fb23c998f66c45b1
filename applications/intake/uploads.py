"""Checks for the portfolio files that applicants upload.

Every uploaded file is treated as hostile until it has passed all of these
checks. `check_upload` reads the upload (never more than the size limit plus
one byte), checks the original file name, decides the file type from the
content, and then checks the content for its kind:

* Any file that looks like a web page (HTML or SVG tags near its start or end,
  where a browser sniffing the content would look) is refused.
* PDF files are parsed with pypdf and refused when they are damaged,
  encrypted, carry scripts, attachments, automatic actions (of the document,
  a page, an annotation or a form field) or external references (web
  addresses, forms sent elsewhere, other files), contain a second file format
  (a ZIP archive or HTML) that another program could run, or a compressed
  stream that inflates past `MAX_PDF_INFLATED_BYTES` (read with a capped
  inflate, never to its end). A PDF that passes is returned byte for byte.
* JPEG and PNG images are refused when they are damaged or claim more pixels
  than `MAX_IMAGE_PIXELS` (read from the header, before decoding). A JPEG is
  decoded at a reduced scale (the decoder's own 1/2, 1/4, 1/8) down to about
  `MAX_STORED_PIXELS`, so a 25 MP photo never becomes 25 MP in memory; a PNG
  (rarely a photo) may have at most `MAX_PNG_PIXELS`. The image that passes is
  encoded again, which drops EXIF (with GPS positions), ICC profiles,
  comments, text chunks and anything appended after the end of the image.

Each refusal is a `ValidationError` with a `code` and a message written in
English and translated (``locale/ja``), ready to show next to the form field. No exception from
the parsers escapes: anything they cannot read is refused as damaged.

The module stores nothing. The caller stores `CheckedUpload.content` under a
name it generates itself, and keeps `original_name` only for display.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import re
import time
import unicodedata
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

from applications.intake.text import has_invisible_characters

__all__ = [
    "ALLOWED_EXTENSIONS",
    "MAX_IMAGE_PIXELS",
    "MAX_NAME_BYTES",
    "MAX_UPLOAD_BYTES",
    "MIME_TYPES",
    "CheckedUpload",
    "check_upload",
]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
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
# What the compressed streams of one PDF may inflate to, in all (a 10 MB PDF of text and
# photos inflates to some tens of MB; a bomb of 8 MB inflates to gigabytes).
MAX_PDF_INFLATED_BYTES = 200 * 1024 * 1024
MAX_NAME_BYTES = 200

# The file name extensions accepted for each kind (compared in lower case),
# and the one extension that the checked file is given.
ALLOWED_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "pdf": (".pdf",),
    "jpeg": (".jpg", ".jpeg"),
    "png": (".png",),
}
CANONICAL_EXTENSIONS: dict[str, str] = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png"}
# The MIME type of each kind: the one place that maps a kind to a type, for
# storing, serving and downloading a checked file.
MIME_TYPES: dict[str, str] = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}

# MIME types reported by `filetype` for the kinds we accept. An animated PNG
# is a PNG; re-encoding keeps its first frame.
_KIND_BY_MIME: dict[str, str] = {**{mime: kind for kind, mime in MIME_TYPES.items()}, "image/apng": "png"}

# Pillow format names for each image kind. Phones write JPEGs with a depth map
# or a preview as MPO (a JPEG with more pictures after the first); the first
# picture is an ordinary JPEG, and only that one is kept.
_PILLOW_FORMATS: dict[str, tuple[str, ...]] = {"jpeg": ("JPEG", "MPO"), "png": ("PNG",)}

_JPEG_QUALITY = 90
_READ_CHUNK = 64 * 1024


# PDF names that run code, carry other files or act on their own. Matched as
# whole names (after #xx escapes are decoded), both as dictionary keys and as
# name values, e.g. `/S /JavaScript` or `/Type /EmbeddedFile`.
_PDF_ACTIVE_NAMES = frozenset(
    {
        "/JavaScript",
        "/JS",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/RichMedia",
        "/XFA",
        "/ImportData",
        "/GoToE",
        # Automatic actions of a page, an annotation or a form field (/PO, /PV, /O, /C, /K, ...),
        # and actions that reach outside the file: a web address, a form sent away, another file.
        "/AA",
        "/URI",
        "/SubmitForm",
        "/GoToR",
    }
)
# The only open action accepted: go to a page of the document itself. An open
# action that is a destination (show page 1, fit to window) is harmless and
# common too; any other action runs on opening (a script, a web address, a
# form sent somewhere, another file) and is refused, as is a chain (/Next).
_PDF_HARMLESS_OPEN_ACTIONS = frozenset({"/GoTo"})
# A walk through more objects than this is refused rather than left to run.
_PDF_MAX_OBJECTS = 1_000_000

# A PDF name token: a slash and the regular characters after it (PDF 2.0,
# 7.3.5). Delimiters and white space end it.
_PDF_NAME_TOKEN = re.compile(rb"/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# The start of a stream's data: the keyword `stream` (not the end of
# `endstream`) and its end of line.
_PDF_STREAM_START = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
# Signs of a second format inside a PDF: a ZIP local file header, or HTML and
# SVG tags that a browser sniffing the content would run. The tag must be
# followed by white space, `>` or `/`, so that four random bytes in
# compressed image data are far less likely to look like a tag.
_ZIP_LOCAL_HEADER = b"PK\x03\x04"
_MARKUP_TAG = re.compile(rb"<(?:script|html|svg)[\s/>]", re.IGNORECASE)
# What a browser sniffing a file takes for a web page (the WHATWG sniffing signatures and
# more), looked for where it looks: the start of a file, and its end (where an appended page
# sits). Longer tags only, so that the few kilobytes of an image header never match by chance.
_HTML_LOOKING = re.compile(
    rb"<(?:(?:!doctype|html|head|body|script|iframe|svg|object|embed|style|title|table|div|font|meta|img|form|"
    rb"h1|br|\?xml)[\s/>]|a\s+href\s*=)",
    re.IGNORECASE,
)
_SNIFF_BYTES = 4096


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check.

    `content` is what the caller should store: the PDF as sent, or the image
    encoded again without metadata. `size` and `sha256` describe `content`.
    `extension` is the canonical extension for `kind` (".pdf", ".jpg" or
    ".png"), for the name the caller generates. `original_name` is the name
    the applicant's browser sent (NFC-normalised), for display only.
    """

    content: bytes
    kind: str
    extension: str
    original_name: str
    size: int
    sha256: str

    @property
    def content_type(self) -> str:
        """The MIME type of `content`."""
        return MIME_TYPES[self.kind]


_MESSAGES: dict[str, Any] = {
    "empty": _("The file is empty. Choose a file with content."),
    "too_large": _("The file is too large. Each file may be at most 10 MB."),
    "name_path": _("The file name must not contain “/”, “\\” or “..”. Rename the file and try again."),
    "name_control": _(
        "The file name contains control characters (such as text direction marks). Rename the file and try again."
    ),
    "name_too_long": _("The file name is too long. Give the file a shorter name and try again."),
    "bad_extension": _("Only PDF, JPEG and PNG files can be sent; the name must end in .pdf, .jpg, .jpeg or .png."),
    "unsupported_type": _("Only PDF, JPEG and PNG files can be sent."),
    "type_mismatch": _(
        "The file’s content does not match its name (extension). Save it under a matching extension and try again."
    ),
    "pdf_damaged": _("The PDF is damaged or cannot be read. Save it again and retry."),
    "pdf_encrypted": _("Password-protected PDFs cannot be accepted. Remove the protection and try again."),
    "pdf_active_content": _(
        "PDFs with scripts, attached files, automatic actions or links to web addresses or other files"
        " cannot be accepted. Save it again, e.g. with “Print to PDF”, and try again."
    ),
    "html_content": _(
        "The file contains web page code (HTML) and cannot be accepted."
        " Save it again as a PDF, JPEG or PNG and try again."
    ),
    "pdf_bomb": _(
        "The PDF holds far more compressed data than a portfolio needs and cannot be accepted."
        " Save it again with smaller images and try again."
    ),
    "pdf_polyglot": _(
        "The PDF contains another kind of data (such as ZIP or HTML) and cannot be accepted."
        " Save it again, e.g. with “Print to PDF”, and try again."
    ),
    "image_too_many_pixels": _("The image has too many pixels (at most 25 million). Make it smaller and try again."),
    "png_too_many_pixels": _(
        "The PNG image has too many pixels (at most 9 million). Save it as a JPEG or make it smaller and try again."
    ),
    "image_damaged": _("The image is damaged or cannot be read. Save it again and retry."),
}


def _refuse(code: str) -> ValidationError:
    return ValidationError(_MESSAGES[code], code=code)


def check_upload(uploaded: UploadedFile) -> CheckedUpload:
    """Check one uploaded portfolio file and return what may be stored.

    The checks run in this order and the first failure is raised as a
    `ValidationError` with a `code`: size, file name, content type (decided
    from the bytes, and it must agree with the extension), then the checks
    for the kind (PDF structure, or image decoding and re-encoding).
    """
    data = _read_limited(uploaded)
    name = _check_name(uploaded.name)
    name_kind = _kind_from_name(name)
    kind = _kind_from_content(data)
    if kind != name_kind:
        raise _refuse("type_mismatch")
    if kind != "pdf" and (_HTML_LOOKING.search(data[:_SNIFF_BYTES]) or _HTML_LOOKING.search(data[-_SNIFF_BYTES:])):
        raise _refuse("html_content")  # a PDF is searched through by its own check (``pdf_polyglot``)
    if kind == "pdf":
        _check_pdf(data)
        content = data
    else:
        content = _reencode_image(data, kind)
    return CheckedUpload(
        content=content,
        kind=kind,
        extension=CANONICAL_EXTENSIONS[kind],
        original_name=name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


# --- Size ---------------------------------------------------------------------


def _read_limited(uploaded: UploadedFile) -> bytes:
    """Read the upload, refusing it once it is known to exceed the limit.

    A declared size over the limit is refused without reading. Otherwise at
    most `MAX_UPLOAD_BYTES + 1` bytes are read, so a stream that is larger than
    it claims is never read to its end.
    """
    declared = getattr(uploaded, "size", None)
    if isinstance(declared, int) and declared > MAX_UPLOAD_BYTES:
        raise _refuse("too_large")
    with contextlib.suppress(AttributeError, OSError, ValueError):  # Not seekable: read from where it stands.
        uploaded.seek(0)
    buffer = bytearray()
    while len(buffer) <= MAX_UPLOAD_BYTES:
        chunk = uploaded.read(min(_READ_CHUNK, MAX_UPLOAD_BYTES + 1 - len(buffer)))
        if not chunk:
            break
        buffer += chunk
    if not buffer:
        raise _refuse("empty")
    if len(buffer) > MAX_UPLOAD_BYTES:
        raise _refuse("too_large")
    return bytes(buffer)


# --- Name ---------------------------------------------------------------------


def _check_name(raw_name: str | None) -> str:
    """Return the NFC-normalised original name, or refuse it.

    Django's upload handling already keeps only the last path component, but
    this check does not rely on it: names with `/` or `\\` (so no path parts
    at all), names that are `.` or `..`, names with control, format (bidi,
    zero-width) or separator characters, and names longer than
    `MAX_NAME_BYTES` bytes of UTF-8 are refused, whoever built the upload.
    """
    name = unicodedata.normalize("NFC", raw_name or "")
    if "/" in name or "\\" in name or name in {".", ".."}:
        raise _refuse("name_path")
    if has_invisible_characters(name):
        raise _refuse("name_control")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise _refuse("name_too_long")
    return name


def _kind_from_name(name: str) -> str:
    """The kind the extension names; refuse a name without an allowed one.

    Only the last extension counts, so "cv.pdf.exe" is refused here. The part
    before the extension must contain something other than dots and spaces.
    """
    lowered = name.lower()
    for kind, extensions in ALLOWED_EXTENSIONS.items():
        for extension in extensions:
            if lowered.endswith(extension) and name[: -len(extension)].strip(" ."):
                return kind
    raise _refuse("bad_extension")


# --- Content type -------------------------------------------------------------


def _kind_from_content(data: bytes) -> str:
    """The kind decided from the bytes by `filetype`; refuse anything else."""
    try:
        guess = filetype.guess(data)
    except Exception as error:  # A sniffer must not turn bad bytes into a 500.
        raise _refuse("unsupported_type") from error
    kind = _KIND_BY_MIME.get(guess.mime) if guess is not None else None
    if kind is None:
        raise _refuse("unsupported_type")
    return kind


# --- PDF ----------------------------------------------------------------------


def _check_pdf(data: bytes) -> None:
    """Refuse a PDF that is damaged, encrypted, active or a polyglot.

    Two independent looks: the raw bytes (outside stream data) are searched for
    the dangerous names, including `#xx`-escaped spellings, and every object
    pypdf can reach or finds in the cross-reference tables, including those in
    compressed object streams, is walked for the same names.
    """
    if not data.startswith(b"%PDF-"):
        raise _refuse("pdf_damaged")
    if _ZIP_LOCAL_HEADER in data or _MARKUP_TAG.search(data) or _HTML_LOOKING.search(_outside_streams(data)):
        raise _refuse("pdf_polyglot")
    if _raw_pdf_has_active_names(data):
        raise _refuse("pdf_active_content")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise _refuse("pdf_encrypted")
            active = _parsed_pdf_is_active(reader)
    except ValidationError:
        raise
    except Exception as error:  # Includes RecursionError from deeply nested objects.
        raise _refuse("pdf_damaged") from error
    if active:
        raise _refuse("pdf_active_content")


def _outside_streams(data: bytes) -> bytes:
    """The PDF bytes with the data of each stream left out.

    Stream data is mostly compressed; leaving it out keeps three random bytes
    of a photograph from reading as `/JS`. A stream without `endstream` is not
    skipped. Object streams are compressed, so their contents are checked by
    the parsed walk instead.
    """
    parts: list[bytes] = []
    position = 0
    for match in _PDF_STREAM_START.finditer(data):
        if match.start() < position:
            continue
        end = data.find(b"endstream", match.end())
        if end < 0:
            break
        parts.append(data[position : match.end()])
        position = end
    parts.append(data[position:])
    return b"".join(parts)


def _raw_pdf_has_active_names(data: bytes) -> bool:
    for token in _PDF_NAME_TOKEN.findall(_outside_streams(data)):
        decoded = _PDF_NAME_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), token)
        if decoded.decode("latin-1") in _PDF_ACTIVE_NAMES:
            return True
    return False


def _inflate_capped(stream: StreamObject, budget: int) -> int:
    """Inflate a Flate stream's raw data, at most ``budget`` bytes; return how many it gave.

    The output is thrown away chunk by chunk: only its length is counted, so a bomb costs
    the time of ``budget`` bytes and no memory. A stream that is not Flate counts nothing.
    """
    filters = stream.get("/Filter")
    if isinstance(filters, IndirectObject):
        filters = filters.get_object()
    first = filters[0] if isinstance(filters, ArrayObject) and filters else filters
    if first not in ("/FlateDecode", "/Fl"):
        return 0
    inflater = zlib.decompressobj()
    data = stream._data  # the raw (compressed) bytes as stored in the file
    total = 0
    with contextlib.suppress(zlib.error):  # a damaged stream inflates to what it gives
        chunk = inflater.decompress(data, 1024 * 1024)
        while chunk:
            total += len(chunk)
            if total > budget:
                return total
            chunk = inflater.decompress(inflater.unconsumed_tail, 1024 * 1024)
    return total


def _parsed_pdf_is_active(reader: PdfReader) -> bool:
    """Whether the parsed document has scripts, attachments, automatic actions or external references.

    Every object pypdf can reach is walked; on the way, Flate streams are inflated with a cap and
    ``pdf_bomb`` is raised when they inflate past ``MAX_PDF_INFLATED_BYTES`` in all.
    """
    root = reader.root_object  # Falls back to a search for the catalog when the trailer is damaged.
    if len(reader.pages) == 0:
        raise ValueError("no pages")
    if "/AA" in root:
        return True
    open_action = root.get("/OpenAction")
    if isinstance(open_action, IndirectObject):
        open_action = open_action.get_object()
    if isinstance(open_action, DictionaryObject) and (
        open_action.get("/S") not in _PDF_HARMLESS_OPEN_ACTIONS or "/Next" in open_action
    ):
        return True
    for page in reader.pages:
        if "/AA" in page:
            return True
    budget = getattr(settings, "KOBO_PDF_MAX_INFLATED_BYTES", MAX_PDF_INFLATED_BYTES)

    pending: list[Any] = [reader.trailer, root]
    for generation, entries in reader.xref.items():
        pending.extend(IndirectObject(number, generation, reader) for number in entries)
    pending.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
    seen: set[tuple[int, int]] = set()
    visited = 0
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        visited += 1
        if visited > _PDF_MAX_OBJECTS:
            raise ValueError("too many objects")
        if isinstance(item, StreamObject):
            budget -= _inflate_capped(item, budget)
            if budget < 0:
                raise _refuse("pdf_bomb")
        if isinstance(item, DictionaryObject):  # Streams are dictionaries too.
            for dict_key, value in item.items():
                if dict_key in _PDF_ACTIVE_NAMES:
                    return True
                pending.append(value)
        elif isinstance(item, ArrayObject):
            pending.extend(item)
        elif isinstance(item, NameObject) and item in _PDF_ACTIVE_NAMES:
            return True
    return False


# --- Images -------------------------------------------------------------------


_END_MARKERS = {"jpeg": b"\xff\xd9", "png": b"IEND"}


def _open_image(data: bytes, kind: str) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    if image.format not in _PILLOW_FORMATS[kind]:
        raise ValueError(f"Pillow read {image.format}, expected {kind}")
    return image


def _reencode_image(data: bytes, kind: str) -> bytes:
    """Decode the image and encode it again without metadata or trailing bytes."""
    try:
        with warnings.catch_warnings():
            # Pillow warns about, then refuses, decompression bombs; make both refusals.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            header = _open_image(data, kind)
            width, height = header.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _refuse("image_too_many_pixels")
            if kind == "png" and width * height > MAX_PNG_PIXELS:
                raise _refuse("png_too_many_pixels")
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
        raise _refuse("image_too_many_pixels") from error
    except Exception as error:  # Anything Pillow cannot decode is refused, not a 500.
        raise _refuse("image_damaged") from error


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
