"""Template helpers for the bilingual site: localised fields and the language switch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.conf import settings
from django.urls import translate_url
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


@register.inclusion_tag("portal/includes/language_switch.html", takes_context=True)
def language_switch(context: dict[str, Any]) -> dict[str, Any]:
    """Links to the current page in each language (plain links: no JavaScript, no POST)."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = get_language()
    return {
        "languages": [
            {"code": code, "name": name, "url": translate_url(path, code), "current": code == current}
            for code, name in settings.LANGUAGES
        ]
    }
