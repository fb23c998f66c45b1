"""The running tallies of a call (:class:`~applications.statistics.models.CallTally`): written in the transaction
of each change, read by the statistics in one query of about a hundred rows whatever the call's size.

Who writes them, and nothing else does:

- :func:`submission_tally`, from ``applications.intake.services.application_submit``: one application
  (total, its Japan day, prefecture, language, device) and its candidacies (role × status); a person is
  counted when their normalised address is new to the call, and new to a prefecture's count when it is
  new to the call from that prefecture;
- :func:`transition_tally`, from ``applications.screening.services.candidacy_transition``: a candidacy
  moves from one status to another;
- :func:`survey_tally`, from ``applications.statistics.services.survey_answer``: an answer changes;
- :func:`draft_tally`, from ``applications.intake.services.draft_start`` (a draft is started) and the wizard's
  draft storage (a draft moves to another step); ``submission_tally`` also takes the submitted draft off
  its step's count and counts it submitted.

Rows are changed in one fixed order (the call's total first), so two writers never wait for each other
in a circle; the total row, changed first by every submission, also makes the "is this person new?"
question of two submissions of one call be asked one after the other (on PostgreSQL the second, once
the first has committed, sees its rows).

People are counted at submission: an erasure later anonymises an address but does not make its person
a new one, so the figure of people stays what it was ("only anonymous counts remain"). Drafts likewise:
a draft stays counted (started, submitted or stopped at its step) after the purge deletes it at its
expiry, which for most is the roles' deadline, so the figure of where applicants gave up outlives it.
:func:`tallies_rebuild` computes every tally again from the rows, for data made without the services
(bulk loads) or a repair (``python manage.py rebuild_statistics``); it counts people by the addresses
still on the rows and the drafts not yet purged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from applications.intake.models import Application, Candidacy, Draft
from applications.statistics.models import SURVEY_FIELDS, CallTally, Device, SubmissionContext, SurveyAnswer
from recruitment.formatting import JAPAN
from recruitment.prefectures import CODE_BY_NAME

TOTAL = "total"
DAY = "day"
PREFECTURE = "prefecture"
LANGUAGE = "language"
DEVICE = "device"
ROLE = "role"
#: Drafts: keys ``started`` and ``submitted``.
DRAFTS = "drafts"
#: Unsubmitted drafts per wizard step they were last at (formtools' current step; "" for none recorded).
DRAFT_STEP = "draft_step"
#: The survey's responses (one per application that answered anything), beside one dimension per question.
SURVEY = "survey"
#: The code for a prefecture the form did not know (old or hand-made rows).
UNKNOWN_PREFECTURE = "00"

Key = tuple[str, str]


def prefecture_code(name: str) -> str:
    """The JIS X 0401 code of a prefecture's name, ``UNKNOWN_PREFECTURE`` for anything else."""
    return CODE_BY_NAME.get(name, UNKNOWN_PREFECTURE)


def day_key(moment: datetime) -> str:
    """The Japan date of ``moment`` as ISO 8601 (the day a submission counts on)."""
    return timezone.localtime(moment, JAPAN).date().isoformat()


def role_key(role_id: int, status: str) -> str:
    return f"{role_id}:{status}"


def _order(item: tuple[Key, Any]) -> tuple[bool, Key]:
    return (item[0][0] != TOTAL, item[0])


def _bump(call_id: int, changes: dict[Key, list[int]]) -> None:
    """Add ``[count, people]`` to each ``(dimension, key)`` tally of the call, creating the missing ones."""
    for (dimension, key), (count, people) in sorted(changes.items(), key=_order):
        if not count and not people:
            continue
        rows = CallTally.objects.filter(call_id=call_id, dimension=dimension, key=key)
        if rows.update(count=F("count") + count, people=F("people") + people):
            continue
        try:
            with transaction.atomic():  # a savepoint: a concurrent first writer may create it meanwhile
                CallTally.objects.create(call_id=call_id, dimension=dimension, key=key, count=count, people=people)
        except IntegrityError:
            rows.update(count=F("count") + count, people=F("people") + people)


def _add(changes: dict[Key, list[int]], key: Key, count: int = 1, people: int = 0) -> None:
    entry = changes.setdefault(key, [0, 0])
    entry[0] += count
    entry[1] += people


def submission_tally(
    *, application: Application, candidacies: Iterable[Candidacy], device: str, draft_step: str | None = None
) -> None:
    """Count a new application and its candidacies, and record its device; in the submitting transaction.

    ``draft_step``: the step the submitted draft was at ("" for none), taken off that step's count of
    unsubmitted drafts as the draft is counted submitted; None when the application had no counted draft.
    """
    call_id = application.call_id
    applicant = application.applicant
    _bump(call_id, {(TOTAL, ""): [1, 0]})  # first: holds the call's total row until commit (see the module)
    others = Application.objects.filter(call_id=call_id, applicant__email_key=applicant.email_key).exclude(
        pk=application.pk
    )
    new_person = not others.exists()
    new_here = new_person or not others.filter(applicant__prefecture=applicant.prefecture).exists()
    device = device if device in Device.values else Device.UNKNOWN
    SubmissionContext.objects.create(application=application, device=device)
    changes: dict[Key, list[int]] = {}
    _add(changes, (TOTAL, ""), 0, int(new_person))
    _add(changes, (DAY, day_key(application.submitted_at)))
    _add(changes, (PREFECTURE, prefecture_code(applicant.prefecture)), 1, int(new_here))
    _add(changes, (LANGUAGE, application.language))
    _add(changes, (DEVICE, device))
    for candidacy in candidacies:
        _add(changes, (ROLE, role_key(candidacy.role_id, candidacy.status)))
    if draft_step is not None:
        _add(changes, (DRAFT_STEP, draft_step), -1)
        _add(changes, (DRAFTS, "submitted"))
    _bump(call_id, changes)


