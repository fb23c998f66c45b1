"""Reads of screening: the candidacy list (screen and exports), per-role overview, what a viewer may see.

Blind means blind: every score a viewer is shown, sorted by, filtered on or counted in a
chart is ``visible_score``, which is the stored aggregate only where that viewer may see
it (``access.others_reviews_visible``: their own review is in, or they do not review).
Conflict of interest: a screener never gets a candidacy they declared they know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, Case, Count, DecimalField, Exists, F, OuterRef, Q, QuerySet, Value, When

from recruitment.models import CallPage, RolePage

from .. import access
from ..models import Candidacy, Review, Shortlist
from ..text import furigana, name_key
from .services import role_is_closed, shortlist_limit

S = Candidacy.Status
#: Score bands of the dashboard chart, on the 0–5 scale of ``scoring.aggregate_scores``.
SCORE_BANDS = [(Decimal(n), Decimal(n + 1)) for n in range(5)]

#: key → (label, order). ``visible_score`` is the viewer's score, never one they may not see.
SORTS = {
    "reference": ("受付番号順 Reference", ["application__reference", "rank"]),
    "score": (
        "スコアの高い順 Score, highest first",
        [F("visible_score").desc(nulls_last=True), "application__reference"],
    ),
    "score_asc": (
        "スコアの低い順 Score, lowest first",
        [F("visible_score").asc(nulls_last=True), "application__reference"],
    ),
    "submitted": ("応募の新しい順 Newest first", ["-application__submitted_at", "rank"]),
    "submitted_asc": ("応募の古い順 Oldest first", ["application__submitted_at", "rank"]),
    "rank": ("希望順位順 Preference", ["rank", "application__reference"]),
}


def visible_candidacies(user: Any, call: CallPage) -> QuerySet[Candidacy]:
    """The call's candidacies this user may see at all (``access.candidacies_for``: not their conflicts)."""
    return access.candidacies_for(user, call)


def with_visible_scores(qs: QuerySet[Candidacy], user: Any) -> QuerySet[Candidacy]:
    """Annotate ``reviewed_by_me``, ``visible_score`` and ``visible_disagreement`` for ``user``."""
    qs = qs.annotate(reviewed_by_me=Exists(Review.objects.filter(candidacy=OuterRef("pk"), reviewer=user)))
    if access.can_review(user):
        return qs.annotate(
            visible_score=Case(
                When(reviewed_by_me=True, then=F("score")),
                default=Value(None),
                output_field=DecimalField(max_digits=5, decimal_places=2),
            ),
            visible_disagreement=Case(
                When(reviewed_by_me=True, then=F("disagreement")), default=Value(False), output_field=BooleanField()
            ),
        )
    return qs.annotate(visible_score=F("score"), visible_disagreement=F("disagreement"))


def _search(user: Any, call: CallPage, q: str) -> Q:
    """Reference and candidate code always; names only where the user may see names (blind review)."""
    match = Q(application__reference__icontains=q)
    code = re.fullmatch(r"[Cc]-?0*(\d{1,9})", q)
    if code:
        match |= Q(pk=int(code.group(1)))
    kana = furigana(q)
    names = (
        Q(applicant__name_key__contains=name_key(q))
        | Q(applicant__family_name__icontains=q)
        | Q(applicant__given_name__icontains=q)
        | Q(applicant__family_name_kana__icontains=kana)
        | Q(applicant__given_name_kana__icontains=kana)
    )
    return match | (names & Q(status__in=access.identity_visible_statuses(user, call)))


