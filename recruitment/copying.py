"""Copying a call for another city: Wagtail's copy, with the city chosen and every date moved by one offset.

Wagtail's copy page asks for a parent page and copies dates as they are. For a call
the parent is the chosen city's folder of calls (so the copy gets that city's page
rights and workflow), and every role's opening time and deadline and every step of
the call's timeline move by the same number of days. The copy is a draft with the
same roles. The ``before_copy_page`` hook (``wagtail_hooks``) shows this form for calls.
"""

from __future__ import annotations

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
from wagtail.models import Page

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
        return redirect("wagtailadmin_pages:edit", copy.pk)
    return TemplateResponse(request, "recruitment/admin/copy_call.html", {"page": call, "form": form})
