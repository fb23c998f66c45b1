"""The language switch links stay on this site whatever the path (issue 11, item 11)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db


def switch_links(html: str) -> dict[str, str]:
    """The language switch's links by language code."""
    return {lang: href for href, lang in re.findall(r'<a href="([^"]*)" hreflang="(\w+)"', html)}


@pytest.mark.parametrize(
    "path", ["//evil.example/", "///evil.example/", "//evil.example/calls/?q=1", "/\\evil.example/"]
)
def test_a_path_that_looks_like_another_host_gives_a_link_on_this_site(client, site_content, path):
    # As sent on the wire (``GET //evil.example/ HTTP/1.1``): the test client would read a host in it.
    raw_path, _, query = path.partition("?")
    response = client.get("/", PATH_INFO=raw_path, QUERY_STRING=query)

    assert response.status_code == 404
    english = switch_links(response.content.decode())["en"]
    parts = urlsplit(english)
    assert (parts.scheme, parts.netloc) == ("", "")
    assert english.startswith("/")
    assert not english.startswith(("//", "/\\"))


def test_the_switch_still_links_the_same_page_in_the_other_language(client, site_content):
    assert switch_links(client.get("/").content.decode())["en"] == "/en/"
    assert switch_links(client.get("/en/").content.decode())["ja"] == "/"
