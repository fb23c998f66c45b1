"""Short, readable slugs for new calls and roles: a page's address is its parents' slugs and its own.

Wagtail makes a new page's slug from its title; a Japanese title gives a Unicode slug that becomes
about 300 characters of ``%E5%BA%83…`` in a URL. A new call or role whose slug is empty or not
plain ASCII gets instead its English title, slugified and cut at a word (up to :data:`MAX_LENGTH`
characters), or without one a role's category slug (``instagram-articles``) or a call's
``call-<year>``; made unique among its siblings with ``-2``, ``-3``…
The editor can change it like any slug, and the slugs of existing pages are never changed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.text import slugify
from wagtail.models import Page

#: The longest slug made here (the editor may type a longer one).
MAX_LENGTH = 40


def needs_short_slug(slug: str) -> bool:
    """True for a slug Wagtail made from a Japanese title (or none at all)."""
    return not slug or not slug.isascii()


def _cut(slug: str) -> str:
    if len(slug) <= MAX_LENGTH:
        return slug
    cut = slug[:MAX_LENGTH]
    return cut.rsplit("-", 1)[0] if "-" in cut else cut


def _unique(base: str, parent: Page | None, instance: Page | None) -> str:
    if parent is None:
        return base
    candidate, suffix = base, 1
    while not Page._slug_is_available(candidate, parent, instance):
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate


def short_slug(*, title_en: str = "", fallback: str, parent: Page | None, instance: Page | None) -> str:
    """A short slug for a new page under ``parent``: from ``title_en``, else ``fallback``; unique there."""
    return _unique(_cut(slugify(title_en or "")) or fallback, parent, instance)


def role_fallback(category: Any) -> str:
    """A role with no English title: its category's slug (``instagram-articles``)."""
    return getattr(category, "slug", "") or "role"


def call_fallback(today: date | None = None) -> str:
    """A call with no English title: ``call-2027``."""
    return f"call-{(today or date.today()).year}"
