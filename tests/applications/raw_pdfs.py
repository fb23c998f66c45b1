"""PDFs written by hand, byte by byte, as an attacker (or a benchmark) would write them.

pypdf's writer would not produce most of these files; here a test sets exactly the bytes it means.
Object 1 is always the catalog, object 2 the page tree, object 3 the one page.
"""

from __future__ import annotations

CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"
#: The one page, drawing what object 4 (a stream) holds.
PAGE_WITH_CONTENTS = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>"


def raw_pdf(*objects: bytes) -> bytes:
    """A PDF of ``objects`` (numbered 1, 2, 3...) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(data: bytes, entries: bytes = b"") -> bytes:
    """A stream object holding ``data``; ``entries`` (such as ``b" /Filter /FlateDecode"``) stand after its length."""
    return b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(data), entries, data)


def pdf_drawing(data: bytes, entries: bytes = b"") -> bytes:
    """A one-page PDF whose page draws ``data`` (its content stream, object 4)."""
    return raw_pdf(CATALOG, PAGES, PAGE_WITH_CONTENTS, stream(data, entries))
