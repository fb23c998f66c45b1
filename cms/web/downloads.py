"""The headers of every private file we hand out (portfolio attachments, export files): one place.

The file is downloaded, never shown as a page of ours: not cached anywhere, not sniffed into
another type, and, were a browser to render it anyway, sandboxed with nothing allowed (no script,
no form, no request), so a hostile file cannot act with the staff member's session.
"""

from __future__ import annotations

from typing import IO, Any

from django.http import FileResponse, Http404, HttpResponse

SANDBOX_CSP = "default-src 'none'; sandbox"


def opened_or_404(file: Any) -> IO[bytes]:
    """``file`` (a stored file field) opened for reading; a file missing from storage is a 404, not a 500."""
    try:
        return file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc


def private_file(handle: IO[bytes], *, filename: str, content_type: str) -> FileResponse:
    """``handle`` handed out as a download named ``filename``, with the headers of :func:`private_download`."""
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    private_download(response)
    return response


def private_download(response: HttpResponse) -> HttpResponse:
    """Set the headers every private download carries; returns ``response``."""
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    return response
