"""The PDF checks: damaged, encrypted, active (scripts, attachments, actions, links) or a polyglot, or a bomb."""

from __future__ import annotations

import contextlib
import io
import re
import warnings
import zlib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

from applications.intake.uploads.common import HTML_LOOKING, refuse

# What the compressed streams of one PDF may inflate to, in all (a 10 MB PDF of text and
# photos inflates to some tens of MB; a bomb of 8 MB inflates to gigabytes).
MAX_PDF_INFLATED_BYTES = 200 * 1024 * 1024

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


def check_pdf(data: bytes) -> None:
    """Refuse a PDF that is damaged, encrypted, active or a polyglot.

    Two independent looks: the raw bytes (outside stream data) are searched for
    the dangerous names, including `#xx`-escaped spellings, and every object
    pypdf can reach or finds in the cross-reference tables, including those in
    compressed object streams, is walked for the same names.
    """
    if not data.startswith(b"%PDF-"):
        raise refuse("pdf_damaged")
    if _ZIP_LOCAL_HEADER in data or _MARKUP_TAG.search(data) or HTML_LOOKING.search(_outside_streams(data)):
        raise refuse("pdf_polyglot")
    if raw_pdf_has_active_names(data):
        raise refuse("pdf_active_content")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise refuse("pdf_encrypted")
            active = parsed_pdf_is_active(reader)
    except ValidationError:
        raise
    except Exception as error:  # Includes RecursionError from deeply nested objects.
        raise refuse("pdf_damaged") from error
    if active:
        raise refuse("pdf_active_content")


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


def raw_pdf_has_active_names(data: bytes) -> bool:
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


def parsed_pdf_is_active(reader: PdfReader) -> bool:
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
                raise refuse("pdf_bomb")
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
