"""``check_upload``: size, name and type of an upload, then the checks of its kind (``pdf``, ``images``)."""

from __future__ import annotations

import contextlib
import hashlib
import unicodedata
from dataclasses import dataclass

import filetype
from django.core.files.uploadedfile import UploadedFile

from applications.intake.text import has_invisible_characters
from applications.intake.uploads.common import HTML_LOOKING, SNIFF_BYTES, refuse
from applications.intake.uploads.images import reencode_image
from applications.intake.uploads.pdf import check_pdf

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
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

_READ_CHUNK = 64 * 1024


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
        raise refuse("type_mismatch")
    if kind != "pdf" and (HTML_LOOKING.search(data[:SNIFF_BYTES]) or HTML_LOOKING.search(data[-SNIFF_BYTES:])):
        raise refuse("html_content")  # a PDF is searched through by its own check (``pdf_polyglot``)
    if kind == "pdf":
        check_pdf(data)
        content = data
    else:
        content = reencode_image(data, kind)
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
        raise refuse("too_large")
    with contextlib.suppress(AttributeError, OSError, ValueError):  # Not seekable: read from where it stands.
        uploaded.seek(0)
    buffer = bytearray()
    while len(buffer) <= MAX_UPLOAD_BYTES:
        chunk = uploaded.read(min(_READ_CHUNK, MAX_UPLOAD_BYTES + 1 - len(buffer)))
        if not chunk:
            break
        buffer += chunk
    if not buffer:
        raise refuse("empty")
    if len(buffer) > MAX_UPLOAD_BYTES:
        raise refuse("too_large")
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
        raise refuse("name_path")
    if has_invisible_characters(name):
        raise refuse("name_control")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise refuse("name_too_long")
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
    raise refuse("bad_extension")


# --- Content type -------------------------------------------------------------


def _kind_from_content(data: bytes) -> str:
    """The kind decided from the bytes by `filetype`; refuse anything else."""
    try:
        guess = filetype.guess(data)
    except Exception as error:  # A sniffer must not turn bad bytes into a 500.
        raise refuse("unsupported_type") from error
    kind = _KIND_BY_MIME.get(guess.mime) if guess is not None else None
    if kind is None:
        raise refuse("unsupported_type")
    return kind
