"""How a message of the catalogue is rendered: its wording in a language, placeholders filled, links, HTML.

The wording is the editors' ``MessageTemplate`` for an applicant kind if there is one, else the
catalogue's default. A message is plain text; the HTML part is made from it (links made
clickable). Links in emails start with :func:`public_url` (``KOBO_PUBLIC_URL``, see README).
"""

from __future__ import annotations

import re
import string

from django.conf import settings
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from applications.mail.catalogue import APPLICANT_KINDS, CORRECTED_RESULTS, KINDS, SAMPLE


def correction_result(*, passed: bool, language: str, call_link: str) -> str:
    """The paragraph of a correction that states the right outcome, in ``language``."""
    with override(language):
        return str(CORRECTED_RESULTS[passed]).format(call_link=call_link)


def sample_values() -> dict[str, str]:
    """Sample values for every placeholder, links included (the admin preview)."""
    link = public_url("/apply/manage/sample-token/")
    links = (
        "manage_link",
        "link",
        "call_link",
        "dashboard_link",
        "erasure_link",
        "booking_link",
        "request_link",
        "candidacy_link",
    )
    return {**SAMPLE, **dict.fromkeys(links, link)}


def placeholders_help_html() -> str:
    """The placeholders each applicant message may use, for the editor's form."""
    from django.utils.html import format_html, format_html_join

    rows = format_html_join(
        "",
        "<li><code>{}</code>: {}</li>",
        ((k, " ".join(f"{{{p}}}" for p in KINDS[k].placeholders)) for k in APPLICANT_KINDS),
    )
    return format_html("<p>差し込み項目 Placeholders</p><ul>{}</ul>", rows)


def public_url(path: str = "") -> str:
    """An absolute link for a public page: the one public address (``KOBO_PUBLIC_URL``) and ``path``."""
    return f"{settings.KOBO_PUBLIC_URL}{path}"


def admin_url(path: str = "") -> str:
    """An absolute link into the admin, for staff mail (``WAGTAILADMIN_BASE_URL``, by default the public address)."""
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"


def placeholders_in(text: str) -> set[str]:
    """The ``{names}`` used in ``text``; raises ValueError for a malformed brace or a format spec."""
    names = set()
    for _literal, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(name)
        names.add(name)
    return names


def placeholder_errors(kind: str, text: str) -> list[str]:
    """What is wrong with ``text`` as the wording of ``kind`` (empty when it is fine)."""
    try:
        used = placeholders_in(text)
    except ValueError:
        return [
            str(
                _(
                    "Braces must enclose a placeholder name, like {reference}. "
                    "Write {{ and }} for a brace that should appear in the email."
                )
            )
        ]
    unknown = sorted(used - set(KINDS[kind].placeholders))
    if unknown:
        allowed = ", ".join(f"{{{p}}}" for p in KINDS[kind].placeholders)
        return [
            str(_("Unknown placeholder: %(names)s. This message may use: %(allowed)s."))
            % {"names": ", ".join(f"{{{u}}}" for u in unknown), "allowed": allowed}
        ]
    return []


def wording(kind: str, language: str) -> tuple[str, str]:
    """The subject and body of ``kind`` in ``language``: the editors' snippet if there is one, else the default."""
    from applications.models import MessageTemplate

    if KINDS[kind].to_applicant:
        custom = MessageTemplate.objects.filter(kind=kind, language=language).first()
        if custom is not None:
            return custom.subject, custom.body
    with override(language):
        return str(KINDS[kind].subject), str(KINDS[kind].body)


def render(
    kind: str, language: str, values: dict[str, str], *, text: tuple[str, str] | None = None, footer: str = ""
) -> dict[str, str]:
    """Subject, plain text and HTML of a message; ``text`` replaces the stored wording (for previews).

    ``footer`` (the city's contact and schedule, ``applications.mail.senders``) ends the body as written.
    """
    subject, body = text or wording(kind, language)
    filled = _Values(values)
    subject = " ".join(subject.format_map(filled).split())[:200]
    body = body.format_map(filled).strip() + "\n"
    if footer:
        body = f"{body}\n{footer.strip()}\n"
    return {"subject": subject, "body": body, "html": to_html(body, subject=subject, language=language)}


class _Values(dict):
    """Placeholders without a value render empty rather than failing a send."""

    def __missing__(self, key: str) -> str:
        return ""


_LINK = re.compile(r"https?://[^\s<>\"]+")


def to_html(text: str, *, subject: str, language: str) -> str:
    """The HTML part of a message: the same text, paragraphs kept, links clickable."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        html = escape(block)
        html = _LINK.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', html)
        paragraphs.append("<p>" + html.replace("\n", "<br>\n") + "</p>")
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(language)}"><head><meta charset="utf-8">'
        f"<title>{escape(subject)}</title></head>\n"
        f'<body style="font-family: sans-serif; line-height: 1.7">\n' + "\n".join(paragraphs) + "\n</body></html>\n"
    )
