"""The staff's page of one role's interviews (Wagtail admin): open a round with its slots, see who booked, close it.

Opening and closing need the power to run the call's interviews (``teams.authority``, ``Power.INTERVIEW``);
the bookings with names and accommodation requests are shown to the panel and the city only
(``selectors.can_see_bookings``), and each showing is written to the audit log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from applications.admin_pages import admin_view, forbidden
from applications.interviews.forms import RoundForm, SlotFormSet
from applications.interviews.selectors import can_see_bookings, live_round, round_slots, unbooked_invitations
from applications.interviews.services import InterviewError, interview_round_close, interview_round_open
from applications.models import InterviewRound
from applications.screening.audit import audit
from applications.screening.rules import ROLE_MOVES, Move
from applications.screening.services import role_stage
from applications.teams import access
from applications.teams.authority import Power, decide
from recruitment.models import RolePage
from recruitment.selectors import role_call

TEMPLATE = "applications/interviews/round.html"


@admin_view
def round_page(request: HttpRequest, role_id: int) -> HttpResponse:
    """One role's interviews: its round (slots, bookings, who has not booked) or the form to open one."""
    role = RolePage.objects.filter(pk=role_id).first()
    if role is None:
        raise Http404
    call = access.call_or_404(request.user, role_call(role).pk)
    may_run = decide(request.user, call, Power.INTERVIEW)
    interview_round = live_round(role)
    if request.method == "POST":
        if not may_run:
            return forbidden(request, may_run.reason)
        if request.POST.get("action") == "close" and interview_round is not None:
            try:
                interview_round_close(interview_round=interview_round, by=request.user)
                messages.success(request, "面接の予約を締め切りました。 Bookings are closed.")
            except InterviewError as exc:
                messages.error(request, exc.message)
            return redirect("interview_round", role.pk)
        if request.POST.get("action") == "open" and interview_round is None:
            return _open(request, role, call)
        messages.error(request, "不明な操作です。 Unknown action.")
        return redirect("interview_round", role.pk)
    context: dict[str, Any] = {"call": call, "role": role, "round": interview_round, "may_run": bool(may_run)}
    if interview_round is None:
        can_open = bool(may_run) and (role_stage(role), Move.INTERVIEW) in ROLE_MOVES
        context.update(can_open=can_open, stage=role_stage(role).label, refusal=may_run.reason)
        if can_open:
            context.update(form=RoundForm(call=call), slots=SlotFormSet(prefix="slots"))
        return TemplateResponse(request, TEMPLATE, context)
    return _overview(request, interview_round, context)


def _overview(request: HttpRequest, interview_round: InterviewRound, context: dict[str, Any]) -> HttpResponse:
    named = can_see_bookings(request.user, interview_round)
    rows = round_slots(interview_round)
    waiting = unbooked_invitations(interview_round)
    if named:
        people = sum(len(r.bookings) for r in rows) + len(waiting)
        audit(user=request.user, action="kobo.interview.bookings", call=context["call"], rows=people, named=people,
              role_id=interview_round.role_id)  # fmt: skip
    context.update(
        named=named,
        rows=rows,
        waiting=waiting,
        panel=list(interview_round.panel.order_by("username")),
        is_open=interview_round.status == InterviewRound.Status.OPEN,
    )
    return TemplateResponse(request, TEMPLATE, context)


def _open(request: HttpRequest, role: RolePage, call: Any) -> HttpResponse:
    form = RoundForm(request.POST, call=call)
    slots = SlotFormSet(request.POST, prefix="slots")
    error = ""
    if form.is_valid() and slots.is_valid():
        specs = [spec for f in slots.forms if (spec := f.spec()) is not None]
        data = form.cleaned_data
        try:
            interview_round_open(
                role=role,
                by=request.user,
                slots=specs,
                length_minutes=data["length_minutes"],
                mode=data["mode"],
                place=data["place"],
                panel=list(data["panel"]),
                cutoff_hours=data["cutoff_hours"],
            )
        except InterviewError as exc:
            error = exc.message
        else:
            messages.success(
                request, "面接の日程を公開し、候補者に案内を送りました。 The round is open; invitations sent."
            )
            return redirect("interview_round", role.pk)
    context = {
        "call": call, "role": role, "round": None, "may_run": True, "can_open": True,
        "form": form, "slots": slots, "error": error,
    }  # fmt: skip
    return TemplateResponse(request, TEMPLATE, context, status=400)
