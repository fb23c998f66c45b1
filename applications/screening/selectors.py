"""Reads of screening: the candidacy list (screen and exports), per-role overview, what a viewer may see.

Blind means blind: every score a viewer is shown, sorted by, filtered on or counted in a
chart is ``visible_score``, which is the stored aggregate only where that viewer may see
it (``visibility.others_reviews_visible``: their own review is in, or they do not review).
Conflict of interest: a screener never gets a candidacy of a person they declared they know
(``visibility.candidacies_for``); who sees what is decided in ``visibility`` alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Case, Count, DecimalField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.lookups import IsNull

from applications.models import Application, Candidacy, Review, Shortlist
from applications.screening import visibility
from applications.screening.services import role_is_closed, shortlist_limit
from applications.teams import access
from recruitment.models import CallPage, RolePage

S = Candidacy.Status
#: Score bands of the dashboard chart, on the 0–5 scale of ``scoring.aggregate_scores``.
SCORE_BANDS = [(Decimal(n), Decimal(n + 1)) for n in range(5)]

#: key → (label, order). ``visible_score`` is the viewer's score, never one they may not see.
#: ``reference`` and ``submitted_at`` are the application's, copied onto the candidacy so that an index
#: of the candidacy table serves each order (``Candidacy.Meta.indexes``).
#: Each order of the list: its label and the ``order_by`` terms.
SORTS: dict[str, tuple[str, list[Any]]] = {
    "reference": ("受付番号順 Reference", ["reference", "rank"]),
    "score": ("スコアの高い順 Score, highest first", [F("visible_score").desc(nulls_last=True), "reference"]),
    "score_asc": ("スコアの低い順 Score, lowest first", [F("visible_score").asc(nulls_last=True), "reference"]),
    "submitted": ("応募の新しい順 Newest first", ["-submitted_at", "rank"]),
    "submitted_asc": ("応募の古い順 Oldest first", ["submitted_at", "rank"]),
    "rank": ("希望順位順 Preference", ["rank", "reference"]),
}
#: The score orders: rows with a visible score first (by score, then reference), then the rest by reference.
SCORE_SORTS = {"score": "-score", "score_asc": "score"}


def visible_candidacies(user: Any, call: CallPage) -> QuerySet[Candidacy]:
    """The call's candidacies this user may see at all (``visibility.candidacies_for``: not their conflicts)."""
    return visibility.candidacies_for(user, call)


def with_visible_scores(qs: QuerySet[Candidacy], user: Any, call: CallPage) -> QuerySet[Candidacy]:
    """Annotate ``reviewed_by_me``, ``visible_score`` and ``visible_disagreement`` for ``user`` on ``call``."""
    qs = qs.annotate(reviewed_by_me=Exists(Review.objects.filter(candidacy=OuterRef("pk"), reviewer=user)))
    if access.can_review(user, call):
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


def candidacy_list(*, fetched_by: Any, call: CallPage, filters: dict[str, Any]) -> QuerySet[Candidacy]:
    """The candidacies of ``call`` that ``fetched_by`` may see, filtered and ordered as the list shows them.

    ``filters`` holds cleaned values (missing or ``None`` = not filtered): ``q``, ``role``,
    ``status``, ``rank``, ``score_min``, ``score_max``, ``mine``/``reviewed``/``disagreement``
    ("yes"/"no"), ``assigned`` ("me"/"nobody"), ``ids`` (a list of pks), ``sort`` (a key of :data:`SORTS`),
    ``with_withdrawn`` (keep withdrawn candidacies without filtering on a status, as the CSV does).
    Used by the screening list and by the CSV export, so both show the same rows.
    """
    return _listed(fetched_by, visible_candidacies(fetched_by, call), call, filters)


def _listed(user: Any, base: QuerySet[Candidacy], call: CallPage, filters: dict[str, Any]) -> QuerySet[Candidacy]:
    """:func:`candidacy_list` from ``base`` (the candidacies the user may see; see ``CandidacyPages.count``)."""
    value = {k: v for k, v in filters.items() if v not in (None, "", [])}.get
    qs = with_visible_scores(base, user, call)
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
        qs = qs.filter(visibility.search(user, call, str(value("q")).strip()))
    order = SORTS.get(value("sort") or "reference", SORTS["reference"])[1]
    return qs.order_by(*order, "pk")


