"""A call's screening audit log, for its city approvers: who saw and changed what, filtered."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from applications.admin_pages import forbidden
from applications.screening import visibility
from applications.screening.audit import action_label
from applications.screening.forms import AuditFilterSet
from applications.screening.views.base import PER_PAGE, TEMPLATES, screening_view
from applications.teams import access


@screening_view
def audit_log(request: HttpRequest, call_id: int) -> HttpResponse:
    """Who saw and changed what in this call (approvers only), filtered by who, what, which candidacy and when.

    Kept apart from Wagtail's page history. An entry's candidacy shows as its reference, rank
    and code, so that an approver can follow one person through the log.
    """
    call = access.call_or_404(request.user, call_id)
    decision = access.can_read_audit(request.user, call)
    if not decision:
        return forbidden(request, decision.reason)
    filterset = AuditFilterSet(request.GET, request=request, call=call)
    filterset.form.is_valid()  # an invalid condition is dropped (django-filter) and shown next to its field
    entries = filterset.qs.select_related("user", "candidacy")
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "entry": entry,
            "action": action_label(entry.action),
            "object_kind": visibility.audit_label(entry.candidacy) if entry.candidacy_id else call.title,
            "detail": {k: v for k, v in entry.data.items() if k != "call_id"},
        }
        for entry in page
    ]
    context = {"call": call, "page": page, "entries": rows, "form": filterset.form}
    return TemplateResponse(request, TEMPLATES + "audit_log.html", context)