def draft_tally(*, call_id: int, before: str | None, after: str) -> None:
    """A draft of the call started at step ``after`` (``before`` None) or moved from ``before`` to ``after``.

    Steps are formtools' current step of the draft ("" when it has none); in the transaction of the draft's write.
    """
    changes: dict[Key, list[int]] = {}
    if before is None:
        _add(changes, (DRAFTS, "started"))
    elif before != after:
        _add(changes, (DRAFT_STEP, before), -1)
    else:
        return
    _add(changes, (DRAFT_STEP, after))
    _bump(call_id, changes)


def transition_tally(*, candidacy: Candidacy, from_status: str, to_status: str) -> None:
    """Move one candidacy from one status's count to another's; in the transaction of the move."""
    changes: dict[Key, list[int]] = {}
    _add(changes, (ROLE, role_key(candidacy.role_id, from_status)), -1)
    _add(changes, (ROLE, role_key(candidacy.role_id, to_status)), 1)
    _bump(candidacy.call_id, changes)


def survey_tally(*, call_id: int, before: dict[str, str] | None, after: dict[str, str]) -> None:
    """Take ``before`` (None: no answer yet) out of the survey's counts and put ``after`` in."""
    changes: dict[Key, list[int]] = {}
    if before is None:
        _add(changes, (SURVEY, ""))
    for name, _choices in SURVEY_FIELDS:
        old, new = (before or {}).get(name, ""), after.get(name, "")
        if old == new:
            continue
        if old:
            _add(changes, (name, old), -1)
        if new:
            _add(changes, (name, new))
    _bump(call_id, changes)


def call_tallies(call_id: int) -> dict[str, dict[str, tuple[int, int]]]:
    """Every tally of the call by dimension and key, as ``(count, people)``: one query."""
    tallies: dict[str, dict[str, tuple[int, int]]] = {}
    rows = CallTally.objects.filter(call_id=call_id).values_list("dimension", "key", "count", "people")
    for dimension, key, count, people in rows:
        tallies.setdefault(dimension, {})[key] = (count, people)
    return tallies


# --- from the rows -----------------------------------------------------------------------------------


def raw_tallies(call_id: int, *, models: Any = None) -> dict[Key, list[int]]:
    """Every tally of the call computed from its rows (``models``: historical models, in a migration)."""
    application_model = models.Application if models else Application
    candidacy_model: Any = models.Candidacy if models else Candidacy
    context_model = models.SubmissionContext if models else SubmissionContext
    survey_model = models.SurveyAnswer if models else SurveyAnswer
    draft_model = getattr(models, "Draft", None) if models else Draft  # None: a migration from before draft tallies
    changes: dict[Key, list[int]] = {}
    devices = dict(context_model.objects.filter(application__call_id=call_id).values_list("application_id", "device"))
    people: set[str] = set()
    people_here: set[tuple[str, str]] = set()
    rows = application_model.objects.filter(call_id=call_id).values_list(
        "pk", "submitted_at", "language", "applicant__email_key", "applicant__prefecture"
    )
    for pk, submitted_at, language, email_key, prefecture in rows.order_by("submitted_at", "pk"):
        code = prefecture_code(prefecture)
        _add(changes, (TOTAL, ""), 1, int(email_key not in people))
        _add(changes, (PREFECTURE, code), 1, int((code, email_key) not in people_here))
        people.add(email_key)
        people_here.add((code, email_key))
        _add(changes, (DAY, day_key(submitted_at)))
        _add(changes, (LANGUAGE, language))
        _add(changes, (DEVICE, devices.get(pk, Device.UNKNOWN)))
    statuses: Counter[tuple[int, str]] = Counter(
        candidacy_model.objects.filter(application__call_id=call_id).values_list("role_id", "status").order_by()
    )
    for (role_id, status), n in statuses.items():
        _add(changes, (ROLE, role_key(role_id, status)), n)
    drafts = draft_model.objects.filter(call_id=call_id) if draft_model is not None else None
    for application_id, step in [] if drafts is None else drafts.values_list("application_id", "data__step").order_by():
        _add(changes, (DRAFTS, "started"))
        if application_id is None:
            _add(changes, (DRAFT_STEP, step if isinstance(step, str) else ""))
        else:
            _add(changes, (DRAFTS, "submitted"))
    for answer in survey_model.objects.filter(call_id=call_id).values(*(name for name, _c in SURVEY_FIELDS)):
        _add(changes, (SURVEY, ""))
        for name, value in answer.items():
            if value:
                _add(changes, (name, value))
    return changes


def tallies_rebuild(*, call_id: int, models: Any = None) -> int:
    """Replace the call's tallies by the ones its rows give; returns how many tallies it has.

    Locks the call's total row first, so a submission of the call waits until this is committed.
    """
    tally_model = models.CallTally if models else CallTally
    with transaction.atomic():
        tally_model.objects.get_or_create(call_id=call_id, dimension=TOTAL, key="")
        list(tally_model.objects.select_for_update().filter(call_id=call_id, dimension=TOTAL))
        changes = raw_tallies(call_id, models=models)
        tally_model.objects.filter(call_id=call_id).delete()
        tally_model.objects.bulk_create(
            tally_model(call_id=call_id, dimension=dimension, key=key, count=count, people=people)
            for (dimension, key), (count, people) in sorted(changes.items())
            if count or people or dimension == TOTAL
        )
    return len(changes)
