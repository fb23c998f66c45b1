"""The wording of every email, with named placeholders, and how a message is rendered.

Each kind has a default subject and body here (translated through ``locale/``); city
editors may override the wording of applicant messages per language with a
``MessageTemplate`` snippet, checked on save against the placeholders of its kind.
A message is plain text; the HTML part is made from it (links made clickable).
Links in emails start with :func:`public_url` (``KOBO_PUBLIC_URL``, see README).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from django.conf import settings
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

APPLICANT = "applicant"
STAFF = "staff"


@dataclass(frozen=True)
class Kind:
    """One kind of email: who receives it, its default wording and the placeholders it may use."""

    audience: str
    subject: str
    body: str
    placeholders: tuple[str, ...]


KINDS: dict[str, Kind] = {
    # --- to applicants (editable in the admin) -------------------------------------------------
    "confirmation": Kind(
        APPLICANT,
        _("Application received ({reference})"),
        _(
            "{name} (dear applicant)\n\nThank you for your application. We have received it.\n\n"
            "Reference number: {reference}\nCall: {call}\nRoles:\n{roles}\n\n"
            "To see your application, withdraw it or ask us to erase your data, open:\n{manage_link}\n\n"
            "Keep this email: the link above is the only way to manage your application."
        ),
        ("name", "reference", "call", "roles", "manage_link"),
    ),
    "draft_link": Kind(
        APPLICANT,
        _("Your saved application: link to continue"),
        _(
            "You saved an application to “{call}” to finish later. Open this link to continue where you stopped:\n\n"
            "{link}\n\nThe link works until the roles you chose close, and for 30 days at most. "
            "If you did not ask for it, ignore this email."
        ),
        ("call", "link"),
    ),
    "email_code": Kind(
        APPLICANT,
        _("{code} is your confirmation code"),
        _(
            "Your confirmation code for an application to “{call}”:\n\n{code}\n\n"
            "Type it in the application form. It works for {minutes} minutes. "
            "If you did not start an application, ignore this email: nothing is sent without this code."
        ),
        ("code", "call", "minutes"),
    ),
    "manage_link": Kind(
        APPLICANT,
        _("Your link to your application ({reference})"),
        _(
            "You asked for a new link to your application.\n\nReference number: {reference}\nCall: {call}\n\n"
            "To see your application, withdraw it or ask us to erase your data, open this link "
            "(it works for {days} days):\n{manage_link}\n\nIf you did not ask for it, you need do nothing."
        ),
        ("reference", "call", "days", "manage_link"),
    ),
    "draft_reminder": Kind(
        APPLICANT,
        _("Your application to “{call}” is not sent yet"),
        _(
            "Your application to “{call}” is saved but not sent yet.\n\n"
            "The first role you chose, “{role}”, closes on {deadline} (in about {hours} hours). "
            "Applications not sent by then cannot be accepted.\n\n"
            "To continue, open the link in the email “Your saved application: link to continue”, "
            "or start from the call's page:\n{call_link}"
        ),
        ("call", "role", "deadline", "hours", "call_link"),
    ),
    "withdrawal": Kind(
        APPLICANT,
        _("Withdrawal received ({reference})"),
        _("We have withdrawn your application for these roles:\n{roles}\n\nReference number: {reference}"),
        ("reference", "call", "roles"),
    ),
    "duplicate": Kind(
        APPLICANT,
        _("Someone applied again with your email address ({reference})"),
        _(
            "Someone applied again with this email address for a role you have already applied for. "
            "Only one application per email address and role is accepted, so the new one was not accepted. "
            "Your application is unchanged.\n\nReference number: {reference}\nCall: {call}\nRoles:\n{roles}\n\n"
            "To see your application or withdraw it before a decision, open this link (it works for 7 days):\n"
            "{manage_link}\n\nIf it was you and you want to send different answers, withdraw the earlier "
            "application for that role with the link above, then apply again. If it was not you, you need do nothing."
        ),
        ("reference", "call", "roles", "manage_link"),
    ),
    "screening_passed": Kind(
        APPLICANT,
        _("Result of document screening ({reference})"),
        _(
            "{name} (dear applicant)\n\nThank you for applying for “{role}” ({call}). "
            "We are pleased to tell you that you have passed the document screening.\n\n"
            "Next steps: the city will contact you by email about an online interview. "
            "The selection process is described on the call's page:\n{call_link}\n\n"
            "Reference number: {reference}"
        ),
        ("name", "reference", "call", "role", "call_link"),
    ),
    "screening_result": Kind(
        APPLICANT,
        _("Result of document screening ({reference})"),
        _(
            "{name} (dear applicant)\n\nThank you very much for applying for “{role}” ({call}) "
            "and for the time you gave to your application. We received many strong applications, "
            "and we are sorry to tell you that you have not been selected for the next stage this time.\n\n"
            "We hope you will consider our future calls.\n\nReference number: {reference}"
        ),
        ("name", "reference", "call", "role"),
    ),
    "screening_correction": Kind(
        APPLICANT,
        _("Correction: result of document screening ({reference})"),
        _(
            "{name} (dear applicant)\n\nThank you for applying for “{role}” ({call}). "
            "We must correct the result of the document screening we sent you earlier, "
            "and we sincerely apologise for the confusion.\n\n{result}\n\n"
            "We apologise once more for the trouble this has caused you.\n\nReference number: {reference}"
        ),
        ("name", "reference", "call", "role", "result", "call_link"),
    ),
    "still_reviewing": Kind(
        APPLICANT,
        _("Your application is still being reviewed ({reference})"),
        _(
            "{name} (dear applicant)\n\nApplications for “{role}” ({call}) closed {days} days ago. "
            "We are still reviewing them and have not forgotten yours. "
            "We will email you the result of the document screening as soon as it is decided.\n\n"
            "Reference number: {reference}"
        ),
        ("name", "reference", "call", "role", "days"),
    ),
    "decision_selected": Kind(
        APPLICANT,
        _("Result of your application ({reference})"),
        _(
            "We are pleased to tell you that you have been selected for “{role}”.\n\n"
            "Reference number: {reference}\nThe city will contact you about the contract and the start of work."
        ),
        ("name", "reference", "call", "role"),
    ),
    "decision_not_selected": Kind(
        APPLICANT,
        _("Result of your application ({reference})"),
        _(
            "Thank you for applying for “{role}”. After careful consideration, we are sorry to tell you "
            "that you have not been selected this time.\n\nReference number: {reference}"
        ),
        ("name", "reference", "call", "role"),
    ),
    "erasure_done": Kind(
        APPLICANT,
        _("Your data has been erased ({reference})"),
        _(
            "As you asked, we have withdrawn your application to “{call}” and erased your name, contact details, "
            "answers and files. Only anonymous counts remain.\n\nReference number: {reference}"
        ),
        ("reference", "call"),
    ),
    # --- to staff (wording in code) ---------------------------------------------------------------
    "deadline_digest": Kind(
        STAFF,
        _("Applications closed: {role} ({count})"),
        _(
            "Applications for “{role}” ({call}) closed at {deadline}.\n\n"
            "Applications received: {count}\n\nScreening dashboard:\n{dashboard_link}"
        ),
        ("role", "call", "deadline", "count", "dashboard_link"),
    ),
    "shortlist_submitted": Kind(
        STAFF,
        _("Shortlist submitted for approval: {scope}"),
        _("{actor} submitted the shortlist of {scope} for your approval.\n\nOpen it:\n{dashboard_link}"),
        ("scope", "actor", "comment", "dashboard_link"),
    ),
    "shortlist_approved": Kind(
        STAFF,
        _("Shortlist approved: {scope}"),
        _(
            "{actor} approved the shortlist of {scope}. The applicants are told the result of the "
            "document screening.\n\n{dashboard_link}"
        ),
        ("scope", "actor", "comment", "dashboard_link"),
    ),
    "shortlist_returned": Kind(
        STAFF,
        _("Shortlist returned: {scope}"),
        _("{actor} returned the shortlist of {scope} with this comment:\n\n{comment}\n\n{dashboard_link}"),
        ("scope", "actor", "comment", "dashboard_link"),
    ),
    "shortlist_reopened": Kind(
        STAFF,
        _("Shortlist reopened: {scope}"),
        _("{actor} reopened the shortlist of {scope}:\n\n{comment}\n\n{dashboard_link}"),
        ("scope", "actor", "comment", "dashboard_link"),
    ),
    "erasure_request": Kind(
        STAFF,
        _("Erasure request after a decision ({reference})"),
        _(
            "The applicant of {reference} ({call}) asked us to erase their data. A decision has already been "
            "made, so a city approver decides: erase it, or keep it for the retention period and tell them why.\n\n"
            "{erasure_link}"
        ),
        ("reference", "call", "erasure_link"),
    ),
}

APPLICANT_KINDS = [name for name, kind in KINDS.items() if kind.audience == APPLICANT]
#: How editors see the applicant kinds in the admin.
KIND_LABELS = {
    "confirmation": "受付確認 Application received",
    "draft_link": "下書きのリンク Draft link",
    "email_code": "確認コード Confirmation code",
    "manage_link": "応募内容の確認リンクの再送 Manage link sent again",
    "draft_reminder": "下書きのリマインダー Draft reminder",
    "withdrawal": "辞退の確認 Withdrawal",
    "duplicate": "重複応募のお知らせ Applied again with the same address",
    "screening_passed": "書類選考通過 Passed document screening",
    "screening_result": "書類選考結果 Document screening result",
    "screening_correction": "書類選考結果の訂正 Correction of the screening result",
    "still_reviewing": "選考中のお知らせ Still reviewing",
    "decision_selected": "採用 Selected",
    "decision_not_selected": "不採用 Not selected",
    "erasure_done": "データ削除の確認 Data erased",
}

#: Values used by the admin preview of a message template.
SAMPLE = {
    "name": "神戸 太郎",
    "reference": "KOBE-7K3M9Q",
    "call": "広報分野の副業人材",
    "role": "Instagram記事の作成",
    "roles": "  1. Instagram記事の作成",
    "deadline": "2026年12月24日 17:00",
    "hours": "24",
    "days": "21",
    "count": "42",
    "actor": "approver",
    "scope": "Instagram記事の作成",
    "comment": "",
    "result": "選考をやり直した結果、書類選考は通過となりました。",
    "code": "428193",
    "minutes": "15",
}


#: The ``{result}`` of a correction (``screening_correction``): the outcome that is now right.
CORRECTED_RESULTS = {
    True: _(
        "After the screening was reviewed again, the correct result is that you have passed the document "
        "screening. The city will contact you by email about an online interview. The selection process is "
        "described on the call's page:\n{call_link}"
    ),
    False: _(
        "After the screening was reviewed again, we are very sorry to tell you that the correct result is that "
        "you have not been selected for the next stage this time. We regret that our earlier message raised "
        "your hopes, and we thank you sincerely for your application."
    ),
}


def correction_result(*, passed: bool, language: str, call_link: str) -> str:
    """The paragraph of a correction that states the right outcome, in ``language``."""
    with override(language):
        return str(CORRECTED_RESULTS[passed]).format(call_link=call_link)


def sample_values() -> dict[str, str]:
    """Sample values for every placeholder, links included (the admin preview)."""
    link = public_url("/apply/manage/sample-token/")
    links = ("manage_link", "link", "call_link", "dashboard_link", "erasure_link")
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

    if KINDS[kind].audience == APPLICANT:
        custom = MessageTemplate.objects.filter(kind=kind, language=language).first()
        if custom is not None:
            return custom.subject, custom.body
    with override(language):
        return str(KINDS[kind].subject), str(KINDS[kind].body)


def render(kind: str, language: str, values: dict[str, str], *, text: tuple[str, str] | None = None) -> dict[str, str]:
    """Subject, plain text and HTML of a message; ``text`` replaces the stored wording (for previews)."""
    subject, body = text or wording(kind, language)
    filled = _Values(values)
    subject = " ".join(subject.format_map(filled).split())[:200]
    body = body.format_map(filled).strip() + "\n"
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
