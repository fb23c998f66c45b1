"""What the upload checks share: their refusals (one message per code) and what looks like a web page."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# What a browser sniffing a file takes for a web page (the WHATWG sniffing signatures and
# more), looked for where it looks: the start of a file, and its end (where an appended page
# sits). Longer tags only, so that the few kilobytes of an image header never match by chance.
HTML_LOOKING = re.compile(
    rb"<(?:(?:!doctype|html|head|body|script|iframe|svg|object|embed|style|title|table|div|font|meta|img|form|"
    rb"h1|br|\?xml)[\s/>]|a\s+href\s*=)",
    re.IGNORECASE,
)
SNIFF_BYTES = 4096


MESSAGES: dict[str, Any] = {
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


def refuse(code: str) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code)
