"""Template helpers for the bilingual site: localised fields and the language switch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language

register = template.Library()


@dataclass(frozen=True)
class Localized:
    """A field's value in the visitor's language, and whether it fell back to Japanese."""

    value: Any
    fallback: bool

    def __str__(self) -> str:
        return str(self.value)


def localized_value(obj: Any, field: str) -> Localized:
    """Return ``obj.<field>_en`` on the English site when it has content, else ``obj.<field>``.

    ``fallback`` is true when an English page shows Japanese text, so the
    template can mark it ``lang="ja"``.
    """
    value = obj.get(field) if isinstance(obj, dict) else getattr(obj, field, "")
    if get_language() == "en":
        english = obj.get(f"{field}_en") if isinstance(obj, dict) else getattr(obj, f"{field}_en", None)
        if english:
            return Localized(english, False)
        return Localized(value, bool(value))
    return Localized(value, False)


@register.simple_tag
def localized(obj: Any, field: str) -> Localized:
    """``{% localized page "intro" as intro %}`` then ``{{ intro.value }}`` and ``intro.fallback``."""
    return localized_value(obj, field)


@register.inclusion_tag("cms/includes/language_switch.html", takes_context=True)
def language_switch(context: dict[str, Any]) -> dict[str, Any]:
    """Links to the current page in each language (plain links: no JavaScript, no POST)."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = get_language()
    return {
        "languages": [
            {"code": code, "name": name, "url": same_site_url(path, code), "current": code == current}
            for code, name in settings.LANGUAGES
        ]
    }


def same_site_url(path: str, language: str) -> str:
    """``path`` in ``language``, always a path on this site.

    A request for ``//evil.example/`` has that as its path; ``translate_url`` would read the
    host in it and answer ``//evil.example/en/``, a link off the site. Leading slashes (and
    backslashes, which browsers read as slashes) are folded to one first, and anything that
    still names a host or scheme falls back to the language's home page.
    """
    local = "/" + path.lstrip("/\\")
    url = translate_url(local, language)
    if url_has_allowed_host_and_scheme(url, allowed_hosts=None) and url.startswith("/") and not url.startswith("//"):
        return url
    return translate_url("/", language)


@register.simple_tag(takes_context=True)
def page_organisation(context: Any) -> Any:
    """The organisation whose contact the footer shows, or None for the site's own contact.

    A page that belongs to a city (a call, a city's folder) has an ``organisation``; a role's
    page and the application pages have the ``call`` in their context. Read by attribute, so
    this layer needs no import of the recruitment models.
    """
    for candidate in (context.get("page"), context.get("call")):
        organisation = getattr(candidate, "organisation", None)
        if organisation is not None and callable(getattr(organisation, "has_contact", None)):
            return organisation if organisation.has_contact() else None
    return None
