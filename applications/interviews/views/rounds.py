"""The staff's one page of a role's interview round (Wagtail admin): open it, add times, see it, close it.

Shown to whoever may view the call (``teams.access``, else 404). Opening, adding times and closing need
the power to run the call's interviews (``teams.authority``, ``Power.INTERVIEW``). The times with who
booked them and what they asked for are shown to those who see the interview stage and to whoever runs
the round (``selectors.can_see_bookings``); the panel's scorecards and consensus, with the links to each
interview, to those who see the interview stage (``screening.visibility.interview_visible``: the panel
and the city); the link to the decisions to those who decide. Each showing of names is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from applications.admin_pages import admin_view, forbidden
from applications.interviews.forms import AddSlotFormSet, RoundForm, SlotFormSet, place_error
from applications.interviews.scorecards import live_booking, round_invitations
from applications.interviews.selectors import can_see_bookings, live_round, round_slots
from applications.interviews.services import (
    InterviewError,
    interview_round_close,
    interview_round_open,
    interview_slots_add,
)
from applications.models import InterviewRound
from applications.screening import visibility
from applications.screening.audit import audit
from applications.screening.rules import ROLE_MOVES, Move
from applications.screening.services import role_stage
from applications.teams import access, authority
from applications.teams.authority import Power, decide
from recruitment.models import RolePage
from recruitment.selectors import role_call

TEMPLATE = "applications/interviews/round.html"
ADD_PREFIX = "add"


@admin_view
def round_page(request: HttpRequest, role_id: int) -> HttpResponse:
    """One role's interviews: its round (times, bookings, the panel's work, links onwards) or the form to open one."""
    role = RolePage.objects.filter(pk=role_id).first()
    if role is None:
        raise Http404
    call = access.call_or_404(request.user, role_call(role).pk)
    may_run = decide(request.user, call, Power.INTERVIEW)
    interview_round = live_round(role)
    context: dict[str, Any] = {"call": call, "role": role, "round": interview_round, "may_run": bool(may_run)}
    if request.method == "POST":
        if not may_run:
            return forbidden(request, may_run.reason)
        action = request.POST.get("action")
        if action == "open" and interview_round is None:
            return _open(request, context)
        if action == "add" and interview_round is not None:
            return _add(request, interview_round, context)
        if action == "close" and interview_round is not None:
            try:
                interview_round_close(interview_round=interview_round, by=request.user)
                messages.success(request, "面接の予約を締め切りました。 Bookings are closed.")
            except InterviewError as exc:
                messages.error(request, exc.message)
        else:
            messages.error(request, "不明な操作です。 Unknown action.")
        return redirect("interview_round", role.pk)
    if interview_round is None:
        can_open = bool(may_run) and (role_stage(role), Move.INTERVIEW) in ROLE_MOVES
        context.update(can_open=can_open, stage=role_stage(role).label, refusal=may_run.reason)
        if can_open:
            context.update(form=RoundForm(call=call), slots=SlotFormSet(prefix="slots"))
        return TemplateResponse(request, TEMPLATE, context)
    return _overview(request, interview_round, context)


def _candidates(user: Any, interview_round: InterviewRound) -> list[dict[str, Any]]:
    """The invited people with their time and the panel's work on their interview (scorecards in, consensus)."""
    rows = []
    for invitation in round_invitations(interview_round):
        cards = list(invitation.scorecards.all())
        rows.append(
            {
                "invitation": invitation,
                "candidacy": invitation.candidacy,
                "applicant": invitation.candidacy.application.applicant,
                "booking": live_booking(invitation),
                "mine": any(c.panelist_id == user.pk for c in cards),
                "cards": len(cards),
                "consensus": invitation.panel_consensus,  # type: ignore[attr-defined]
            }
        )
    return rows


def _overview(
    request: HttpRequest, interview_round: InterviewRound, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    user = request.user
    call = context["call"]
    named = can_see_bookings(user, interview_round)
    candidates = _candidates(user, interview_round) if named else []
    if named:
        audit(user=user, action="kobo.interview.list", call=call, rows=len(candidates), round_id=interview_round.pk,
              role_id=interview_round.role_id)  # fmt: skip
    is_open = interview_round.status == InterviewRound.Status.OPEN
    if context["may_run"] and is_open:
        context.setdefault("add_slots", AddSlotFormSet(prefix=ADD_PREFIX))
    rows = round_slots(interview_round)
    context.update(
        named=named,
        panel_view=visibility.interview_visible(user, call, interview_round),
        rows=rows,
        candidates=candidates,
        booked=interview_round.invitations.filter(booking__isnull=False, booking__cancelled_at__isnull=True).count(),
        invited=interview_round.invitations.count(),
        panel=list(interview_round.panel.order_by("last_name", "username")),
        online=interview_round.mode == InterviewRound.Mode.ONLINE,
        on_panel=bool(authority.panel_member(user, interview_round)),
        decides=bool(decide(user, call, Power.DECIDE)),
        is_open=is_open,
    )
    return TemplateResponse(request, TEMPLATE, context, status=status)


def _add(request: HttpRequest, interview_round: InterviewRound, context: dict[str, Any]) -> HttpResponse:
    """Add the times of the form to the open round; refused ones come back next to their field, nothing lost."""
    slots = AddSlotFormSet(request.POST, prefix=ADD_PREFIX)
    if slots.is_valid():
        filled = [f for f in slots.forms if f.spec() is not None]
        try:
            added = interview_slots_add(
                interview_round=interview_round, by=request.user, slots=[f.spec() for f in filled]
            )
        except InterviewError as exc:
            context["add_error"] = "" if place_error(exc, slots=slots, filled=filled) else exc.message
        else:
            messages.success(
                request,
                f"時間帯を{len(added)}件追加し、まだ予約していない人にメールで知らせました。 "
                f"{len(added)} time(s) added: those not booked yet can choose them and have been told by email.",
            )
            return redirect("interview_round", interview_round.role_id)
    context.update(add_slots=slots, add_failed=True)
    return _overview(request, interview_round, context, status=400)


def _open(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    role, call = context["role"], context["call"]
    form = RoundForm(request.POST, call=call)
    slots = SlotFormSet(request.POST, prefix="slots")
    error = ""
    if form.is_valid() and slots.is_valid():
        filled = [f for f in slots.forms if f.spec() is not None]
        data = form.cleaned_data
        try:
            interview_round_open(
                role=role,
                by=request.user,
                slots=[f.spec() for f in filled],
                length_minutes=data["length_minutes"],
                mode=data["mode"],
                place=data["place"],
                panel=list(data["panel"]),
                cutoff_hours=data["cutoff_hours"],
            )
        except InterviewError as exc:
            error = "" if place_error(exc, slots=slots, filled=filled, form=form) else exc.message
        else:
            messages.success(
                request, "面接の日程を公開し、候補者に案内を送りました。 The round is open; invitations sent."
            )
            return redirect("interview_round", role.pk)
    context.update(can_open=True, form=form, slots=slots, error=error, failed=True)
    return TemplateResponse(request, TEMPLATE, context, status=400)
