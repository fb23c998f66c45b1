"""Page metadata for search engines and link previews.

``{% job_posting_json_ld role call %}`` renders a role's schema.org JobPosting as
JSON-LD; ``{% page_meta page as meta %}`` gives the canonical URL, its language
alternates and OpenGraph locales; ``|plain_text`` turns (rich) text into a one-line
description.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import translate_url
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from recruitment.structured_data import canonical_url, job_posting

register = template.Library()

# As django.utils.html.json_script: nothing in the JSON can close the <script> element or
# open an HTML comment. U+2028/U+2029 are escaped too, for older JavaScript parsers.
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def json_ld_script(data: dict[str, Any]) -> SafeString:
    """``data`` as ``<script type="application/ld+json">``, safe to place anywhere in HTML.

    Japanese text stays readable (``ensure_ascii=False``); ``<``, ``>`` and ``&`` become
    ``\\u003C``-style escapes, which JSON parsers read back as the same characters.
    """
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    escaped = mark_safe(text)  # noqa: S308 # nosec B308 B703 # - JSON, < > & U+2028/9 escaped above
    return format_html('<script type="application/ld+json">{}</script>', escaped)


@register.simple_tag(takes_context=True)
def job_posting_json_ld(context: template.Context, role: Any, call: Any) -> SafeString:
    """Render the JobPosting of ``role`` (a RolePage) under ``call`` (its CallPage)."""
    return json_ld_script(job_posting(role, call, context.get("request")))


OG_LOCALES = {"ja": "ja_JP", "en": "en_US"}


@register.simple_tag(takes_context=True)
def page_meta(context: template.Context, page: Any) -> dict[str, Any]:
    """``{% page_meta page as meta %}``: the page's canonical URL and its translations.

    ``meta.canonical`` is the absolute URL in the current language;
    ``meta.alternates`` lists ``{"code", "url"}`` for every site language (for
    ``hreflang``), ``meta.default_url`` is the default language's (``x-default``);
    ``meta.og_locale`` and ``meta.og_locale_alternates`` are OpenGraph locales.
    """
    canonical = canonical_url(page, context.get("request"))
    current = get_language()
    codes = [code for code, _name in settings.LANGUAGES]
    alternates = [{"code": code, "url": translate_url(canonical, code)} for code in codes]
    return {
        "canonical": canonical,
        "alternates": alternates,
        "default_url": next(a["url"] for a in alternates if a["code"] == settings.LANGUAGE_CODE),
        "og_locale": OG_LOCALES.get(current, OG_LOCALES[settings.LANGUAGE_CODE]),
        "og_locale_alternates": [OG_LOCALES[code] for code in codes if code != current and code in OG_LOCALES],
    }


@register.filter
def plain_text(value: Any) -> str:
    """Text of ``value`` without tags or entities, whitespace collapsed: for meta descriptions."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(str(value or "")))).strip()
