"""Copying a call for another city: Wagtail's copy, with the city chosen and every date moved by one offset.

Wagtail's copy page asks for a parent page and copies dates as they are. For a call
the parent is the chosen city's folder of calls (so the copy gets that city's page
rights and workflow), and every role's opening time and deadline and every step of
the call's timeline move by the same number of days. The copy is a draft with the
same roles. The ``before_copy_page`` hook (``wagtail_hooks``) shows this form for calls.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from wagtail.actions.copy_page import CopyPageAction
from wagtail.log_actions import log
from wagtail.models import Page, PageLogEntry

from .models import CallPage, CityPage, Organisation, RolePage

#: The largest shift accepted, in days either way (ten years).
MAX_SHIFT_DAYS = 3650


def copy_destinations(user: Any) -> list[Organisation]:
    """The organisations into whose folder of calls ``user`` may add a call."""
    cities = CityPage.objects.select_related("organisation").order_by("organisation__name")
    return [city.organisation for city in cities if city.permissions_for_user(user).can_add_subpage()]


def _shift_stream_dates(stream: Any, delta: timedelta) -> list[tuple[str, dict[str, Any]]]:
    steps = []
    for child in stream:
        value = dict(child.value)
        for name in ("starts_on", "ends_on"):
            if value.get(name):
                value[name] = value[name] + delta
        steps.append((child.block_type, value))
    return steps


@transaction.atomic
def call_copy(
    *, call: CallPage, organisation: Organisation, title: str, slug: str, shift_days: int, by: Any
) -> CallPage:
    """Copy ``call`` and its roles, as a draft, into ``organisation``'s folder, dates moved by ``shift_days``.

    Refused (``PermissionDenied``) when ``by`` may not add calls for that organisation.
    The copy and each changed page get a new revision by ``by``; Wagtail logs the copy.
    """
    city = CityPage.objects.get(organisation=organisation)
    if by is not None and not city.permissions_for_user(by).can_add_subpage():
        raise PermissionDenied("may not add calls for this organisation")
    copy = CopyPageAction(
        page=call,
        recursive=True,
        to=city,
        update_attrs={"title": title, "slug": slug, "organisation": organisation},
        keep_live=False,
        user=by,
    ).execute(skip_permission_checks=True)
    log(instance=copy.specific, action=COPIED_FROM, user=by, data={"source": call.pk, "shift_days": shift_days})
    delta = timedelta(days=shift_days)

    draft = copy.specific.get_latest_revision_as_object()
    draft.organisation = organisation
    draft.timeline = _shift_stream_dates(draft.timeline, delta)
    draft.save(clean=False)
    draft.save_revision(user=by, log_action=False, clean=False)

    for role in RolePage.objects.child_of(copy):
        draft = role.get_latest_revision_as_object()
        draft.closes_at = draft.closes_at + delta
        draft.opens_at = draft.opens_at + delta if draft.opens_at else None
        draft.save(clean=False)
        draft.save_revision(user=by, log_action=False, clean=False)
    return CallPage.objects.get(pk=copy.pk)


class CallCopyForm(forms.Form):
    """Title, slug, the city the copy belongs to, and the days by which every date moves."""

    new_title = forms.CharField(label="新しいタイトル New title", max_length=255)
    new_slug = forms.SlugField(label="新しいスラッグ New slug", allow_unicode=True, max_length=255)
    organisation = forms.ModelChoiceField(
        label="団体 Organisation",
        queryset=Organisation.objects.none(),
        help_text="コピーはこの団体の募集として、その団体の承認を受けます。"
        " The copy becomes a call of this organisation, approved by it.",
    )
    shift_days = forms.IntegerField(
        label="日付をずらす日数 Shift dates by (days)",
        initial=0,
        min_value=-MAX_SHIFT_DAYS,
        max_value=MAX_SHIFT_DAYS,
        help_text="すべての業務の受付開始と締切、選考スケジュールをこの日数だけずらします(前にずらすときは負の数)。"
        " Every role's opening time and deadline and the timeline move by this many days (negative: earlier).",
    )

    def __init__(self, *args: Any, call: CallPage, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.call = call
        allowed = [organisation.pk for organisation in copy_destinations(user)]
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=allowed)
        self.fields["new_title"].initial = call.title
        self.fields["new_slug"].initial = call.slug
        self.fields["organisation"].initial = call.organisation_id if call.organisation_id in allowed else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        organisation, slug = cleaned.get("organisation"), cleaned.get("new_slug")
        if organisation and slug:
            city = CityPage.objects.get(organisation=organisation)
            if not Page._slug_is_available(slug, city):
                self.add_error(
                    "new_slug",
                    "この団体の募集に同じスラッグがあります。別のスラッグにしてください。"
                    " This organisation already has a call with this slug; choose another.",
                )
        return cleaned


def call_copy_view(request: HttpRequest, call: CallPage) -> HttpResponse:
    """Wagtail's copy page for a call (the caller has checked that the user may copy it)."""
    form = CallCopyForm(request.POST if request.method == "POST" else None, call=call, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        copy = call_copy(
            call=call,
            organisation=data["organisation"],
            title=data["new_title"],
            slug=data["new_slug"],
            shift_days=data["shift_days"],
            by=request.user,
        )
        messages.success(
            request, f"「{call.title}」を{copy.organisation.name}の下書きとしてコピーしました。 Copied as a draft."
        )
        for warning in copied_call_warnings(copy):
            messages.warning(request, warning)
        return redirect("wagtailadmin_pages:edit", copy.pk)
    return TemplateResponse(request, "recruitment/admin/copy_call.html", {"page": call, "form": form})


# --- What a copy still says of its source ---------------------------------------------------------

#: Dates as calls write them: 2020年10月23日, 令和2年10月, 10月23日, 2020/10/23, 2020-10-23, 10/23.
_DATE = re.compile(
    r"(?:令和|平成)\s*(?:\d{1,2}|元)\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?"
    r"|\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"
    r"|\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}"
    r"|(?<![\d/])\d{1,2}/\d{1,2}(?![\d/])"
)
_TAGS = re.compile(r"<[^>]+>")
#: The call's and roles' fields whose text an editor writes (dates in them are not moved by a copy).
CALL_TEXT_FIELDS = (
    "summary",
    "summary_en",
    "eligibility",
    "pay_summary",
    "term_summary",
    "selection_process",
    "contact",
    "contact_email",
    "personal_data_notice",
)
ROLE_TEXT_FIELDS = ("summary", "summary_en", "duties", "deliverables", "requirements", "term", "pay_text")


def _plain(value: Any) -> str:
    return unicodedata.normalize("NFKC", _TAGS.sub(" ", str(value or "")))


def call_texts(call: CallPage) -> str:
    """The text an editor wrote in a call (its latest revision) and in its roles, tags removed, NFKC."""
    call = CallPage.objects.get(pk=call.pk)  # as saved now (its latest revision may be newer than ``call``)
    call = call.get_latest_revision_as_object() if call.has_unpublished_changes else call
    parts = [_plain(getattr(call, name, "")) for name in CALL_TEXT_FIELDS]
    parts.append(_plain(json.dumps(call.body.get_prep_value(), ensure_ascii=False, default=str)))
    for page in RolePage.objects.child_of(call):
        role = page.get_latest_revision_as_object() if page.has_unpublished_changes else page
        parts.extend(_plain(getattr(role, name, "")) for name in ROLE_TEXT_FIELDS)
    return "\n".join(parts)


def dates_in(text: str) -> list[str]:
    """The dates written in ``text``, each once, in order (spaces removed)."""
    found: dict[str, None] = {}
    for match in _DATE.finditer(text):
        found.setdefault(re.sub(r"\s+", "", match.group(0)), None)
    return list(found)


def other_city_contacts(text: str, organisation: Organisation) -> list[str]:
    """The names, departments, phone numbers and email addresses of other organisations found in ``text``."""
    found: dict[str, None] = {}
    compact = re.sub(r"\s+", "", text)
    for other in Organisation.objects.exclude(pk=organisation.pk):
        marks = [other.name, other.contact_department, other.contact_phone, other.contact_email, other.reply_to_email]
        for mark in marks:
            mark = unicodedata.normalize("NFKC", mark or "").strip()
            if len(mark) >= 3 and re.sub(r"\s+", "", mark) in compact:
                found.setdefault(mark, None)
    return list(found)


#: The log action :func:`call_copy` writes on a copy, naming the call it was copied from
#: (Wagtail's own ``wagtail.copy`` entry names the source's parent, not the source).
COPIED_FROM = "recruitment.copied_from"


def copy_source(call: CallPage) -> tuple[bool, CallPage | None]:
    """Whether ``call`` is a copy of a call, and that call if it still exists."""
    entry = PageLogEntry.objects.filter(page=call, action=COPIED_FROM).order_by("-timestamp").first()
    if entry is None:
        return False, None
    source_id = (entry.data or {}).get("source")
    return True, CallPage.objects.filter(pk=source_id).first() if isinstance(source_id, int) else None


def copied_call_warnings(call: CallPage) -> list[str]:
    """What an editor should check in a copied call before it is published; empty for a call that is no copy.

    Dates written in the text (not moved by the copy's shift) that are still the source's, and
    the name or contact of another organisation (the source city's, usually) anywhere in the
    call's or its roles' text, its contact fields included.
    """
    is_copy, source = copy_source(call)
    if not is_copy:
        return []
    text = call_texts(call)
    dates = dates_in(text)
    if source is not None:
        source_dates = set(dates_in(call_texts(source)))
        dates = [d for d in dates if d in source_dates]
    warnings = []
    if dates:
        warnings.append(
            "本文に書かれた日付はコピーで動いていません。確認してください: "
            + "、".join(dates[:10])
            + " / Dates written in the text were not moved by the copy; check them."
        )
    contacts = other_city_contacts(text, call.organisation)
    if contacts:
        warnings.append(
            "他の団体の名前・連絡先が残っています。この団体の連絡先に直してください: "
            + "、".join(contacts[:10])
            + " / Another organisation's name or contact remains; change it to this organisation's."
        )
    return warnings
