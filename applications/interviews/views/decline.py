"""The applicant declines an offer (採用) from their manage link: a confirmation page, then one POST.

The manage link is the applicant's only credential (``intake.selectors.manage_link_lookup``); the POST
is rate limited with the manage page's own limit, per link and per address. The service
(``interviews.decisions.hire_decline``) confirms the decline by email and promotes the first reserve.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from applications.intake.selectors import manage_link_lookup
from applications.intake.tokens import hash_token
from applications.interviews.decisions import hire_decline
from applications.models import Candidacy
from applications.screening.services import ScreeningError
from cms.web.limits import over_limit, too_many
from cms.web.numbers import parse_id

S = Candidacy.Status
#: What a page with a secret in its address tells others of it (as the manage page): the origin only.
REFERRER_POLICY = "strict-origin"


@never_cache
@require_http_methods(["GET", "POST"])
def decline_offer(request: HttpRequest, token: str) -> HttpResponse:
    """Ask once more, then record that the applicant will not take up the role(s) they were selected for."""
    if request.method == "POST" and (refusal := over_limit(request, "manage", visitor=f"manage:{hash_token(token)}")):
        return too_many(request, refusal)
    link = manage_link_lookup(token)
    if link is None or link.expired:
        raise Http404
    application = link.application
    selected = list(application.candidacies.filter(status=S.SELECTED).select_related("role", "application__call"))
    context = {"application": application, "selected": selected, "done": False, "error": ""}
    if request.method == "POST":
        pk = parse_id(request.POST.get("candidacy"))
        chosen = next((c for c in selected if c.pk == pk), None)
        if chosen is None or request.POST.get("confirm") != "yes":
            context["error"] = "choose"
        else:
            try:
                hire_decline(candidacy=chosen, by=None, note="declined from the manage link")
                context.update(done=True, declined=chosen, selected=[c for c in selected if c.pk != chosen.pk])
            except ScreeningError:
                context["error"] = "changed"
    response = render(request, "applications/interviews/decline.html", context)
    response.headers["Referrer-Policy"] = REFERRER_POLICY
    return response
