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

from applications.intake.uploads.check import (
    ALLOWED_EXTENSIONS,
    CANONICAL_EXTENSIONS,
    MAX_NAME_BYTES,
    MAX_UPLOAD_BYTES,
    MIME_TYPES,
    CheckedUpload,
    check_upload,
)
from applications.intake.uploads.images import MAX_IMAGE_PIXELS

__all__ = [
    "ALLOWED_EXTENSIONS",
    "CANONICAL_EXTENSIONS",
    "MAX_IMAGE_PIXELS",
    "MAX_NAME_BYTES",
    "MAX_UPLOAD_BYTES",
    "MIME_TYPES",
    "CheckedUpload",
    "check_upload",
]
