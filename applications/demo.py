"""Generated applications for the Kobe demo, so screening has something to screen and benchmarks have volume.

Run by ``load_demo_applications`` (``make run``) and by tests. The shape follows
Kobe's 2020 response (``shared/reference/kobe-2020.md``, beside the checkout): most applications
in the first eight days, about 11 % of applications from people who had applied
before (1,026 applications from 912 people), about 45 % from Hyogo, one to three
roles per application with the newsletter serial the most wanted, a surge before each
deadline. Names, answers and scores are made up (``fixtures/demo-people.json``); every
email is ``demo-NNNN@example.jp`` and every generated application carries ``answers["demo"] = True``.

Everything goes through the real services, as a person and a screener would, with the
story's times as their ``now``: :func:`~applications.intake.services.application_submit`
(from a draft whose address counts as proven: the demo cannot read a code),
:func:`~applications.intake.services.candidacy_withdraw` and
:func:`~applications.screening.services.review_submit`, which move candidacies with
:func:`~applications.screening.services.candidacy_transition`. So the demo has the audit
trail and the outbox of real use. Rows those services stamp with the clock
(audit entries, emails, applicants, candidacies, drafts) get the story's times afterwards,
and the emails are marked sent at the time they were written (the demo addresses
receive nothing). No attachment is stored for generated applications.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import F, Model, OuterRef
from django.utils import timezone

from applications.demo_people import (
    ROLE_WEIGHTS,
    Person,
    PlannedReview,
    answers_for,
    later,
    new_person,
    review_plan,
)
from applications.intake.drafts import DRAFT_LIFETIME
from applications.intake.services import Submission, application_submit, candidacy_withdraw, draft_start
from applications.intake.text import email_key
from applications.intake.tokens import hash_token, new_token
from applications.models import (
    Applicant,
    Application,
    Assignment,
    AuditEntry,
    Candidacy,
    Draft,
    OrganisationMember,
    OutboxEmail,
    Review,
)
from applications.screening.reviewing import review_submit
from applications.screening.rubric import rubric_snapshot
from applications.staff import SCREENING_CONTRACTORS
from applications.teams.services import member_groups_sync
from recruitment.models import CallPage, RolePage

JST = ZoneInfo("Asia/Tokyo")

#: Share of applications by day since the call opened, Kobe-like: about 700 in the first four
#: days, 1,026 by the eighth, then a long tail (over 1,200 by day 21).
DAY_WEIGHTS = [8, 15, 12, 10, 9, 7, 6, 5, 4, 2.5, 2, 2, 1.5, 1.5, 1, 1, 1, 1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
#: Share by hour of day (Japan time): lunch and evenings, a little at night.
HOUR_WEIGHTS = [2, 1, 0.5, 0.2, 0.2, 0.5, 1, 2, 3, 3, 3, 3, 5, 4, 3, 3, 3, 3, 4, 5, 6, 7, 7, 5]

#: Share of applications sent in the ``SURGE_DAYS`` before a deadline that has passed.
DEADLINE_SURGE_SHARE = 0.15
SURGE_DAYS = timedelta(days=2)

ROLE_COUNT_WEIGHTS = [(1, 50), (2, 30), (3, 20)]
#: 1,026 applications from 912 people: about one application in nine is someone's second.
REPEAT_SHARE = 0.11
WITHDRAWN_SHARE = 0.03


@dataclass
class _Role:
    page: RolePage
    slug: str
    opens: datetime
    closes: datetime | None
    hours_min: int | None
    weight: float
    rubric: list[dict[str, Any]]

    def open_at(self, when: datetime) -> bool:
        return self.opens <= when and (self.closes is None or when < self.closes)


def _roles(call: CallPage, now: datetime) -> list[_Role]:
    roles = []
    for page in call.roles():
        slug = page.category.slug if page.category_id else page.slug
        opens = page.opens_at or now - timedelta(days=14)
        weight = ROLE_WEIGHTS.get(slug, 1.0)
        roles.append(_Role(page, slug, opens, page.closes_at, page.hours_min, weight, rubric_snapshot(page)))
    return roles


def _submission_time(rng: random.Random, roles: list[_Role], start: datetime, now: datetime) -> datetime:
    """A moment in the call's first weeks, before ``now``, when at least one role was open.

    ``DEADLINE_SURGE_SHARE`` of them fall in the two days before a role's deadline (one already
    past), most in its last hours: the surge every call sees before a deadline.
    """
    if rng.random() < DEADLINE_SURGE_SHARE:
        closed = [role for role in roles if role.closes and start + SURGE_DAYS < role.closes <= now]
        if closed:
            role = rng.choices(closed, [r.weight for r in closed])[0]
            return role.closes - SURGE_DAYS * rng.random() ** 2 - timedelta(seconds=1)
    first_day = start.astimezone(JST).replace(hour=0, minute=0, second=0, microsecond=0)
    for _attempt in range(200):
        day = rng.choices(range(len(DAY_WEIGHTS)), DAY_WEIGHTS)[0]
        hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
        when = first_day + timedelta(days=day, hours=hour, minutes=rng.randrange(60), seconds=rng.randrange(60))
        if start <= when < now and any(role.open_at(when) for role in roles):
            return when
    for _attempt in range(200):  # a call that opened only hours ago: anywhere in what there is
        when = start + (now - start) * rng.random()
        if any(role.open_at(when) for role in roles):
            return when
    raise ValueError("No role of this call has been open to applications yet.")


def _pick_roles(rng: random.Random, available: list[_Role]) -> list[_Role]:
    wanted = rng.choices([n for n, _ in ROLE_COUNT_WEIGHTS], [w for _, w in ROLE_COUNT_WEIGHTS])[0]
    pool = list(available)
    chosen: list[_Role] = []
    while pool and len(chosen) < wanted:
        role = rng.choices(pool, [r.weight for r in pool])[0]
        chosen.append(role)
        pool.remove(role)
    return chosen


class _Story:
    """Puts the story's times on the audit entries and emails the services wrote with the clock's.

    After each service call, :meth:`happened` notes which new rows it wrote and when it
    happened in the story; :meth:`write` stamps them, and marks the emails sent then (by a
    sender that blanked their bodies, as the outbox's does).
    """

    MODELS: tuple[type[Model], ...] = (AuditEntry, OutboxEmail)

    def __init__(self) -> None:
        self.last = {model: self._top(model) for model in self.MODELS}
        self.spans: list[tuple[type[Model], int, int, datetime]] = []

    @staticmethod
    def _top(model: type[Model]) -> int:
        return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def happened(self, when: datetime) -> None:
        for model in self.MODELS:
            top = self._top(model)
            if top > self.last[model]:
                self.spans.append((model, self.last[model], top, when))
                self.last[model] = top

    def write(self) -> None:
        for model, after, upto, when in self.spans:
            rows = model.objects.filter(pk__gt=after, pk__lte=upto)
            if model is OutboxEmail:
                rows.update(created_at=when, claimed_at=when, sent_at=when, attempts=1, body="", html_body="")
            else:
                rows.update(timestamp=when)


#: The device each demo person applies from, by their number: 14 phones, 5 computers and 1 tablet in 20.
DEMO_DEVICES = ["phone"] * 14 + ["desktop"] * 5 + ["tablet"]


def _submit(call: CallPage, person: Person, chosen: list[_Role], answers: dict[str, Any], when: datetime) -> int:
    """``person`` sends the wizard's answers at ``when``, from a draft whose address is proven."""
    draft = draft_start(
        call_id=call.pk,
        token_hash=hash_token(new_token()),
        email=person.about["email"],
        language=person.language,
        verified_email_key=email_key(person.about["email"]),
        expires_at=when + DRAFT_LIFETIME,
    )
    submission = Submission(
        call=call,
        role_ids=[role.page.pk for role in chosen],
        about=person.about,
        answers=answers,
        language=person.language,
        consent_notice_version=call.personal_data_notice_version,
        device=DEMO_DEVICES[person.number % len(DEMO_DEVICES)],
    )
    application, _manage_token = application_submit(draft=draft, submission=submission, now=when)
    return application.pk


def _next_email_number() -> int:
    numbers = [
        int(key[len("demo-") : -len("@example.jp")])
        for key in Applicant.objects.filter(email_key__regex=r"^demo-[0-9]+@example\.jp$").values_list(
            "email_key", flat=True
        )
    ]
    return max(numbers, default=0) + 1


def generate_demo_applications(
    *, call: CallPage, count: int, seed: int = 2020, reviewers: list[Any] | None = None
) -> int:
    """Make sure ``call`` has ``count`` generated applications; return how many were created now.

    Idempotent: generated applications carry ``answers["demo"] = True``; when the call
    already has ``count`` of them or more nothing is created and 0 is returned, otherwise
    only the missing number is made (new applicants get the next free
    ``demo-NNNN@example.jp``). The data are drawn from ``random.Random`` seeded with
    ``seed``, the call and how many existed; references and manage tokens are random.

    Each application picks one to three of the call's published roles that were open at
    its submission time (closed roles included: they closed after applications came in),
    weighted by ``ROLE_WEIGHTS``; about 3 % of candidacies are withdrawn by the applicant.
    Times fall in the call's first weeks, most in the first eight days, never after now.

    With ``reviewers`` (screening users assigned to the call), about a third of the live
    candidacies get a review by the first reviewer and a smaller share by each of the
    others (mostly the same candidacies, some 2 points apart on a criterion): the review
    service scores them and moves them to ``in_review``.

    All in one transaction, through the services (see the module's docstring), in the
    order of the story: submissions, then withdrawals and reviews by time.
    """
    existing = Application.objects.filter(call=call, answers__demo=True).count()
    missing = count - existing
    if missing <= 0:
        return 0
    now = timezone.now()
    rng = random.Random(f"{seed}:{call.pk}:{existing}")  # noqa: S311 - demo data, not secrets
    roles = _roles(call, now)
    if not roles:
        raise ValueError(f"{call} has no published roles to apply for.")
    start = min(role.opens for role in roles)
    times = sorted(_submission_time(rng, roles, start, now) for _ in range(missing))
    reviewers = list(reviewers or [])

    with transaction.atomic():
        hooks = len(connection.run_on_commit)
        number = _next_email_number()
        people: list[Person] = []
        planned: list[tuple[Person, datetime, list[_Role]]] = []
        for submitted_at in times:
            open_roles = [role for role in roles if role.open_at(submitted_at)]
            person = None
            if people and rng.random() < REPEAT_SHARE:
                earlier = rng.choice(people)
                if any(role.page.pk not in earlier.roles for role in open_roles):
                    person = earlier
            if person is None:
                person = new_person(rng, number)
                number += 1
                people.append(person)
            chosen = _pick_roles(rng, [role for role in open_roles if role.page.pk not in person.roles])
            person.roles.update(role.page.pk for role in chosen)
            planned.append((person, submitted_at, chosen))

        story = _Story()
        submitted: list[int] = []
        for person, submitted_at, chosen in planned:
            submitted.append(_submit(call, person, chosen, answers_for(rng, chosen, person.number), submitted_at))
            story.happened(submitted_at)

        ranked = Candidacy.objects.filter(application_id__in=submitted).order_by("application_id", "rank")
        by_application: dict[int, list[Candidacy]] = {pk: [] for pk in submitted}
        for candidacy in ranked.select_related("application__call", "application__applicant", "role"):
            by_application[candidacy.application_id].append(candidacy)
        events: list[tuple[datetime, int, Candidacy, PlannedReview | None]] = []
        for pk, (_person, submitted_at, chosen) in zip(submitted, planned, strict=True):
            for candidacy, role in zip(by_application[pk], chosen, strict=True):
                if rng.random() < WITHDRAWN_SHARE:
                    when = later(rng, submitted_at, now, at_least=timedelta(hours=2), at_most=timedelta(days=6))
                    events.append((when, len(events), candidacy, None))
                else:
                    for review in review_plan(rng, role, reviewers, submitted_at, now):
                        events.append((review[0], len(events), candidacy, review))
        for when, _order, candidacy, review in sorted(events, key=lambda event: event[:2]):
            if review is None:
                candidacy_withdraw(application=candidacy.application, candidacy_ids=[candidacy.pk], now=when)
            else:
                _when, reviewer, scores, comment, recommendation = review
                review_submit(candidacy=candidacy, reviewer=reviewer, scores=scores, comment=comment,
                              recommendation=recommendation, now=when)  # fmt: skip
            story.happened(when)
        story.write()
        # The outbox's nudges to its sender (one per email, on commit): the emails are marked sent above.
        del connection.run_on_commit[hooks:]
        _backdate(submitted)
    return missing


def _backdate(submitted: list[int]) -> None:
    """Put each application's submission time on the rows the services stamped "now" (``auto_now``).

    One update per table, each row reading its application's time (``submitted_at``, which the
    service set to the story's ``now``).
    """
    rows = Application.objects.filter(pk__in=submitted)
    by_applicant = rows.filter(applicant_id=OuterRef("pk")).values("submitted_at")[:1]
    Applicant.objects.filter(applications__in=rows).update(created_at=by_applicant, updated_at=by_applicant)
    mine = Application.objects.filter(pk=OuterRef("application_id")).values("submitted_at")[:1]
    Draft.objects.filter(application__in=rows).update(created_at=mine, updated_at=mine)
    Candidacy.objects.filter(application__in=rows).update(created_at=mine)
    Review.objects.filter(candidacy__application__in=rows).update(updated_at=F("submitted_at"))


#: The demo users that screening needs (``create_demo_users`` makes all but ``screener2``).
DEMO_SCREENING_USERS = ("screener", "screener2", "approver", "official")


def ensure_demo_screening(call: CallPage) -> dict[str, Any]:
    """Give the demo's screening and city users access to ``call``; return them by username.

    ``screener`` (and ``screener2``) get an Assignment to the call; ``approver`` and
    ``official`` become members of the call's organisation. Users that do not exist are
    skipped. ``screener2``, a second contractor in the same group as ``screener`` with
    the demo password, is created only when ``settings.KOBO_DEMO_ALLOWED``. Idempotent.
    """
    User = get_user_model()
    if settings.KOBO_DEMO_ALLOWED:
        screener2, _created = User.objects.get_or_create(
            username="screener2",
            defaults={"email": "screener2@demo.kobo.example.jp", "last_name": "審査", "first_name": "四郎"},
        )
        screener2.set_password(settings.KOBO_DEMO_PASSWORD)
        screener2.is_staff = screener2.is_superuser = False
        screener2.save()
        screener2.groups.set([Group.objects.get(name=SCREENING_CONTRACTORS)])
    users = {user.username: user for user in User.objects.filter(username__in=DEMO_SCREENING_USERS)}
    for username in ("screener", "screener2"):
        if username in users:
            Assignment.objects.get_or_create(user=users[username], call=call)
    for username in ("approver", "official"):
        if username in users:
            OrganisationMember.objects.update_or_create(
                user=users[username], organisation=call.organisation, defaults={"role": username}
            )
            member_groups_sync(user=users[username])
    return users
