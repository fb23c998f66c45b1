"""WeasyPrint may load data: URLs and our own static files, nothing else: no network, no file outside static."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from exports.fetcher import FetchRefused, StaticOnlyFetcher
from exports.rendering import render_pdf
from tests.exports.conftest import pdftotext


@pytest.fixture
def fetcher() -> StaticOnlyFetcher:
    return StaticOnlyFetcher()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x.css",
        "https://example.com/logo.png",
        "ftp://example.com/x",
        "file:///etc/passwd",
        "file://evil.example/static/exports/print.css",
        "FILE:///etc/passwd",
        "javascript:alert(1)",
    ],
)
def test_refuses_network_and_files_outside_static(fetcher, url):
    with pytest.raises(FetchRefused):
        fetcher(url)


def test_refuses_a_path_that_climbs_out_of_static(fetcher):
    css = Path(finders.find("exports/print.css"))
    with pytest.raises(FetchRefused):
        fetcher(css.as_uri().replace("print.css", "../../models.py"))


def test_serves_our_stylesheet_and_data_urls(fetcher):
    css = Path(finders.find("exports/print.css"))
    response = fetcher(css.as_uri())
    assert response.content_type == "text/css"
    assert b"Noto Sans CJK JP" in response.read()
    assert fetcher("data:text/plain;base64,5YWs5Yuf").read() == "公募".encode()


def test_a_document_that_points_at_the_network_or_etc_passwd_loads_neither(tmp_path):
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    html = f"""<!DOCTYPE html><html lang="ja"><head><title>t</title>
        <link rel="stylesheet" href="{base}/evil.css">
        <style>@import url("{base}/import.css"); @font-face {{ font-family: X; src: url("{base}/f.woff"); }}</style>
        </head><body><p>公募</p><img src="{base}/pixel.png" alt="">
        <img src="file:///etc/passwd" alt=""><object data="file:///etc/passwd" type="text/plain"></object>
        <iframe src="file:///etc/passwd"></iframe></body></html>"""
    try:
        pages = render_pdf(html, tmp_path / "out.pdf")
    finally:
        server.shutdown()
    assert pages == 1
    assert hits == []
    text = pdftotext(tmp_path / "out.pdf")
    assert "公募" in text
    assert "root:" not in text
