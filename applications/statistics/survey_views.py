"""The optional survey, for the applicant only: from the receipt (this browser's session proves the
application) or from the manage link (its token proves it). Never reachable by staff: no admin page reads it.

Each POST is rate limited (``cms.web.limits``, group "survey") and CSRF-checked (Django's middleware);
an erased application takes no answers. The pages carry ``Referrer-Policy: strict-origin`` like the
other pages of the application's secret links (``applications.intake.views.common``, a views module
this package does not import).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from applications.intake.models import Application
from applications.intake.selectors import MANAGE_LINK_AFTER_DECISION, MANAGE_LINK_MAX_AGE, manage_link_lookup
from applications.intake.tokens import hash_token
from applications.statistics.forms import SurveyForm
from applications.statistics.models import SURVEY_FIELDS
from applications.statistics.selectors import survey_of
from applications.statistics.services import SurveyClosed, survey_answer
from applications.statistics.survey import survey_offered
from cms.web.limits import over_limit, session_visitor, too_many

REFERRER_POLICY = "strict-origin"


def _respond(request: HttpRequest, application: Application, visitor: str | None) -> HttpResponse:
    saved = False
    if request.method == "POST":
        if refusal := over_limit(request, "survey", visitor=visitor):
            return too_many(request, refusal)
        form = SurveyForm(request.POST)
        if form.is_valid():
            try:
                survey_answer(application=application, answers=form.cleaned_data)
            except SurveyClosed:
                raise Http404 from None
            saved = True
    else:
        answer = survey_of(application)
        initial = {name: getattr(answer, name) for name, _c in SURVEY_FIELDS} if answer else {}
        form = SurveyForm(initial=initial)
    response = render(
        request,
        "applications/statistics/survey.html",
        {"form": form, "saved": saved, "application": application, "call": application.call},
    )
    response["Referrer-Policy"] = REFERRER_POLICY
    return response


@never_cache
def survey_after_receipt(request: HttpRequest) -> HttpResponse:
    """The survey of the application this browser has just sent (the receipt's session entry), within the hour."""
    offered = survey_offered(request)
    application = Application.objects.select_related("call").filter(pk=offered).first() if offered else None
    if application is None or application.anonymised_at is not None:
        return render(request, "applications/statistics/survey_gone.html", status=404)
    return _respond(request, application, session_visitor(request))


@never_cache
def survey_from_manage_link(request: HttpRequest, token: str) -> HttpResponse:
    """The survey of the application the manage link opens (while the link works)."""
    link = manage_link_lookup(token)
    if link is None or link.application.anonymised_at is not None:
        raise Http404
    if link.expired:
        periods = {"after_decision_days": MANAGE_LINK_AFTER_DECISION.days, "new_link_days": MANAGE_LINK_MAX_AGE.days}
        return render(request, "applications/manage_expired.html", periods, status=410)
    return _respond(request, link.application, f"survey:{hash_token(token)}")
