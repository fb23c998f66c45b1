"""The only way WeasyPrint may load anything while it renders our documents.

Allowed: ``data:`` URLs and ``file:`` URLs of files inside the project's own static
folders (``STATICFILES_DIRS``, ``STATIC_ROOT`` and the ``static/`` folders of our apps).
Refused: every other scheme (no ``http(s)``, no ``ftp``: a document never touches the
network) and every file outside those folders (``file:///etc/passwd``, ``..`` tricks and
symlinks are resolved before the check). A refusal raises :class:`FetchRefused`;
WeasyPrint then leaves the resource out and logs a warning.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.apps import apps
from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

#: Our apps (``DESIGN.md``): only their static folders count as the project's own.
PROJECT_APPS = ("portal", "cms", "recruitment", "applications", "exports")


class FetchRefused(ValueError):
    """A URL the document may not load."""


def static_roots() -> list[Path]:
    """The folders whose files a document may load, resolved."""
    roots = [Path(p if isinstance(p, str | Path) else p[1]) for p in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    for label in PROJECT_APPS:
        if apps.is_installed(label):
            roots.append(Path(apps.get_app_config(label).path) / "static")
    return [root.resolve() for root in roots]


class StaticOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves ``data:`` URLs and our static files, and nothing else."""

    def __init__(self, roots: Iterable[Path] | None = None) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self.roots = [Path(root).resolve() for root in (roots if roots is not None else static_roots())]

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)  # urllib's DataHandler: no I/O
        if scheme == "file":
            return self._static_file(url)
        raise FetchRefused(f"export documents may not load {scheme or 'relative'} URLs: {url[:100]}")

    def _static_file(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise FetchRefused(f"file URL on another host refused: {url[:100]}")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            raise FetchRefused(f"only the project's static files may be loaded, not {path}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type})
