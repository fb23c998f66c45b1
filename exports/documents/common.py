"""What the documents share: the header of every document, names, dates, numbers, ranked candidates.

Plain dataclasses that templates only lay out; who sees names and scores is decided here
(``visibility.identity_visible``, :func:`scores_visible`), once, and nowhere in the templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from applications.models import Candidacy, Review
from applications.screening import visibility
from applications.screening.rules import PASSED
from recruitment.formatting import format_japan_datetime
from recruitment.models import CallPage, RolePage

from .rubric import Criterion, scores_by_name

S = Candidacy.Status
RECOMMENDATION_LABELS = {"yes": "推薦", "maybe": "保留", "no": "非推薦"}
DASH = "—"
#: In place of a score the requester may not see (they have not reviewed that candidacy).
HIDDEN = "非表示"


@dataclass
class ReviewRow:
    reviewer: str
    scores: list[str]
    recommendation: str
    comment: str
    submitted_at: str


@dataclass
class Candidate:
    rank: int
    code: str
    label: str
    name_shown: bool
    reference: str
    score: str
    criterion_means: list[str]
    review_count: int
    disagreement: bool
    status: str
    reviewers: list[str]
    reviews: list[ReviewRow]


@dataclass
class Header:
    """What every document of a call carries: the call, its reference, when it was made and by whom."""

    document_title: str
    call_title: str
    organisation: str
    department: str
    reference: str
    job_number: str
    generated_at: str
    requested_by: str
    role_title: str


def call_reference(call: CallPage) -> str:
    """The call's reference on every page: the organisation's prefix and the call's number (``KOBE-0012``)."""
    return f"{call.organisation.reference_prefix}-{call.pk:04d}"


def person_name(user: Any) -> str:
    """A staff member's name, family name first as written in Japan; the username when there is none."""
    if user is None:
        return DASH
    name = f"{user.last_name} {user.first_name}".strip()
    return name or user.get_username()


def jst(value: datetime | None) -> str:
    """A moment in Japan time as the documents print it; a dash for none."""
    return format_japan_datetime(value, "ja") if value else DASH


def rounded(value: Decimal | None, places: str = "0.01") -> str:
    """A score rounded half up to ``places``; a dash for none."""
    if value is None:
        return DASH
    return str(Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP))


def header(
    *,
    call: CallPage,
    title: str,
    job_number: int | None,
    requested_by: Any,
    role: RolePage | None,
    now: datetime | None = None,
) -> Header:
    """The header of a document of ``call`` (or of one ``role``) made for ``requested_by``."""
    return Header(
        document_title=title,
        call_title=call.title,
        organisation=str(call.organisation),
        department=call.department,
        reference=call_reference(call),
        job_number=f"{job_number:06d}" if job_number else DASH,
        generated_at=jst(now or timezone.now()),
        requested_by=person_name(requested_by),
        role_title=role.title if role else "",
    )


def roles_of(call: CallPage, role: RolePage | None) -> list[RolePage]:
    """The roles a document covers: ``role`` alone, else every role of the call in page order."""
    if role is not None:
        return [role]
    return list(RolePage.objects.child_of(call).select_related("category").order_by("path"))


def review_rows(reviews: list[Review], criteria: list[Criterion]) -> list[ReviewRow]:
    """One row per review: its score for each of ``criteria`` (a dash where its rubric lacks it)."""
    rows = []
    for review in reviews:
        by_name = scores_by_name(review)
        scores = []
        for c in criteria:
            if c.name not in by_name:
                scores.append(DASH)
            elif by_name[c.name] is None:
                scores.append("対象外")
            else:
                scores.append(str(by_name[c.name]))
        rows.append(
            ReviewRow(
                reviewer=person_name(review.reviewer),
                scores=scores,
                recommendation=RECOMMENDATION_LABELS.get(review.recommendation, review.recommendation),
                comment=review.comment,
                submitted_at=jst(review.submitted_at),
            )
        )
    return rows


def criterion_means(reviews: list[Review], criteria: list[Criterion]) -> list[str]:
    """The mean score of each criterion over ``reviews`` (a dash where nobody scored it)."""
    means = []
    for c in criteria:
        values = [v for v in (scores_by_name(r).get(c.name) for r in reviews) if v is not None]
        means.append(rounded(Decimal(sum(values)) / len(values), "0.1") if values else DASH)
    return means


def ranked(candidacies: list[Candidacy]) -> list[Candidacy]:
    """Best score first; unscored last; ties by reference, so the order is the same every time."""
    return sorted(
        candidacies,
        key=lambda c: (c.score is None, -(c.score or 0), c.application.reference, c.pk),
    )


def scores_visible(user: Any, call: CallPage, candidacy: Candidacy) -> bool:
    """Blind means blind in documents too: a screener of ``call`` sees scores only of candidacies they reviewed."""
    reviewed = any(r.reviewer_id == getattr(user, "pk", None) for r in candidacy.reviews.all())
    return visibility.others_reviews_visible(user, call, reviewed_by_me=reviewed)


def candidate(
    rank: int, candidacy: Candidacy, criteria: list[Criterion], name_shown: bool, scores_shown: bool = True
) -> Candidate:
    """A ranked candidacy as the documents show it: name or code, and scores only if ``scores_shown``."""
    reviews = list(candidacy.reviews.all())
    applicant = candidacy.application.applicant
    return Candidate(
        rank=rank,
        code=candidacy.applicant_code,
        label=f"{applicant.family_name} {applicant.given_name}" if name_shown else candidacy.applicant_code,
        name_shown=name_shown,
        reference=candidacy.application.reference if name_shown else DASH,
        review_count=len(reviews),
        status=str(S(candidacy.status).label),
        # Blind to this reader: no score, no reviewer and no review shows.
        score=rounded(candidacy.score) if scores_shown else HIDDEN,
        criterion_means=criterion_means(reviews, criteria) if scores_shown else [HIDDEN for _criterion in criteria],
        disagreement=candidacy.disagreement if scores_shown else False,
        reviewers=[person_name(r.reviewer) for r in reviews] if scores_shown else [],
        reviews=review_rows(reviews, criteria) if scores_shown else [],
    )


def counted_reviews() -> Prefetch:
    """Each candidacy's reviews that count, oldest first (void ones stay out of every document)."""
    reviews = visibility.counted_reviews(Review.objects.select_related("reviewer")).order_by("submitted_at", "pk")
    return Prefetch("reviews", queryset=reviews)


def shortlisted(call: CallPage, role: RolePage | None, requested_by: Any) -> QuerySet[Candidacy]:
    """The shortlisted candidacies the requester may see (not the people they declared they know)."""
    qs = (
        visibility.without_conflicts(Candidacy.objects.filter(application__call=call, status__in=PASSED), requested_by)
        .select_related("application__applicant", "role")
        .prefetch_related(counted_reviews())
    )
    return qs.filter(role=role) if role is not None else qs
