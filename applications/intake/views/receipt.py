"""The receipt shown right after submitting, once, in the browser that submitted (the email has the rest)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from applications.intake.views.common import secret_address
from applications.models import Application
from applications.statistics.survey import survey_offer

#: The receipt shown right after submitting: one entry in the session (reference, a one-time key, until
#: when); the manage token it may show waits in the cache under that key and is removed on display.
RECEIPT_SESSION_KEY = "kobo_receipt"
RECEIPT_LIFETIME = timedelta(minutes=10)


def receipt_remember(request: HttpRequest, reference: str, manage_token: str | None = None) -> None:
    """Let this browser see the receipt of ``reference`` once, within ``RECEIPT_LIFETIME``.

    The manage token (first request only) waits in the cache, not in the session row.
    """
    pending = request.session.get(RECEIPT_SESSION_KEY) or {}
    now = timezone.now().timestamp()
    if manage_token is None and pending.get("reference") == reference and pending.get("until", 0) > now:
        return  # the first tap's receipt (with its link) is still waiting: keep it
    once = secrets.token_urlsafe(16)
    if manage_token:
        cache.set(f"kobo:receipt:{once}", manage_token, timeout=int(RECEIPT_LIFETIME.total_seconds()))
    until = now + RECEIPT_LIFETIME.total_seconds()
    request.session[RECEIPT_SESSION_KEY] = {"reference": reference, "once": once, "until": until}


def _receipt_gone(request: HttpRequest) -> HttpResponse:
    return render(request, "applications/receipt_gone.html", status=404)


@never_cache
@secret_address
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    """The receipt, once, right after submitting, in the browser that submitted (the email has the rest).

    Shown from a one-time entry in the session that expires after ``RECEIPT_LIFETIME``; the next
    person at the same browser finds nothing here.
    """
    pending = request.session.get(RECEIPT_SESSION_KEY) or {}
    if pending.get("reference") != reference:
        return _receipt_gone(request)
    request.session.pop(RECEIPT_SESSION_KEY)
    manage_token = cache.get(f"kobo:receipt:{pending.get('once')}")
    cache.delete(f"kobo:receipt:{pending.get('once')}")
    if pending.get("until", 0) <= timezone.now().timestamp():
        return _receipt_gone(request)
    application = get_object_or_404(Application.objects.select_related("call", "applicant"), reference=reference)
    candidacies = application.candidacies.select_related("role").order_by("rank")
    survey_offer(request, application)  # the optional survey, from this browser, for a while
    return render(
        request,
        "applications/receipt.html",
        {
            "application": application,
            "candidacies": candidacies,
            "call": application.call.specific,
            "manage_url": reverse("applications:manage", kwargs={"token": manage_token}) if manage_token else None,
        },
    )