def candidacy_list(*, fetched_by: Any, call: CallPage, filters: dict[str, Any]) -> QuerySet[Candidacy]:
    """The candidacies of ``call`` that ``fetched_by`` may see, filtered and ordered as the list shows them.

    ``filters`` holds cleaned values (missing or ``None`` = not filtered): ``q``, ``role``,
    ``status``, ``rank``, ``score_min``, ``score_max``, ``mine``/``reviewed``/``disagreement``
    ("yes"/"no"), ``assigned`` ("me"/"nobody"), ``ids`` (a list of pks), ``sort`` (a key of :data:`SORTS`),
    ``with_withdrawn`` (keep withdrawn candidacies without filtering on a status, as the CSV does).
    Used by the screening list and by the CSV export, so both show the same rows.
    """
    user = fetched_by
    value = {k: v for k, v in filters.items() if v not in (None, "", [])}.get
    qs = with_visible_scores(visible_candidacies(user, call), user)
    plain = {
        "role_id": value("role"),
        "status": value("status"),
        "rank": value("rank"),
        "visible_score__gte": value("score_min"),
        "visible_score__lte": value("score_max"),
        "pk__in": value("ids"),
    }
    qs = qs.filter(**{k: v for k, v in plain.items() if v is not None})
    if not value("status") and not value("with_withdrawn"):
        qs = qs.exclude(status=S.WITHDRAWN)
    if value("assigned") == "me":
        qs = qs.filter(assigned_reviewer=user)
    elif value("assigned") == "nobody":
        qs = qs.filter(assigned_reviewer__isnull=True)
    for name, lookup in [("mine", "reviewed_by_me"), ("disagreement", "visible_disagreement")]:
        if value(name):
            qs = qs.filter(**{lookup: value(name) == "yes"})
    if value("reviewed"):
        qs = qs.filter(review_count__gt=0) if value("reviewed") == "yes" else qs.filter(review_count=0)
    if value("q"):
        qs = qs.filter(_search(user, call, str(value("q")).strip()))
    order = SORTS.get(value("sort") or "reference", SORTS["reference"])[1]
    return qs.order_by(*order, "pk")


@dataclass
class RoleRow:
    """One role on the dashboard: its counts, its state and its shortlist."""

    role: RolePage
    publication: str
    closed: bool
    state_label: str
    closes_at: datetime
    applications: int
    reviewed: int
    unscored: int
    shortlisted: int
    selected: int
    limit: int
    shortlist: Shortlist | None
    bands: list[int]

    @property
    def shortlist_status(self) -> str:
        return self.shortlist.status if self.shortlist else Shortlist.Status.DRAFT

    @property
    def shortlist_label(self) -> str:
        return str(Shortlist.Status(self.shortlist_status).label)

    @property
    def submittable(self) -> bool:
        """Closed, something shortlisted, and the contractor holds the shortlist (draft or returned)."""
        editable = self.shortlist is None or self.shortlist.editable
        return self.closed and self.shortlisted > 0 and editable


def role_overview(*, fetched_by: Any, call: CallPage, now: datetime | None = None) -> list[RoleRow]:
    """Every role of ``call`` (published or not) with its counts, as ``fetched_by`` may see them."""
    user = fetched_by
    live = ~Q(status=S.WITHDRAWN)
    bands = {
        f"band{i}": Count(
            "pk",
            filter=live
            & Q(visible_score__gte=low)
            & (Q(visible_score__lt=high) if i < len(SCORE_BANDS) - 1 else Q(visible_score__lte=high)),
        )
        for i, (low, high) in enumerate(SCORE_BANDS)
    }
    stats = {
        row["role"]: row
        for row in with_visible_scores(visible_candidacies(user, call), user)
        .order_by()
        .values("role")
        .annotate(
            applications=Count("pk", filter=live),
            reviewed=Count("pk", filter=live & Q(review_count__gt=0)),
            unscored=Count("pk", filter=live & Q(visible_score__isnull=True)),
            shortlisted=Count("pk", filter=Q(status=S.SHORTLISTED)),
            selected=Count("pk", filter=Q(status=S.SELECTED)),
            **bands,
        )
    }
    roles = list(RolePage.objects.child_of(call).with_call().order_by("path"))
    shortlists = {
        s.role_id: s for s in Shortlist.objects.filter(role__in=roles).select_related("submitted_by", "decided_by")
    }
    rows = []
    for role in roles:
        row = stats.get(role.pk, {})
        rows.append(
            RoleRow(
                role=role,
                publication=role.publication_state(),
                closed=role_is_closed(role, now),
                state_label=role.admin_state_label(),
                closes_at=role.closes_at,
                applications=row.get("applications", 0),
                reviewed=row.get("reviewed", 0),
                unscored=row.get("unscored", 0),
                shortlisted=row.get("shortlisted", 0),
                selected=row.get("selected", 0),
                limit=shortlist_limit(role, call.shortlist_factor),
                shortlist=shortlists.get(role.pk),
                bands=[row.get(f"band{i}", 0) for i in range(len(SCORE_BANDS))],
            )
        )
    return rows
