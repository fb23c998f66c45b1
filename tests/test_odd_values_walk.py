"""Every URL of the URL conf, with odd values in every path parameter and the known query and form fields.

Issue 19, finding 4: ``"²"`` passes ``str.isdigit()`` but not ``int()``, ``2**70`` is past
``bigint``; 26 server errors came from such values. This walks the whole URL conf (ours and
Wagtail's, as ``tests/test_access_matrix.py`` walks it for access) with each odd value in each
path parameter, and the same values in the query string (GET) and the form (POST), for an
anonymous visitor, a contractor, an approver and a superuser, and asserts no 5xx.

Each identity is a test of its own, with a fresh client; the contractor's and the approver's are in
``tests/test_odd_values_walk_staff.py``, so that under ``pytest -n`` (whole files to a process) two
processes share the walk's twelve thousand requests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

from tests.applications.teams_world import two_cities

pytestmark = pytest.mark.django_db

#: The odd values of the report: a superscript two, a full-width one, signs, zero, past bigint,
#: a 5,000-character string and an unpaired surrogate (sent percent-encoded, as WTF-8 bytes).
ODD_VALUES = ["²", "１", "-1", "0", str(2**70), "9" * 5000, "\ud800"]
#: Every query or form field the portal reads a number or a choice from.
KNOWN_FIELDS = ["role", "candidacy", "version", "page", "p", "reviewer", "to", "kind", "code", "q", "sort", "from",
                "status", "score", "id", "step", "rank", "roles-roles", "list_query"]  # fmt: skip
#: The staff forms' actions, so that each branch reads the odd values in turn.
ACTIONS = ["submit", "approve", "return", "reopen", "assign", "status", "review", "note", "conflict"]
IDENTITIES = ["anonymous", "contractor_x", "approver_x", "superuser"]
#: The identities walked in ``tests/test_odd_values_walk_staff.py``; the others here.
STAFF_WALKS = ("contractor_x", "approver_x")
#: Ending the session would make the rest of the walk anonymous.
SKIPPED_POSTS = ("logout",)
#: Wagtail's own staff-only views that answer 500 to odd input, reported upstream rather than patched
#: here (each needs an admin login; none is reachable by a visitor), and its deliberate error page.
WAGTAIL_KNOWN = {
    "wagtailadmin_error_test": "Wagtail's /admin/failwhale/ raises on purpose, to test error reporting",
    "wagtailadmin_api:pages:find": "?id=² reaches Page.objects.get(id=...) in Wagtail's admin API",
    "wagtailadmin_api:documents:find": "the same, for documents",
    "wagtailadmin_api:images:find": "the same, for images",
    "wagtailadmin_choose_page_chosen_multiple": "?id=² reaches a pk__in lookup in Wagtail's page chooser",
    "wagtailadmin_choose_page_external_link": "a POST without url= fails in Wagtail's URLOrAbsolutePathField",
}
PARAM = "\x00PARAM\x00"


@dataclass(frozen=True)
class Template:
    name: str
    parts: tuple[str, ...]  # literal text, with PARAM where a value goes

    @property
    def params(self) -> int:
        return self.parts.count(PARAM)

    def fill(self, value: str) -> str:
        encoded = quote(value.encode("utf-8", "surrogatepass"), safe="")
        return "/" + "".join(encoded if part == PARAM else part for part in self.parts)


def _route_parts(route: str) -> list[str]:
    parts: list[str] = []
    for piece in re.split(r"(<[^>]+>)", route):
        parts.append(PARAM if piece.startswith("<") else piece)
    return parts


def _regex_parts(regex: str) -> list[str]:
    """A regex pattern as text: each top-level group a parameter, anchors dropped, escapes undone."""
    regex = regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    parts, depth, literal = [], 0, ""
    for index, char in enumerate(regex):
        escaped = index > 0 and regex[index - 1] == "\\"
        if char == "(" and not escaped:
            if depth == 0:
                parts.append(literal.replace("\\", ""))
                literal = ""
                parts.append(PARAM)
            depth += 1
        elif char == ")" and not escaped:
            depth -= 1
        elif depth == 0:
            literal += char
    parts.append(literal.replace("\\", ""))
    return parts


def _pattern_parts(pattern: object) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return _route_parts(str(pattern._route))
    if isinstance(pattern, RegexPattern):
        return _regex_parts(str(pattern._regex))
    if isinstance(pattern, LocalePrefixPattern):
        return [pattern.language_prefix]
    raise TypeError(type(pattern))


def url_templates(
    resolver: URLResolver | None = None, prefix: tuple[str, ...] = (), namespace: str = ""
) -> Iterator[Template]:
    """Every URL pattern of the URL conf as a template, with the prefixes of the resolvers around it."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        parts = (*prefix, *_pattern_parts(pattern.pattern))
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_templates(pattern, parts, inner)
        elif isinstance(pattern, URLPattern):
            yield Template(f"{namespace}{pattern.name}" if pattern.name else str(pattern.pattern), parts)


def test_the_walk_covers_the_url_conf():
    templates = list(url_templates())
    names = {t.name for t in templates}
    assert len(templates) > 200
    assert {"applications:apply_step", "screening_dashboard", "exports_download", "wagtail_serve"} <= names
    assert set(WAGTAIL_KNOWN) <= names  # an exception whose URL is gone must leave the list
    step = next(t for t in templates if t.name == "applications:apply_step")
    assert step.fill("²") == "/apply/%C2%B2/%C2%B2/"
    assert step.fill("\ud800") == "/apply/%ED%A0%80/%ED%A0%80/"


@pytest.mark.parametrize("identity", [identity for identity in IDENTITIES if identity not in STAFF_WALKS])
def test_no_url_answers_a_server_error_to_odd_values(identity, site_content, settings):
    settings.RATELIMIT_ENABLE = False
    walk_odd_values(identity)


def walk_odd_values(identity: str) -> None:
    """Each odd value in each URL pattern (and in the query and form) for ``identity``; no answer may be a 5xx."""
    cities = two_cities()
    templates = list(url_templates())
    client = Client(raise_request_exception=False)
    if identity != "anonymous":
        client.force_login(cities.users[identity])
    errors: list[str] = []
    requests = 0
    for number, value in enumerate(ODD_VALUES):
        fields = dict.fromkeys(KNOWN_FIELDS, value.encode("utf-8", "surrogatepass").decode("latin-1"))
        query = urlencode({k: value.encode("utf-8", "surrogatepass") for k in KNOWN_FIELDS})
        form = {**fields, "action": ACTIONS[number % len(ACTIONS)]}
        for template in templates:
            if template.params == 0 and number > 0 and identity != "superuser":
                continue  # nothing in the path to vary: one odd value in the query and form is enough
            url = template.fill(value)
            methods = ["get"] if any(s in template.name for s in SKIPPED_POSTS) else ["get", "post"]
            for method in methods:
                response = client.get(f"{url}?{query}") if method == "get" else client.post(url, form)
                requests += 1
                if response.status_code >= 500 and template.name not in WAGTAIL_KNOWN:
                    errors.append(f"{identity} {method.upper()} {template.name} {url[:80]} → {response.status_code}")
    print(f"odd-value walk as {identity}: {requests} requests, {len(templates)} URL patterns, {len(errors)} errors")
    assert not errors, "\n".join(errors)
