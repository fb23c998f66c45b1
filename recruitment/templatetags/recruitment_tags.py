"""Template helpers for calls and roles: deadlines in Japan time, pay, the home page's call list."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django import template
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cms.templatetags.kobo import localized_value
from recruitment.deadlines import RoleState
from recruitment.formatting import format_japan_date, format_japan_datetime
from recruitment.models import RolePage

register = template.Library()

#: The badge of each role state (class and words); any other state reads as open.
_BADGES = {
    RoleState.CLOSED: ("badge--closed", _("Closed")),
    RoleState.CLOSING_SOON: ("badge--soon", _("Closing soon")),
    RoleState.UPCOMING: ("badge--upcoming", _("Opens soon")),
}
_OPEN_BADGE = ("badge--open", _("Open"))


@register.filter
def japan_datetime(value: datetime | None) -> str:
    return format_japan_datetime(value) if value else ""


@register.filter
def japan_date(value: date | None) -> str:
    return format_japan_date(value) if value else ""


@register.filter
def yen(value: int | None) -> str:
    if value is None:
        return ""
    return f"¥{value:,}" if get_language() == "en" else f"{value:,}円"


@register.inclusion_tag("recruitment/includes/open_calls.html", takes_context=True)
def open_calls_panel(context: dict[str, Any]) -> dict[str, Any]:
    """The home page's list of open calls with their open-role counts and nearest deadline."""
    from recruitment.models import CallIndexPage
    from recruitment.selectors import open_call_summaries

    return {
        "request": context.get("request"),
        "summaries": open_call_summaries(),
        "index": CallIndexPage.objects.live().first(),
    }


@register.simple_tag
def state_badge(state: str) -> SafeString:
    """``{% state_badge role_state %}``: 受付中, 締切間近, 受付開始前 or 受付終了 as a coloured badge."""
    css, _label = _BADGES.get(state, _OPEN_BADGE)
    words = _card_words(get_language())
    return format_html('<span class="badge {}">{}</span>', css, words.get(f"badge:{state}", words["badge:open"]))


def _people(count: int) -> str:
    return ngettext("%(counter)s person", "%(counter)s people", count) % {"counter": count}


@functools.cache
def _card_words(language: str) -> dict[str, str]:
    """The role card's fixed words and the state badges' words in ``language``, translated once per process."""
    with translation.override(language):
        words = {key: gettext(key) for key in ("Deadline", "Headcount", "Pay", "Work style")}
        words |= {f"work_style:{value}": str(label) for value, label in RolePage.WorkStyle.choices}
        words |= {f"badge:{state}": str(_BADGES.get(state, _OPEN_BADGE)[1]) for state in RoleState}
    return words


@register.simple_tag(takes_context=True)
def role_card(context: template.Context, role: Any, *, compact: bool = False, show_call: bool = False) -> SafeString:
    """One role in a list: a short row on its call's page (``compact``), a card in the listing.

    Written in Python rather than as an included template because a call page shows every
    role: each card was about forty template nodes, the larger part of an uncached call page's
    rendering (docs/performance.md).
    """
    language = get_language()
    words = _card_words(language)
    title = localized_value(role, "title")
    link = format_html(
        '<a href="{}"{}>{}</a>', role.get_url(request=context.get("request")), _lang_ja(title.fallback), title.value
    )
    state = getattr(role, "current_state", None) or role.state()
    badge = state_badge(state)
    if getattr(role, "preview_draft", False):  # only in the editor's preview (selectors.call_roles_preview)
        badge = format_html('{} <span class="badge badge--draft">{}</span>', badge, gettext("Not yet published"))
    deadline = format_japan_datetime(role.closes_at, language)
    if compact:
        return format_html(
            '<li class="role-card role-card--compact">\n  <h4 class="role-card__title">{}</h4>\n'
            '  <p class="role-card__facts">{}\n    <span>{} {}</span>\n    <span>{}</span></p>\n</li>',
            link,
            badge,
            words["Deadline"],
            deadline,
            _people(role.headcount),
        )
    call = ""
    if show_call and getattr(role, "call_title", None):
        if language == "en" and role.call_title_en:
            call = format_html(' <span class="meta">{}</span>', role.call_title_en)
        else:
            call = format_html(' <span class="meta" lang="ja">{}</span>', role.call_title)
    pay = localized_value(role, "pay_text")
    return format_html(
        '<li class="card role-card">\n  <h3 class="role-card__title">{}</h3>\n  <p>{}{}</p>\n  <dl class="facts">\n'
        "    <dt>{}</dt><dd>{}</dd>\n    <dt>{}</dt><dd>{}</dd>\n"
        "    <dt>{}</dt><dd{}>{}</dd>\n    <dt>{}</dt><dd>{}</dd>\n  </dl>\n</li>",
        link,
        badge,
        call,
        words["Deadline"],
        deadline,
        words["Headcount"],
        _people(role.headcount),
        words["Pay"],
        _lang_ja(pay.fallback),
        pay.value,
        words["Work style"],
        words.get(f"work_style:{role.work_style}", role.work_style),
    )


def _lang_ja(fallback: bool) -> SafeString:
    return SafeString(' lang="ja"') if fallback else SafeString("")


@dataclass(frozen=True)
class CallText:
    """A text of a call or role in the visitor's language (``Localized``), and whether to say it is untranslated.

    ``notice`` is true when an English visitor gets the Japanese text and the call asks for the
    "English not available: the Japanese text governs" notice (``CallPage.english_fallback``).
    """

    value: Any
    fallback: bool
    notice: bool

    def __str__(self) -> str:
        return str(self.value)


@register.simple_tag
def call_text(obj: Any, field: str, call: Any) -> CallText:
    """``{% call_text page "duties" call as duties %}``: ``duties.value``, ``duties.fallback``, ``duties.notice``."""
    from recruitment.pages.calls import FALLBACK_NOTICE

    found = localized_value(obj, field)
    notice = found.fallback and getattr(call, "english_fallback", FALLBACK_NOTICE) == FALLBACK_NOTICE
    return CallText(found.value, found.fallback, notice)


@register.inclusion_tag("recruitment/includes/untranslated.html")
def untranslated(text: CallText, *, inline: bool = False) -> dict[str, Any]:
    """The "English not available: the Japanese text governs" notice, when ``text`` asks for it."""
    return {"show": text.notice, "inline": inline}
