"""How a browser that has just sent an application may answer its optional survey: an entry in its session.

The receipt (``applications.intake.views.receipt``) calls :func:`survey_offer`; the survey page
(``survey_views.survey_after_receipt``) reads it. The manage link needs no entry: its token proves the
application.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone

from applications.intake.models import Application

#: The session entry the receipt leaves: which application, until when.
SURVEY_SESSION_KEY = "kobo_survey"
#: How long after the receipt this browser may answer (the manage link works much longer).
SURVEY_LIFETIME = timedelta(hours=1)


def survey_offer(request: HttpRequest, application: Application) -> None:
    """Let this browser answer the survey of ``application`` for ``SURVEY_LIFETIME``."""
    until = (timezone.now() + SURVEY_LIFETIME).timestamp()
    request.session[SURVEY_SESSION_KEY] = {"application": application.pk, "until": until}


def survey_offered(request: HttpRequest) -> int | None:
    """The id of the application this browser may answer the survey of, or None."""
    offered = request.session.get(SURVEY_SESSION_KEY) or {}
    if not isinstance(offered, dict) or not isinstance(offered.get("application"), int):
        return None
    if not isinstance(offered.get("until"), int | float) or offered["until"] <= timezone.now().timestamp():
        return None
    return offered["application"]
