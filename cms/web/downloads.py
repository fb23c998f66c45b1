"""The headers of every private file we hand out (portfolio attachments, export files): one place.

The file is downloaded, never shown as a page of ours: not cached anywhere, not sniffed into
another type, and, were a browser to render it anyway, sandboxed with nothing allowed (no script,
no form, no request), so a hostile file cannot act with the staff member's session.
"""

from __future__ import annotations

from django.http import HttpResponse

SANDBOX_CSP = "default-src 'none'; sandbox"


def private_download(response: HttpResponse) -> HttpResponse:
    """Set the headers every private download carries; returns ``response``."""
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    return response
