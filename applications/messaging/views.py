"""The thread's pages: the applicant's (from the manage link) and the staff's send and file download posts.

Thin: the manage link is looked up by ``intake.selectors``; who may write and who sees what are
``messaging.selectors`` (over ``teams.authority`` and ``screening.visibility``); writes are
``messaging.services``. Public POSTs are rate limited (``cms.web.limits``) and CSRF-checked.
"""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from applications.admin_pages import admin_view
from applications.intake.selectors import MANAGE_LINK_AFTER_DECISION, MANAGE_LINK_MAX_AGE, manage_link_lookup
from applications.intake.tokens import hash_token
from applications.intake.uploads import CANONICAL_EXTENSIONS, MIME_TYPES
from applications.messaging.forms import AnswerForm, StaffMessageForm
from applications.messaging.models import CandidacyMessage
from applications.messaging.selectors import answer_file_or_404, applicant_thread, may_answer
from applications.messaging.services import MessagingError, message_answer, message_send, messages_mark_read
from applications.screening import visibility
from applications.screening.audit import audit
from cms.web.downloads import opened_or_404, private_file
from cms.web.limits import over_limit, too_many

#: A page whose address carries the manage link tells others only the site's origin (as the manage page does).
REFERRER_POLICY = "strict-origin"

#: The extension a checked file's type gets on download.
EXTENSIONS = {MIME_TYPES[kind]: CANONICAL_EXTENSIONS[kind] for kind in MIME_TYPES}


@never_cache
@require_http_methods(["GET", "POST"])
def applicant_thread_view(request: HttpRequest, token: str, candidacy_id: int) -> HttpResponse:
    """One role's messages for the holder of the manage link; they read them here and answer with a file."""
    response = _applicant_thread(request, token, candidacy_id)
    response.headers["Referrer-Policy"] = REFERRER_POLICY
    return response


def _applicant_thread(request: HttpRequest, token: str, candidacy_id: int) -> HttpResponse:
    link = manage_link_lookup(token)
    if link is None:
        raise Http404
    if link.expired:
        periods = {"after_decision_days": MANAGE_LINK_AFTER_DECISION.days, "new_link_days": MANAGE_LINK_MAX_AGE.days}
        return render(request, "applications/manage_expired.html", periods, status=410)
    application = link.application
    candidacy = application.candidacies.select_related("role", "application__call").filter(pk=candidacy_id).first()
    if candidacy is None:
        raise Http404
    here = reverse("applications:manage_messages", kwargs={"token": token, "candidacy_id": candidacy.pk})
    form = AnswerForm()
    if request.method == "POST":
        visitor = f"message:{hash_token(token)}"
        if refusal := over_limit(request, "message", visitor=visitor):
            return too_many(request, refusal)
        if request.FILES and (refusal := over_limit(request, "upload", visitor=visitor)):
            return too_many(request, refusal)
        form = AnswerForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                message_answer(candidacy=candidacy, body=form.cleaned_data["body"], upload=form.checked)
            except MessagingError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect(f"{here}?sent=1#thread-heading")
    else:
        messages_mark_read(candidacy=candidacy, sender=CandidacyMessage.Sender.STAFF)
    context = {
        "application": application,
        "candidacy": candidacy,
        "items": applicant_thread(candidacy),
        "form": form,
        "may_answer": may_answer(candidacy),
        "sent": request.GET.get("sent") == "1" and request.method == "GET",
        "manage_url": reverse("applications:manage", kwargs={"token": token}),
        "here": here,
    }
    return render(request, "applications/messaging/thread.html", context)


@admin_view
@require_POST
def staff_send_view(request: HttpRequest, candidacy_id: int) -> HttpResponse:
    """Send a message from the candidacy's screening page (POST); back to the page with what happened."""
    candidacy = visibility.candidacy_or_404(request.user, candidacy_id)
    form = StaffMessageForm(request.POST)
    if not form.is_valid():
        flash.error(request, " ".join(form.errors.get("body", [])) or "送れませんでした。 Not sent.")
    else:
        try:
            message_send(candidacy=candidacy, by=request.user, body=form.cleaned_data["body"])
        except MessagingError as exc:
            flash.error(request, f"送れませんでした。 Not sent: {exc.message}")
        else:
            flash.success(
                request,
                "メッセージを送り、応募者にメールで知らせました(本文はメールに含みません)。 "
                "Message sent; the applicant was told by email (without the message).",
            )
    return redirect(reverse("screening_candidacy", args=[candidacy.pk]) + "#messages-heading")


@admin_view
def answer_file_view(request: HttpRequest, message_id: int) -> HttpResponse:
    """An answer's file from private storage, for those who may see its candidacy; every download is audited."""
    message, candidacy = answer_file_or_404(request.user, message_id)
    call = candidacy.application.call
    extension = EXTENSIONS.get(message.file_type)
    if visibility.identity_visible(request.user, call, candidacy):
        filename = message.file_name
    else:
        filename = f"{candidacy.applicant_code}-{message.pk}{extension or ''}"
    handle = opened_or_404(message.file)
    audit(user=request.user, action="kobo.message.file", call=call, candidacy=candidacy, message_id=message.pk)
    return private_file(
        handle, filename=filename, content_type=message.file_type if extension else "application/octet-stream"
    )
