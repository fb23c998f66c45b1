"""Writes of the statistics' own: an applicant's answers to the optional survey."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from applications.intake.models import Application
from applications.statistics.models import SURVEY_FIELDS, SurveyAnswer
from applications.statistics.tallies import survey_tally


class SurveyClosed(Exception):
    """The application was erased: it takes no answers any more."""


def survey_answer(*, application: Application, answers: dict[str, str]) -> SurveyAnswer:
    """Record (or change) the optional survey of ``application`` and keep the call's tallies with it.

    ``answers`` maps each question of ``SURVEY_FIELDS`` to one of its choices, or "" for no answer;
    anything else is dropped. The caller has proven the application is the visitor's own (the receipt's
    session, or the manage link).
    """
    if application.anonymised_at is not None:
        raise SurveyClosed
    clean = {}
    for name, choices in SURVEY_FIELDS:
        value = answers.get(name) or ""
        clean[name] = value if value in choices.values else ""
    try:
        return _save(application, clean)
    except IntegrityError:  # a second tab created the answer at the same moment: change that one
        return _save(application, clean)


def _save(application: Application, clean: dict[str, str]) -> SurveyAnswer:
    with transaction.atomic():
        answer = SurveyAnswer.objects.select_for_update().filter(application=application).first()
        before = None if answer is None else {name: getattr(answer, name) for name, _c in SURVEY_FIELDS}
        if answer is None:
            answer = SurveyAnswer(application=application, call_id=application.call_id)
        for name, value in clean.items():
            setattr(answer, name, value)
        answer.save()
        survey_tally(call_id=application.call_id, before=before, after=clean)
    return answer
