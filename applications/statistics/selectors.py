"""Reads of the statistics' own records outside the figures (those are ``aggregates``)."""

from __future__ import annotations

from applications.intake.models import Application
from applications.statistics.models import SurveyAnswer


def survey_of(application: Application) -> SurveyAnswer | None:
    """The survey ``application`` answered, for its own applicant's form only (never for staff)."""
    return SurveyAnswer.objects.filter(application=application).first()
