"""Mail to applicants about their own actions: receipt, drafts, codes, links, withdrawal, duplicates, erasure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from applications.mail.catalogue import DUPLICATE_NOTICE_INTERVAL, REMINDER_WINDOWS
from applications.mail.outbox import outbox_enqueue
from applications.mail.triggers.common import page_link, person_name, route_link, title_in, to_applicant, ts
from applications.models import Application, Candidacy, Draft, OutboxEmail
from cms.web.jobs import each_row_alone
from cms.web.numbers import parse_ids
from recruitment.formatting import format_japan_datetime
from recruitment.models import CallPage, RolePage


def confirmation_send(*, application: Application, roles: list[RolePage], manage_token: str) -> bool:
    """The receipt with the reference number and the manage link (in the submission's transaction)."""
    language = application.language
    applicant = application.applicant
    lines = []
    for number, role in enumerate(roles, start=1):
        with translation.override(language):
            deadline = format_japan_datetime(role.closes_at, language)
        lines.append(f"  {number}. {title_in(role, language)} ({deadline})")
    return to_applicant(
        application,
        kind="confirmation",
        key=f"confirmation:application:{application.pk}",
        values={
            "name": person_name(applicant, language),
            "reference": application.reference,
            "call": title_in(application.call, language),
            "roles": "\n".join(lines),
            "manage_link": _manage_link(application, manage_token),
        },
        roles=roles,
    )


def draft_link_send(*, draft: Draft, token: str) -> bool:
    """The link that resumes a saved draft; each new link is its own message."""
    return outbox_enqueue(
        to=draft.email,
        kind="draft_link",
        language=draft.language,
        key=f"draft_link:draft:{draft.pk}:{draft.token_hash[:16]}",
        values={
            "call": title_in(draft.call, draft.language),
            "link": route_link("applications:resume", draft.language, token=token),
        },
        call=draft.call,
    )


def email_code_send(*, draft: Draft, email: str, code: str, language: str, minutes: int) -> bool:
    """The code that proves ``email``; sent before the address is proven, so it carries no applicant text."""
    return outbox_enqueue(
        to=email,
        kind="email_code",
        language=language,
        key=f"email_code:draft:{draft.pk}:{draft.code_hash[:16]}",
        values={"code": code, "call": title_in(draft.call, language), "minutes": minutes},
        call=draft.call,
    )


def manage_link_send(*, application: Application, manage_token: str, days: int, now: datetime) -> bool:
    """A new manage link, asked for on the "send me my link again" page, to the address that applied."""
    return to_applicant(
        application,
        kind="manage_link",
        key=f"manage_link:application:{application.pk}:{now.isoformat()}",
        values={**_reference_values(application), "days": days, "manage_link": _manage_link(application, manage_token)},
    )


def withdrawal_send(*, application: Application, roles: list[RolePage]) -> bool:
    """Confirms a withdrawal of the given roles."""
    ids = "-".join(str(r.pk) for r in sorted(roles, key=lambda r: r.pk))
    return to_applicant(
        application,
        kind="withdrawal",
        key=f"withdrawal:application:{application.pk}:{ids}",
        values={**_reference_values(application), "roles": _role_list(roles, application.language)},
    )


def duplicate_attempts_send(
    *, taken: list[Candidacy], manage_token: Callable[[Application], str], now: datetime
) -> int:
    """Tell the owner of each address that someone applied again with it, with their own references and links.

    ``taken``: the live candidacies the attempt collided with; ``manage_token`` makes a manage
    link's token for an application. One message per application, and none to an address told
    within :data:`~applications.mail.catalogue.DUPLICATE_NOTICE_INTERVAL`: repeated attempts must
    not flood its inbox. Returns how many were written.
    """
    by_application: dict[int, tuple[Application, list[RolePage]]] = {}
    for candidacy in taken:
        by_application.setdefault(candidacy.application_id, (candidacy.application, []))[1].append(candidacy.role)
    written = 0
    for application, roles in by_application.values():
        recent = OutboxEmail.objects.filter(
            to=application.applicant.email, kind="duplicate", created_at__gte=now - DUPLICATE_NOTICE_INTERVAL
        )
        if recent.exists():
            continue
        written += to_applicant(
            application,
            kind="duplicate",
            key=f"duplicate:application:{application.pk}:{now.isoformat()}",
            values={
                **_reference_values(application),
                "roles": _role_list(roles, application.language),
                "manage_link": _manage_link(application, manage_token(application)),
            },
        )
    return written


def _reference_values(application: Application) -> dict[str, Any]:
    """The reference and the call's title, in the language the application was made in."""
    return {"reference": application.reference, "call": title_in(application.call, application.language)}


def _role_list(roles: list[RolePage], language: str) -> str:
    return "\n".join(f"  - {title_in(r, language)}" for r in roles)


def _manage_link(application: Application, token: str) -> str:
    return route_link("applications:manage", application.language, token=token)


def erasure_done_send(*, application: Application, call: CallPage) -> bool:
    """Tells the applicant their data was erased (in the erasure's transaction, before the address goes)."""
    return to_applicant(
        application,
        kind="erasure_done",
        key=f"erasure_done:application:{application.pk}",
        values={"reference": application.reference, "call": title_in(call, application.language)},
        call=call,
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
    the 24 h one (:data:`~applications.mail.catalogue.REMINDER_WINDOWS`). Returns how many
    reminders were written.
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


def format_time_left(left: timedelta) -> str:
    """The time left before a deadline, in the active language, never more than is left, at its scale.

    Under a minute: "less than a minute"; under an hour: whole minutes (「3分」, never 「約1時間」);
    under two days: "more than N hours"; else "more than N days" (whole units, rounded down).
    """
    seconds = max(0, int(left.total_seconds()))
    if seconds < 60:
        return gettext("less than a minute")
    if seconds < 3600:
        minutes = seconds // 60
        return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
    if seconds < 48 * 3600:
        hours = seconds // 3600
        return ngettext("more than %(count)s hour", "more than %(count)s hours", hours) % {"count": hours}
    days = seconds // 86400
    return ngettext("more than %(count)s day", "more than %(count)s days", days) % {"count": days}


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
        time_left = format_time_left(left)
    values: dict[str, Any] = {
        "call": title_in(draft.call, draft.language),
        "role": title_in(role, draft.language),
        "deadline": deadline,
        "time_left": time_left,
        # Kept for wordings written before {time_left}: whole hours, never more than is left.
        "hours": int(left.total_seconds() // 3600),
        "call_link": page_link(draft.call, draft.language),
    }
    with transaction.atomic():
        return outbox_enqueue(
            to=draft.email,
            kind="draft_reminder",
            language=draft.language,
            key=f"draft_reminder:draft:{draft.pk}:{window}@{ts(role.closes_at)}",
            values=values,
            call=draft.call,
            roles=[role],
        )