class CandidacyPages:
    """:func:`candidacy_list` for ``Paginator``: one count, and each page as its primary keys, then its rows.

    The page's keys come from the candidacy table's own indexes (one per order, led by the
    call), with only what the filters need; the rows are then loaded for those keys with
    ``select_related`` and the per-user annotations (``reviewed_by_me`` and the visible score),
    so joins and ``EXISTS`` cost 50 rows, not the call's 100,000. The score orders, where a
    reviewer's visible score depends on their own reviews, are read in two runs, each served
    by an index: the rows with a visible score by score, then the others by reference (the
    same order as :func:`candidacy_list`'s, which the CSV export uses).
    """

    def __init__(self, *, fetched_by: Any, call: CallPage, filters: dict[str, Any], related: tuple[str, ...] = ()):
        self.user, self.call, self.filters = fetched_by, call, filters
        self.queryset = candidacy_list(fetched_by=fetched_by, call=call, filters=filters)
        self.related = related
        self.score_order = SCORE_SORTS.get(filters.get("sort") or "")
        self._count: int | None = None

    def count(self) -> int:
        """How many rows the list has: the call's matching rows less the user's conflicts among them.

        The same number as ``queryset.count()``, but the call's rows are counted from an index
        alone (``candidacy_call_status``) instead of probing the conflicts for each of them.
        """
        if self._count is None:
            matching = _listed(self.user, Candidacy.objects.filter(call=self.call), self.call, self.filters)
            conflicts = visibility.conflicted_ids(self.user)
            hidden = matching.filter(pk__in=conflicts).count() if conflicts else 0
            self._count = matching.count() - hidden
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Candidacy]:
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("CandidacyPages takes a slice without a step")
        start, stop = key.start or 0, key.stop if key.stop is not None else self.count()
        pks = self._keys(start, stop) if stop > start else []
        rows = with_visible_scores(Candidacy.objects.filter(pk__in=pks), self.user, self.call).select_related(
            *self.related
        )
        rows = rows.order_by()  # put in the page's order below
        by_pk = {row.pk: row for row in rows}
        return [by_pk[pk] for pk in pks if pk in by_pk]

    def _keys(self, start: int, stop: int) -> list[int]:
        """The primary keys of rows ``start`` to ``stop`` in the list's order: one query whatever the page."""
        keys = self.queryset.values_list("pk", flat=True)
        if self.score_order is None or not connection.features.supports_slicing_ordering_in_compound:
            return list(keys[start:stop])
        # Rows with a visible score: a score, and for a reviewer their own review (one EXISTS, so that
        # the rest are an anti-join probed row by row down the reference index, not a hash of all reviews).
        scored: Q | Exists = Q(score__isnull=False)
        if access.can_review(self.user, self.call):
            scored = Exists(
                Review.objects.filter(candidacy=OuterRef("pk"), reviewer=self.user).filter(
                    IsNull(OuterRef("score"), False)
                )
            )
        columns = ("part", "sort_score", "reference", "pk")
        first = (
            self.queryset.filter(scored)
            .annotate(part=Value(0), sort_score=F("score"))
            .order_by(self.score_order, "reference", "pk")
            .values_list(*columns)[:stop]
        )
        rest = (
            self.queryset.filter(~scored)
            .annotate(part=Value(1), sort_score=Value(None, output_field=DecimalField(max_digits=5, decimal_places=2)))
            .order_by("reference", "pk")
            .values_list(*columns)[:stop]
        )
        both = first.union(rest, all=True).order_by(
            "part", self.score_order.replace("score", "sort_score"), "reference", "pk"
        )
        return [row[3] for row in both[start:stop]]


def call_counts(calls: list[CallPage]) -> list[CallPage]:
    """Set ``application_count``, ``candidacy_count``, ``reviewed_count`` and ``shortlisted_count`` on each call.

    Two grouped aggregates for all the calls (applications, then candidacies by their copied
    ``call``), instead of joining every call to its applications and their candidacies.
    """
    ids = [call.pk for call in calls]
    live = ~Q(status=S.WITHDRAWN)
    per_call = Application.objects.filter(call__in=ids).order_by().values("call").annotate(n=Count("pk"))
    applications = dict(per_call.values_list("call", "n"))
    candidacies: dict[int, dict[str, Any]] = {
        row["call"]: dict(row)
        for row in Candidacy.objects.filter(call__in=ids)
        .order_by()
        .values("call")
        .annotate(
            candidacy_count=Count("pk", filter=live),
            reviewed_count=Count("pk", filter=live & Q(review_count__gt=0)),
            shortlisted_count=Count("pk", filter=Q(status=S.SHORTLISTED)),
        )
    }
    for call in calls:
        call.application_count = applications.get(call.pk, 0)
        row = candidacies.get(call.pk, {})
        for name in ("candidacy_count", "reviewed_count", "shortlisted_count"):
            setattr(call, name, row.get(name, 0))
    return calls


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

    def bands(scored: Q) -> dict[str, Count]:
        return {
            f"band{i}": Count(
                "pk",
                filter=scored
                & Q(score__gte=low)
                & (Q(score__lt=high) if i < len(SCORE_BANDS) - 1 else Q(score__lte=high)),
            )
            for i, (low, high) in enumerate(SCORE_BANDS)
        }

    # One grouped aggregate of the call's candidacies; the scores a reviewer may see (those of the
    # candidacies they reviewed) in a second one over their reviewed candidacies only, instead of
    # an EXISTS on reviews for each of the call's rows.
    candidacies = visible_candidacies(user, call).order_by().values("role")
    counts = {
        "applications": Count("pk", filter=live),
        "reviewed": Count("pk", filter=live & Q(review_count__gt=0)),
        "shortlisted": Count("pk", filter=Q(status=S.SHORTLISTED)),
        "selected": Count("pk", filter=Q(status=S.SELECTED)),
    }
    blind = bool(access.can_review(user, call))
    if not blind:
        counts |= {"scored": Count("pk", filter=live & Q(score__isnull=False)), **bands(live)}
    stats: dict[int, dict[str, Any]] = {counted["role"]: dict(counted) for counted in candidacies.annotate(**counts)}
    if blind:
        mine = candidacies.filter(pk__in=Review.objects.filter(reviewer=user).values("candidacy_id"))
        for scored in mine.annotate(scored=Count("pk", filter=live & Q(score__isnull=False)), **bands(live)):
            stats.setdefault(scored["role"], {}).update(scored)
    for figures in stats.values():
        figures["unscored"] = figures.get("applications", 0) - figures.get("scored", 0)
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
