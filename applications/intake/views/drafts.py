"""Saving a draft for later (its link by email) and resuming it from that link in another browser."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from applications.intake.drafts import browser_key, draft_bind, draft_in_session
from applications.intake.forms import DraftEmailForm
from applications.intake.selectors import draft_ending
from applications.intake.services import draft_resume, draft_send_link
from applications.intake.steps import STEPS
from applications.intake.tokens import hash_token
from applications.intake.views.common import mail_to_limited, rate_limited, secret_address
from applications.models import Draft
from cms.web.limits import too_many
from recruitment.models import CallPage


@never_cache
def save_draft(request: HttpRequest, call_id: int) -> HttpResponse:
    """Ask for an email address and send the link that resumes the draft."""
    call = get_object_or_404(CallPage.objects.live(), pk=call_id)
    draft = draft_in_session(request, call.pk)
    if draft is None or draft.application_id:
        return redirect("applications:apply", call_id=call.pk)
    about = (draft.data.get("step_data") or {}).get("about") or {}
    email_value = (about.get("about-email") or [""])[0]
    form = DraftEmailForm(request.POST or None, initial={"email": email_value})
    if request.method == "POST":
        if refusal := rate_limited(request, "draft_link"):
            return too_many(request, refusal)
        if form.is_valid():
            email = form.cleaned_data["email"]
            if refusal := mail_to_limited(request, email):
                return too_many(request, refusal)
            draft_send_link(draft=draft, email=email, language=get_language() or "ja")
            return render(request, "applications/draft_sent.html", {"call": call, "email": email, "draft": draft})
    return render(request, "applications/save_draft.html", {"call": call, "form": form, "draft": draft})


@never_cache
@secret_address
@require_http_methods(["GET", "POST"])
def resume_draft(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: ask, then (POST) continue the saved draft in this browser.

    Opening the link changes nothing (a link can be sent by anyone, from any site): the page says
    what continuing will replace. Continuing replaces the link's token (this link stops working;
    a new one can be emailed from the form) and binds the draft to this browser alone.
    Not rate-limited: its token has 256 bits.
    """
    draft = Draft.objects.filter(token_hash=hash_token(token)).select_related("call").first()
    if draft is None or draft.application_id or draft.expires_at <= timezone.now():
        ending = draft_ending(draft) if draft is not None else None
        return render(request, "applications/draft_expired.html", {"ending": ending}, status=410 if draft else 404)
    if request.method == "POST":
        draft_resume(draft=draft, session_key=browser_key(request))
        draft_bind(request, draft)
        step = (draft.data or {}).get("step") or STEPS[0].name
        return redirect("applications:apply_step", call_id=draft.call_id, step=step)
    current = draft_in_session(request, draft.call_id)
    replaces = current if current is not None and current.pk != draft.pk and not current.application_id else None
    return render(
        request, "applications/resume_confirm.html", {"draft": draft, "call": draft.call.specific, "replaces": replaces}
    )
