"""The applicant's interviews, under their manage link: book a time, move it, cancel it, download the .ics.

The manage link is the only key (``intake.selectors.manage_link_lookup``): another link sees and
changes nothing of this person's, and a booking is looked up among this application's only. Posts are
rate-limited per application and per address (``cms.web.limits``, group ``interview``) and CSRF-checked.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from applications.intake.selectors import MANAGE_LINK_AFTER_DECISION, MANAGE_LINK_MAX_AGE, manage_link_lookup
from applications.interviews.forms import BookingForm
from applications.interviews.ics import booking_calendar, booking_where
from applications.interviews.selectors import applicant_interviews, invitation_of
from applications.interviews.services import (
    InterviewError,
    interview_book,
    interview_booking_cancel,
    interview_booking_move,
)
from applications.models import Application, InterviewBooking, InterviewSlot
from cms.web.limits import over_limit, too_many
from cms.web.numbers import parse_id

TEMPLATE = "applications/interviews/booking.html"
#: What the page says after a change (``?done=``); anything else says nothing.
DONE = {"booked", "moved", "cancelled"}
#: Refusals that are about the state of the slot or round (409), not a malformed request.
CONFLICTS = {"taken", "too_late", "closed", "booked"}


class _Expired(Exception):
    pass


def _application(token: str) -> Application:
    link = manage_link_lookup(token)
    if link is None or link.application.anonymised_at is not None:
        raise Http404
    if link.expired:
        raise _Expired
    return link.application


def _private(response: HttpResponse) -> HttpResponse:
    # The address carries the manage link: no Referer beyond our origin (as the manage page).
    response.headers["Referrer-Policy"] = "strict-origin"
    return response


def _page(request: HttpRequest, application: Application, *, status: int = 200, **extra: Any) -> HttpResponse:
    context = {
        "application": application,
        "interviews": applicant_interviews(application),
        "token": request.resolver_match.kwargs["token"] if request.resolver_match else "",
        **extra,
    }
    posted = extra.get("posted_form")
    for interview in context["interviews"]:
        interview.where = booking_where(interview.booking) if interview.booking else ""
        # One form per interview, ids of its own (several may be open for booking on one page).
        interview.form = BookingForm(posted.data if posted else None, auto_id=f"{interview.key}-%s")
    return render(request, TEMPLATE, context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def booking(request: HttpRequest, token: str) -> HttpResponse:
    """The applicant's interviews: free times to book, their booking with its move and cancel forms."""
    try:
        application = _application(token)
    except _Expired:
        periods = {"after_decision_days": MANAGE_LINK_AFTER_DECISION.days, "new_link_days": MANAGE_LINK_MAX_AGE.days}
        return _private(render(request, "applications/manage_expired.html", periods, status=410))
    if request.method == "GET":
        done = request.GET.get("done")
        return _private(_page(request, application, done=done if done in DONE else ""))
    # Counted per application (whichever of its manage links is used) and per address.
    if refusal := over_limit(request, "interview", visitor=f"interview:application:{application.pk}"):
        return too_many(request, refusal)
    action = request.POST.get("action")
    form = BookingForm(request.POST)
    try:
        if action == "book":
            if not form.is_valid():
                return _private(_page(request, application, status=400, posted_form=form))
            slot = _slot(request)
            invitation = invitation_of(application, slot)
            if invitation is None:
                raise Http404
            interview_book(candidacy=invitation.candidacy, slot=slot, accommodation=form.cleaned_data["accommodation"])
            done = "booked"
        elif action == "move":
            interview_booking_move(booking=_booking(request, application), slot=_slot(request))
            done = "moved"
        elif action == "cancel":
            interview_booking_cancel(booking=_booking(request, application))
            done = "cancelled"
        else:
            raise Http404
    except _NoSlot:
        return _private(_page(request, application, status=400, error=_("Choose a time."), error_code="no_slot"))
    except InterviewError as exc:
        status = 409 if exc.code in CONFLICTS else 400
        return _private(_page(request, application, status=status, error=exc.message, error_code=exc.code))
    url = reverse("interviews:booking", kwargs={"token": token})
    return _private(redirect(f"{url}?done={done}"))


class _NoSlot(Exception):
    pass


def _slot(request: HttpRequest) -> InterviewSlot:
    pk = parse_id(request.POST.get("slot"))
    slot = InterviewSlot.objects.select_related("round").filter(pk=pk).first() if pk else None
    if slot is None:
        raise _NoSlot
    return slot


def _booking(request: HttpRequest, application: Application) -> InterviewBooking:
    """The application's own live booking named by the form (its calendar UID); 404 for anything else."""
    try:
        uid = uuid.UUID(str(request.POST.get("booking", "")))
    except ValueError as exc:
        raise Http404 from exc
    booking = application.interview_bookings.filter(uid=uid, cancelled_at__isnull=True).first()
    if booking is None:
        raise Http404
    return booking


@never_cache
@require_http_methods(["GET"])
def booking_ics(request: HttpRequest, token: str, uid: uuid.UUID) -> HttpResponse:
    """The booking as a calendar file (the same event as the confirmation's, UID and SEQUENCE included)."""
    try:
        application = _application(token)
    except _Expired:
        raise Http404 from None
    booking = (
        InterviewBooking.objects.filter(application=application, uid=uid, cancelled_at__isnull=True)
        .select_related("slot__round__role", "application__applicant", "application__call__organisation")
        .first()
    )
    if booking is None:
        raise Http404
    response = HttpResponse(booking_calendar(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="interview.ics"'
    return _private(response)
