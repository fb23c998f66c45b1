"""Reads of applications shared by screening and exports, and the manage link's lookup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core import signing
from django.utils import timezone

from applications.intake.steps import STEPS
from applications.intake.tokens import hash_token
from applications.mail.triggers.applicant import draft_role_ids
from applications.models import Application, Candidacy, Draft, Shortlist
from applications.screening.rules import DECISIONS
from recruitment.models import CallPage, RolePage

#: Manage links issued after submission (on request, to the address that applied, or when someone
#: applies again with it) are signed, not stored: they name the application and expire after
#: ``MANAGE_LINK_MAX_AGE``. The confirmation email's link works until ``MANAGE_LINK_AFTER_DECISION``
#: after the application's last decision (docs/adr/0006); a new link can be asked for at any time.
MANAGE_LINK_SALT = "kobo.applications.manage-link"
MANAGE_LINK_MAX_AGE = timedelta(days=7)
MANAGE_LINK_AFTER_DECISION = timedelta(days=30)


@dataclass(frozen=True)
class ManageLink:
    """What a manage link opens: its application, and whether the link has expired."""

    application: Application
    expired: bool


def application_last_decision(application: Application) -> datetime | None:
    """When the last of the application's candidacies was decided or withdrawn; None while one still waits.

    Decided: selected or not selected (the final decision), not shortlisted once the role's shortlist
    was approved (the result of document screening), or withdrawn.
    """
    moments = []
    for candidacy in application.candidacies.select_related("role"):
        if candidacy.status == Candidacy.Status.WITHDRAWN:
            moments.append(candidacy.withdrawn_at or application.submitted_at)
        elif candidacy.status in DECISIONS:
            moments.append(candidacy.decided_at or application.submitted_at)
        elif candidacy.status == Candidacy.Status.REJECTED:
            approved = Shortlist.objects.filter(role=candidacy.role_id, status=Shortlist.Status.APPROVED).first()
            if approved is None:
                return None
            moments.append(approved.decided_at or application.submitted_at)
        else:
            return None
    return max(moments) if moments else None


def manage_link_expires_at(application: Application) -> datetime | None:
    """When the confirmation email's manage link stops working (None: not yet decided, so not yet known)."""
    last = application_last_decision(application)
    return last + MANAGE_LINK_AFTER_DECISION if last is not None else None


def manage_link_lookup(token: str, *, now: datetime | None = None) -> ManageLink | None:
    """The application a manage link opens, and whether the link has expired; None for no application.

    Either the secret token of the confirmation email (only its hash is stored), which expires
    ``MANAGE_LINK_AFTER_DECISION`` after the last decision, or a signed link from
    :func:`applications.intake.services.manage_link_token`, which expires ``MANAGE_LINK_MAX_AGE`` after it was made.
    """
    now = now or timezone.now()
    applications = Application.objects.select_related("call", "applicant")
    application = applications.filter(manage_token_hash=hash_token(token)).first()
    if application is not None:
        expires = manage_link_expires_at(application)
        return ManageLink(application, expired=expires is not None and expires <= now)
    try:
        pk = signing.loads(token, salt=MANAGE_LINK_SALT)
    except signing.BadSignature:
        return None
    application = applications.filter(pk=pk).first() if isinstance(pk, int) else None
    if application is None:
        return None
    try:
        signing.loads(token, salt=MANAGE_LINK_SALT, max_age=MANAGE_LINK_MAX_AGE)
    except signing.SignatureExpired:
        return ManageLink(application, expired=True)
    return ManageLink(application, expired=False)


def application_by_manage_token(token: str) -> Application | None:
    """The application a live (not expired) manage link opens, or None."""
    link = manage_link_lookup(token)
    return link.application if link is not None and not link.expired else None


def answer_sections(answers: dict[str, Any], *, identity_visible: bool) -> list[tuple[str, list[tuple[str, str]]]]:
    """The application's answers as (section title, [(question, answer)]) with the wizard's wording.

    One section per step that shows its answers to screeners, as the step declares them
    (``StepForm.staff_rows``: choices show their labels, yes/no questions はい/いいえ, empty answers
    "—"; answers that identify the person are left out when ``identity_visible`` is false).
    """
    sections = []
    for step in STEPS:
        rows = step.form.staff_rows(answers, identity_visible=identity_visible)
        if rows:
            sections.append((str(step.form.title), rows))
    return sections


@dataclass(frozen=True)
class DraftEnding:
    """Why a saved draft's link no longer opens it, and what its call still accepts (the "link ended" page)."""

    call: CallPage
    #: The draft was sent as an application (its confirmation email has the manage link).
    sent: bool
    #: When the draft ended: the deadline of the roles it chose, or its 30 days.
    ended_at: datetime
    #: The roles the draft chose whose deadline has passed (the draft ended with them).
    closed_roles: list[RolePage]
    #: The call's roles still accepting applications now.
    open_roles: list[RolePage]


def draft_ending(draft: Draft, now: datetime | None = None) -> DraftEnding:
    """What the page for an ended draft says: sent, or which chosen role's deadline passed (and when), and
    which roles of the call can still be applied for."""
    now = now or timezone.now()
    call = draft.call.specific
    roles = list(call.roles())
    chosen = set(draft_role_ids(draft))
    return DraftEnding(
        call=call,
        sent=draft.application_id is not None,
        ended_at=draft.expires_at,
        closed_roles=[r for r in roles if r.pk in chosen and r.closes_at <= now],
        open_roles=[r for r in roles if r.state(now).accepts_applications],
    )
