"""The privacy pages in the Wagtail admin: an approver carries out an erasure request that came after a decision.

Privacy is retention and erasure (``retention``); the page sits with the screening workspace
(``screening_erasure``, registered in ``applications.wagtail_hooks``) and uses its templates.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from applications.admin_pages import admin_view, forbidden
from applications.models import Application, AuditEntry
from applications.privacy.retention import (
    application_erase_after_decision,
    application_has_decision,
    may_erase_after_decision,
)
from applications.screening.services import ScreeningError
from applications.teams import access

TEMPLATES = "applications/screening/"


@admin_view
def erasure(request: HttpRequest, application_id: int) -> HttpResponse:
    """An approver carries out an applicant's erasure request that came after a decision.

    The approver's mail links here. The page names the application by its reference, call and
    roles (title and rank): erasing needs no name, so it shows none. A POST with the
    confirmation calls ``retention.application_erase_after_decision`` (audited there).
    """
    application = get_object_or_404(Application.objects.select_related("call"), pk=application_id)
    call = access.call_or_404(request.user, application.call_id)
    if not may_erase_after_decision(request.user, application):
        return forbidden(request, "決定後の削除は、この募集の承認者が行います。 Only an approver of this city erases.")
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            error = "削除する場合は確認欄にチェックを入れてください。 Tick the box to confirm the erasure."
        else:
            try:
                application_erase_after_decision(application=application, by=request.user)
            except ScreeningError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"{application.reference} を削除しました。 The application was erased.")
            return redirect("screening_erasure", application.pk)
    requests = AuditEntry.objects.filter(
        call=call, action="kobo.erasure.request", data__reference=application.reference
    ).order_by("timestamp")
    context = {
        "call": call,
        "application": application,
        "roles": application.candidacies.select_related("role").only("rank", "role__title").order_by("rank"),
        "decided": application_has_decision(application),
        "requests": requests,
        "error": error,
    }
    return TemplateResponse(request, TEMPLATES + "erasure.html", context, status=400 if error else 200)
