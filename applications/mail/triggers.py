"""Who hears what, and when: every email of the application side goes out through here and the outbox.

Each message has a key (kind, object, window) so that running any function here
twice, from a doubled or restarted beat or a retried task, writes it once. The
scheduled ones (``reminders_send``, ``deadline_digests_send``, ``still_reviewing_send``)
are run by beat (``portal/settings/base.py``) and take ``now``. Results of document
screening are not scheduled: the approval writes them in its own transaction
(``screening_results_send``), so no catch-up is needed and none can tell a late applicant.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from applications.mail.catalogue import admin_url, correction_result, public_url
from applications.mail.outbox import outbox_enqueue
from applications.models import Application, Candidacy, Draft, OutboxEmail, ScreeningOutcome, Shortlist
from applications.screening.rules import AWAITING, PASSED
from applications.teams import authority
from applications.teams.authority import Power
from portal.jobs import each_row_alone
from portal.numbers import parse_ids
from recruitment.formatting import format_japan_datetime
from recruitment.models import CallPage, RolePage

S = Candidacy.Status

#: Reminders before the earliest chosen role of a draft closes, latest first: (window name, time before).
REMINDER_WINDOWS: list[tuple[str, timedelta]] = [("24h", timedelta(hours=24)), ("72h", timedelta(hours=72))]
#: A deadline digest is sent for roles that closed at most this long ago (a beat that was down catches up).
DIGEST_LOOKBACK = timedelta(days=7)


# --- addresses --------------------------------------------------------------------------------


def page_link(page: Any, language: str) -> str:
    """The public address of a page in ``language`` (``/en/…`` for English)."""
    with translation.override(language):
        _site_id, _root, path = page.specific.get_url_parts()
    return public_url(path)


def route_link(name: str, language: str, **kwargs: Any) -> str:
    """The public address of a URL of ours in ``language``."""
    with translation.override(language):
        return public_url(reverse(name, kwargs=kwargs))


def staff_language(user: Any) -> str:
    """The admin language a staff member chose (Japanese unless they chose English)."""
    profile = getattr(user, "wagtail_userprofile", None)
    preferred = getattr(profile, "preferred_language", "") or ""
    return "en" if preferred.startswith("en") else "ja"


def call_contractors(call: CallPage) -> Iterable[Any]:
    """The active screening contractors whose assignment to ``call`` runs today (``authority``: they submit)."""
    return authority.holders(call, Power.SUBMIT)


def city_approvers(call: CallPage) -> Iterable[Any]:
    """The active approvers of ``call``'s own city who may approve its shortlists (``authority``).

    Members of the call's organisation with the approver role, less anyone assigned to the
    call (separation of duties); approvers of other cities hear nothing of it.
    """
    return authority.holders(call, Power.APPROVE)


def _ts(moment: datetime) -> int:
    return int(moment.timestamp())


def _to_staff(users: Iterable[Any], *, kind: str, key: str, values: dict[str, Any]) -> int:
    sent = 0
    for user in users:
        if user.email:
            sent += outbox_enqueue(
                to=user.email, kind=kind, language=staff_language(user), key=f"{key}:user:{user.pk}", values=values
            )
    return sent


def _applicant_values(candidacy: Candidacy) -> dict[str, Any]:
    application = candidacy.application
    applicant = application.applicant
    return {
        "name": f"{applicant.family_name} {applicant.given_name}",
        "reference": application.reference,
        "call": application.call.title,
        "role": candidacy.role.title,
    }


def _candidacies(queryset: Any) -> Any:
    return queryset.select_related("application__applicant", "application__call", "role")


# --- applicants: receipt, drafts, withdrawal ------------------------------------------------------


def confirmation_send(*, application: Application, roles: list[RolePage], manage_token: str) -> bool:
    """The receipt with the reference number and the manage link (in the submission's transaction)."""
    language = application.language
    applicant = application.applicant
    lines = []
    for number, role in enumerate(roles, start=1):
        with translation.override(language):
            deadline = format_japan_datetime(role.closes_at, language)
        lines.append(f"  {number}. {role.title} ({deadline})")
    return outbox_enqueue(
        to=applicant.email,
        kind="confirmation",
        language=language,
        key=f"confirmation:application:{application.pk}",
        values={
            "name": f"{applicant.family_name} {applicant.given_name}",
            "reference": application.reference,
            "call": application.call.title,
            "roles": "\n".join(lines),
            "manage_link": route_link("applications:manage", language, token=manage_token),
        },
    )


def draft_link_send(*, draft: Draft, token: str) -> bool:
    """The link that resumes a saved draft; each new link is its own message."""
    return outbox_enqueue(
        to=draft.email,
        kind="draft_link",
        language=draft.language,
        key=f"draft_link:draft:{draft.pk}:{draft.token_hash[:16]}",
        values={"call": draft.call.title, "link": route_link("applications:resume", draft.language, token=token)},
    )


def email_code_send(*, draft: Draft, email: str, code: str, language: str, minutes: int) -> bool:
    """The code that proves ``email``; sent before the address is proven, so it carries no applicant text."""
    return outbox_enqueue(
        to=email,
        kind="email_code",
        language=language,
        key=f"email_code:draft:{draft.pk}:{draft.code_hash[:16]}",
        values={"code": code, "call": draft.call.title, "minutes": minutes},
    )


def manage_link_send(*, application: Application, manage_token: str, days: int, now: datetime) -> bool:
    """A new manage link, asked for on the "send me my link again" page, to the address that applied."""
    language = application.language
    return outbox_enqueue(
        to=application.applicant.email,
        kind="manage_link",
        language=language,
        key=f"manage_link:application:{application.pk}:{now.isoformat()}",
        values={
            "reference": application.reference,
            "call": application.call.title,
            "days": days,
            "manage_link": route_link("applications:manage", language, token=manage_token),
        },
    )


def withdrawal_send(*, application: Application, roles: list[RolePage]) -> bool:
    """Confirms a withdrawal of the given roles."""
    ids = "-".join(str(r.pk) for r in sorted(roles, key=lambda r: r.pk))
    return outbox_enqueue(
        to=application.applicant.email,
        kind="withdrawal",
        language=application.language,
        key=f"withdrawal:application:{application.pk}:{ids}",
        values={
            "reference": application.reference,
            "call": application.call.title,
            "roles": "\n".join(f"  - {r.title}" for r in roles),
        },
    )


def duplicate_attempt_send(
    *, application: Application, roles: list[RolePage], manage_token: str, now: datetime
) -> bool:
    """Tell the owner of an address that someone applied again with it, with their own reference and link."""
    language = application.language
    return outbox_enqueue(
        to=application.applicant.email,
        kind="duplicate",
        language=language,
        key=f"duplicate:application:{application.pk}:{now.isoformat()}",
        values={
            "reference": application.reference,
            "call": application.call.title,
            "roles": "\n".join(f"  - {r.title}" for r in roles),
            "manage_link": route_link("applications:manage", language, token=manage_token),
        },
    )


def draft_role_ids(draft: Draft) -> list[int]:
    """The roles ticked in a draft (the wizard's stored data of its "roles" step); what is not an id is left out."""
    data = draft.data if isinstance(draft.data, dict) else {}
    step_data = data.get("step_data")
    roles_step = step_data.get("roles") if isinstance(step_data, dict) else None
    values = roles_step.get("roles-roles") if isinstance(roles_step, dict) else None
    return parse_ids(values) if isinstance(values, list) else []


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind drafts with an email 72 h and 24 h before their earliest chosen open role closes; idempotent.

    A draft that reaches the 24 h window without having had the 72 h reminder gets only
    the 24 h one. Returns how many reminders were written.
    """
    now = now or timezone.now()
    drafts = list(
        Draft.objects.filter(application__isnull=True, expires_at__gt=now)
        .exclude(email="")
        .select_related("call")
        .order_by("pk")
    )
    wanted = {pk for d in drafts for pk in draft_role_ids(d)}
    roles = {r.pk: r for r in RolePage.objects.with_call().filter(pk__in=wanted)}
    written = 0
    for draft in drafts:
        with each_row_alone("reminders_send", draft):
            written += _draft_reminder(draft, roles, now)
    return written


def _draft_reminder(draft: Draft, roles: dict[int, RolePage], now: datetime) -> int:
    chosen = [roles[pk] for pk in draft_role_ids(draft) if pk in roles]
    open_roles = [role for role in chosen if role.state(now).accepts_applications]
    if not open_roles:
        return 0
    role = min(open_roles, key=lambda r: r.closes_at)
    left = role.closes_at - now
    window = next((name for name, before in REMINDER_WINDOWS if left <= before), None)
    if window is None:
        return 0
    with translation.override(draft.language):
        deadline = format_japan_datetime(role.closes_at, draft.language)
    with transaction.atomic():
        return outbox_enqueue(
            to=draft.email,
            kind="draft_reminder",
            language=draft.language,
            key=f"draft_reminder:draft:{draft.pk}:{window}@{_ts(role.closes_at)}",
            values={
                "call": draft.call.title,
                "role": role.title,
                "deadline": deadline,
                "hours": max(1, round(left.total_seconds() / 3600)),
                "call_link": page_link(draft.call, draft.language),
            },
        )


# --- staff: deadlines and the shortlist ----------------------------------------------------------


def deadline_digests_send(*, now: datetime | None = None) -> int:
    """At each role's deadline, tell its call's contractors and the city's approvers how many applied."""
    now = now or timezone.now()
    written = 0
    roles = RolePage.objects.live().filter(closes_at__lte=now, closes_at__gt=now - DIGEST_LOOKBACK)
    for role in roles.order_by("pk"):
        with each_row_alone("deadline_digests_send", role):
            written += _deadline_digest(role)
    return written


def _deadline_digest(role: RolePage) -> int:
    call = role.call
    count = Candidacy.objects.filter(role=role).exclude(status=S.WITHDRAWN).count()
    recipients = {u.pk: u for u in [*call_contractors(call), *city_approvers(call)]}.values()
    values = {
        "role": role.title,
        "call": call.title,
        "deadline": format_japan_datetime(role.closes_at, "ja"),
        "count": count,
        "dashboard_link": admin_url(reverse("screening_dashboard", args=[call.pk])),
    }
    with transaction.atomic():
        return _to_staff(
            recipients, kind="deadline_digest", key=f"deadline_digest:role:{role.pk}@{_ts(role.closes_at)}",
            values=values,
        )  # fmt: skip


SHORTLIST_EVENTS = {
    "submitted": ("shortlist_submitted", city_approvers),
    "approved": ("shortlist_approved", call_contractors),
    "returned": ("shortlist_returned", call_contractors),
    "reopened": ("shortlist_reopened", call_contractors),
}


def shortlist_notify(*, shortlist: Shortlist, event: str, now: datetime | None = None) -> int:
    """Staff notice of a shortlist event (applicants' results are written by the approval itself).

    ``event`` is "submitted" (to the city's approvers) or "approved", "returned", "reopened"
    (to the call's contractors). Run on commit by ``screening.services._after_shortlist_change``.
    """
    now = now or timezone.now()
    kind, recipients = SHORTLIST_EVENTS[event]
    role = shortlist.role
    call = role.call
    when = (shortlist.submitted_at if event == "submitted" else shortlist.decided_at) or now
    by = shortlist.submitted_by if event == "submitted" else shortlist.decided_by
    values = {
        "scope": f"{role.title}({call.title})",
        "actor": (by.get_full_name() or by.get_username()) if by is not None else "",
        "comment": shortlist.comment,
        "dashboard_link": admin_url(reverse("screening_dashboard", args=[call.pk])),
    }
    with transaction.atomic():
        written = _to_staff(
            recipients(call), kind=kind, key=f"{kind}:shortlist:{shortlist.pk}@{_ts(when)}", values=values
        )
    return written


# --- applicants: results ----------------------------------------------------------------------------


def role_has_result(role: RolePage) -> bool:
    """Has the city approved the role's shortlist (the result of its document screening)?"""
    return Shortlist.objects.filter(role=role, status=Shortlist.Status.APPROVED).exists()


def _unsent(keys: list[str]) -> set[str]:
    return set(keys) - set(OutboxEmail.objects.filter(key__in=keys).values_list("key", flat=True))


def screening_population(shortlist: Shortlist) -> Any:
    """The candidacies an approval of ``shortlist`` judges: its role's live ones that applied before it was submitted.

    An application that arrives later (after a deadline change, say) was not in what the city
    approved, so it is never told a result of this approval.
    """
    submitted_at = shortlist.submitted_at or timezone.now()
    return Candidacy.objects.filter(role_id=shortlist.role_id, submitted_at__lte=submitted_at).exclude(
        status=S.WITHDRAWN
    )


def screening_results_send(*, shortlist: Shortlist, now: datetime | None = None) -> int:
    """The one place that tells applicants the result of document screening; run in the approval's transaction.

    For each candidacy of :func:`screening_population`: its outcome (通過 if shortlisted, else
    不通過) is recorded as a :class:`ScreeningOutcome` of this approval. Told nothing before: the
    result (書類選考通過 / 書類選考結果). Told the other outcome at an earlier approval: a
    courteous correction (訂正). Told the same: nothing. Running it again for the same approval
    writes nothing (one outcome per candidacy and approval, keyed outbox rows).
    """
    now = now or timezone.now()
    approval = shortlist.approvals
    if shortlist.status != Shortlist.Status.APPROVED or approval < 1:
        return 0
    recorded = set(
        ScreeningOutcome.objects.filter(shortlist=shortlist, approval=approval).values_list("candidacy_id", flat=True)
    )
    candidacies = [c for c in _candidacies(screening_population(shortlist)).order_by("pk") if c.pk not in recorded]
    told: dict[int, str] = {}
    for candidacy_id, outcome in (
        ScreeningOutcome.objects.filter(candidacy__in=[c.pk for c in candidacies], approval__lt=approval)
        .order_by("approval")
        .values_list("candidacy_id", "outcome")
    ):
        told[candidacy_id] = outcome  # the latest approval wins
    written = 0
    with transaction.atomic():
        for candidacy in candidacies:
            passed = candidacy.status in PASSED
            outcome = ScreeningOutcome.Outcome.PASSED if passed else ScreeningOutcome.Outcome.NOT_PASSED
            before = told.get(candidacy.pk)
            language = candidacy.application.language
            values = {**_applicant_values(candidacy), "call_link": page_link(candidacy.application.call, language)}
            if before is None:
                kind = "screening_passed" if passed else "screening_result"
                key = f"screening_result:candidacy:{candidacy.pk}"
            elif before != outcome:
                kind = "screening_correction"
                key = f"screening_correction:candidacy:{candidacy.pk}:approval:{approval}"
                values["result"] = correction_result(passed=passed, language=language, call_link=values["call_link"])
            else:
                kind = key = ""
            ScreeningOutcome.objects.create(
                shortlist=shortlist, approval=approval, candidacy=candidacy, outcome=outcome, notice=kind,
                created_at=now,
            )  # fmt: skip
            if kind:
                written += outbox_enqueue(
                    to=candidacy.application.applicant.email, kind=kind, language=language, key=key, values=values
                )
    return written


def told_outcomes(shortlist: Shortlist) -> list[ScreeningOutcome]:
    """What each candidacy judged at the shortlist's latest approval was told (or confirmed), by reference."""
    return list(
        ScreeningOutcome.objects.filter(shortlist=shortlist, approval=shortlist.approvals)
        .select_related("candidacy")
        .order_by("candidacy__reference", "candidacy__rank")
    )


def still_reviewing_send(*, now: datetime | None = None) -> int:
    """Tell the candidates of a role closed for the call's set number of days, without a result, that it is coming."""
    now = now or timezone.now()
    candidacies = _candidacies(
        Candidacy.objects.filter(status__in=AWAITING, role__closes_at__lte=now - timedelta(days=1))
    ).order_by("role_id", "pk")
    by_role: dict[int, list[Candidacy]] = {}
    for candidacy in candidacies:
        by_role.setdefault(candidacy.role_id, []).append(candidacy)
    written = 0
    for group in by_role.values():
        with each_row_alone("still_reviewing_send", group):
            written += _still_reviewing(group, now)
    return written


def _still_reviewing(group: list[Candidacy], now: datetime) -> int:
    role, call = group[0].role, group[0].application.call
    days = call.still_reviewing_days
    if role.closes_at + timedelta(days=days) > now or role_has_result(role):
        return 0
    todo = _unsent([f"still_reviewing:candidacy:{c.pk}" for c in group])
    written = 0
    with transaction.atomic():
        for candidacy in group:
            key = f"still_reviewing:candidacy:{candidacy.pk}"
            if key in todo:
                written += outbox_enqueue(
                    to=candidacy.application.applicant.email,
                    kind="still_reviewing",
                    language=candidacy.application.language,
                    key=key,
                    values={**_applicant_values(candidacy), "days": days},
                )
    return written


def decision_send(*, candidacy: Candidacy) -> bool:
    """The final 採用 / 不採用 of one candidacy, once (in the decision's transaction)."""
    return outbox_enqueue(
        to=candidacy.application.applicant.email,
        kind="decision_selected" if candidacy.status == S.SELECTED else "decision_not_selected",
        language=candidacy.application.language,
        key=f"decision:candidacy:{candidacy.pk}",
        values=_applicant_values(candidacy),
    )
