"""Applications made the way a person makes them (``application_submit`` from a proven draft), and the
screening moves made through ``candidacy_transition``, so the statistics' running tallies are written
exactly as in real use; and the figures computed again from the raw rows."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from applications.intake.drafts import DRAFT_LIFETIME
from applications.intake.services import Submission, application_submit, candidacy_withdraw, draft_start
from applications.intake.text import email_key
from applications.intake.tokens import hash_token, new_token
from applications.interviews.decisions import final_decision
from applications.models import (
    Application,
    Candidacy,
    Consensus,
    Draft,
    InterviewInvitation,
    Scorecard,
    Shortlist,
    SubmissionContext,
    SurveyAnswer,
)
from applications.screening.services import candidacy_transition
from applications.statistics.tallies import call_tallies, raw_tallies
from recruitment.prefectures import CODE_BY_NAME

S = Candidacy.Status
JAPAN = ZoneInfo("Asia/Tokyo")


def submit(call, roles, *, email, prefecture="兵庫県", when=None, language="ja", device="phone") -> Application:
    """One application to ``roles`` (ranked in order) from ``email``, through the intake's service."""
    when = when or timezone.now()
    draft = draft_start(
        call_id=call.pk,
        token_hash=hash_token(new_token()),
        email=email,
        language=language,
        verified_email_key=email_key(email),
        expires_at=when + DRAFT_LIFETIME,
    )
    about = {
        "email": email,
        "family_name": "神戸",
        "given_name": "花子",
        "family_name_kana": "コウベ",
        "given_name_kana": "ハナコ",
        "phone": "078-000-0000",
        "postal_code": "650-0001",
        "prefecture": prefecture,
        "city": "中央区",
    }
    submission = Submission(
        call=call,
        role_ids=[role.pk for role in roles],
        about=about,
        answers={"strengths": "写真"},
        language=language,
        consent_notice_version=call.personal_data_notice_version,
        device=device,
    )
    application, _token = application_submit(draft=draft, submission=submission, now=when)
    return application


def first_candidacy(application: Application) -> Candidacy:
    return Candidacy.objects.select_related("application__call", "role").get(application=application, rank=1)


def shortlist(candidacy: Candidacy, contractor) -> Candidacy:
    candidacy = candidacy_transition(candidacy=candidacy, to=S.IN_REVIEW, by=contractor)
    return candidacy_transition(candidacy=candidacy, to=S.SHORTLISTED, by=contractor)


def select(candidacy: Candidacy, approver) -> Candidacy:
    """The city's final decision (the role's shortlist counts as approved)."""
    Shortlist.objects.update_or_create(role=candidacy.role, defaults={"status": Shortlist.Status.APPROVED})
    final_decision(candidacy=candidacy, by=approver, outcome=S.SELECTED, reason="strong_fit")
    return Candidacy.objects.get(pk=candidacy.pk)


def withdraw(candidacy: Candidacy) -> None:
    candidacy_withdraw(application=candidacy.application, candidacy_ids=[candidacy.pk])


def expected_figures(call, home: str = "28") -> dict:
    """Every figure, from the raw rows (no aggregate query, no tally)."""
    applications = list(Application.objects.filter(call=call).select_related("applicant"))
    candidacies = list(Candidacy.objects.filter(application__call=call))
    people = {a.applicant.email_key for a in applications}
    held = {  # the panel recorded a scorecard or its consensus on an invitation of the candidacy
        invitation.candidacy_id
        for invitation in InterviewInvitation.objects.filter(candidacy__in=candidacies)
        if Scorecard.objects.filter(invitation=invitation).exists()
        or Consensus.objects.filter(invitation=invitation).exists()
    }
    by_role = defaultdict(Counter)
    for c in candidacies:
        by_role[c.role_id]["applications"] += 1
        by_role[c.role_id]["hired"] += c.status == S.SELECTED
        by_role[c.role_id]["withdrawn"] += c.status == S.WITHDRAWN
        by_role[c.role_id]["shortlisted"] += c.status in (S.SHORTLISTED, S.SELECTED, S.NOT_SELECTED)
        by_role[c.role_id]["interviewed"] += c.pk in held
    days = Counter(timezone.localtime(a.submitted_at, JAPAN).date() for a in applications)
    people_by_prefecture = defaultdict(set)
    applications_by_prefecture = Counter()
    for a in applications:
        code = CODE_BY_NAME[a.applicant.prefecture]
        people_by_prefecture[code].add(a.applicant.email_key)
        applications_by_prefecture[code] += 1
    home_people = len(people_by_prefecture[home])
    devices = Counter(
        SubmissionContext.objects.filter(application__call=call).values_list("device", flat=True).order_by()
    )
    survey = defaultdict(Counter)
    answers = list(SurveyAnswer.objects.filter(call=call))
    for answer in answers:
        for name in ("age_band", "occupation", "heard_via"):
            if getattr(answer, name):
                survey[name][getattr(answer, name)] += 1
    drafts = list(Draft.objects.filter(call=call))
    stopped = Counter((d.data or {}).get("step") or "roles" for d in drafts if d.application_id is None)
    return {
        "drafts_started": len(drafts),
        "drafts_submitted": sum(d.application_id is not None for d in drafts),
        "drafts_stopped": stopped,
        "applications": len(applications),
        "people": len(people),
        "by_role": by_role,
        "days": days,
        "prefectures": {code: len(emails) for code, emails in people_by_prefecture.items()},
        "prefecture_applications": dict(applications_by_prefecture),
        "outside": len(people) - home_people,
        "share_outside": (Decimal(100) * (len(people) - home_people) / len(people)).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )
        if people
        else None,
        "languages": Counter(a.language for a in applications),
        "devices": devices,
        "survey_responses": len(answers),
        "survey": survey,
    }


def tallies_equal_rows(call) -> bool:
    """The running tallies are exactly what the rows give (zero tallies left out on both sides)."""
    live = {(d, k): list(v) for d, keys in call_tallies(call.pk).items() for k, v in keys.items() if any(v)}
    return live == {key: value for key, value in raw_tallies(call.pk).items() if any(value)}


def start_of_day(days_ago: int) -> datetime:
    today = timezone.localtime(timezone.now(), JAPAN).replace(hour=9, minute=0, second=0, microsecond=0)
    return today - timedelta(days=days_ago)
