"""Writes of the application side: submitting, withdrawing, sending draft links."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recruitment.models import CallPage, RolePage

from .models import Applicant, Application, Attachment, Candidacy, Draft
from .notifications import confirmation_send, draft_link_send, withdrawal_send
from .screening import WITHDRAWABLE, candidacy_transition
from .text import email_key, name_key
from .uploads import CheckedUpload
from .wizard import hash_token, new_token

# No 0/O, 1/I/L: a reference read out on the phone is not misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class SubmissionRefused(Exception):
    """The application cannot be accepted as it is; ``message`` says why, for the applicant."""

    def __init__(self, message: str, *, closed_roles: list[RolePage] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.closed_roles = closed_roles or []


@dataclass
class Submission:
    """What the wizard hands to :func:`application_submit`: the cleaned answers of every step."""

    call: CallPage
    role_ids: list[int]
    about: dict[str, Any]
    answers: dict[str, Any]
    files: list[CheckedUpload] = field(default_factory=list)
    language: str = "ja"
    consent_notice_version: int = 1


def new_reference(prefix: str) -> str:
    return f"{prefix}-{''.join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))}"


def _open_roles(call: CallPage, role_ids: list[int], now: datetime) -> tuple[list[RolePage], list[RolePage]]:
    roles = {r.pk: r for r in RolePage.objects.child_of(call).with_call().filter(pk__in=role_ids)}
    chosen = [roles[pk] for pk in role_ids if pk in roles]
    open_roles = [r for r in chosen if r.state(now).accepts_applications]
    closed = [r for r in chosen if r not in open_roles]
    return open_roles, closed


def application_submit(
    *, draft: Draft, submission: Submission, now: datetime | None = None, drop_closed: bool = False
) -> tuple[Application, str | None]:
    """Turn a finished draft into an Application with its candidacies, exactly once.

    Idempotent on the draft's submission token: a double click, a refresh or a
    concurrent second request gets the same application back (and no manage
    token, which only the first request sees). Every chosen role must still be
    open; if one closed meanwhile this raises :class:`SubmissionRefused` naming
    it, unless ``drop_closed`` (the applicant agreed to send the rest).
    Returns the application and, for the first request only, the manage token.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            locked = Draft.objects.select_for_update().get(pk=draft.pk)
            if locked.application_id:
                return locked.application, None
            existing = Application.objects.filter(submission_token=locked.submission_token).first()
            if existing:
                return existing, None
            application, manage_token = _create_application(locked, submission, now, drop_closed)
            locked.application = application
            locked.data = {}
            locked.save(update_fields=["application", "data", "updated_at"])
            return application, manage_token
    except IntegrityError as exc:
        # A concurrent request with the same token won the race on a database without
        # row locks: its application is the one.
        application = Application.objects.filter(submission_token=draft.submission_token).first()
        if application is None:
            # Another draft of the same person took the same role at the same moment
            # (the one-live-candidacy constraint): say so rather than fail.
            raise SubmissionRefused(
                _("You have already applied for one of these roles. Check the confirmation email of that application.")
            ) from exc
        return application, None


def _create_application(
    draft: Draft, submission: Submission, now: datetime, drop_closed: bool
) -> tuple[Application, str]:
    open_roles, closed = _open_roles(submission.call, submission.role_ids, now)
    if closed and not (drop_closed and open_roles):
        names = "、".join(r.title for r in closed)
        raise SubmissionRefused(
            _("These roles closed before your application was complete: %(roles)s.") % {"roles": names},
            closed_roles=closed,
        )
    about = submission.about
    key = email_key(about["email"])
    applicant, _created = Applicant.objects.select_for_update().get_or_create(
        email_key=key, defaults={"email": about["email"]}
    )
    duplicates = Candidacy.objects.filter(applicant=applicant, role__in=open_roles).exclude(
        status=Candidacy.Status.WITHDRAWN
    )
    if duplicates.exists():
        taken = duplicates.select_related("application").first()
        raise SubmissionRefused(
            _(
                "You have already applied for %(role)s (reference %(reference)s). To change or withdraw it, "
                "use the link in the confirmation email of that application."
            )
            % {"role": taken.role.title, "reference": taken.application.reference}
        )
    for name in (
        "email",
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "phone",
        "postal_code",
        "prefecture",
        "city",
    ):
        setattr(applicant, name, about[name])
    applicant.name_key = name_key(about["family_name"], about["given_name"])
    applicant.language = submission.language
    applicant.save()

    manage_token = new_token()
    prefix = submission.call.organisation.reference_prefix
    for _attempt in range(5):
        reference = new_reference(prefix)
        if not Application.objects.filter(reference=reference).exists():
            break
    application = Application.objects.create(
        reference=reference,
        submission_token=draft.submission_token,
        call=submission.call,
        applicant=applicant,
        answers=submission.answers,
        consent_notice_version=submission.consent_notice_version,
        consented_at=now,
        language=submission.language,
        manage_token_hash=hash_token(manage_token),
        submitted_at=now,
    )
    Candidacy.objects.bulk_create(
        Candidacy(application=application, applicant=applicant, role=role, rank=rank)
        for rank, role in enumerate(open_roles, start=1)
    )
    for upload in submission.files:
        attachment = Attachment(
            application=application,
            original_name=upload.original_name,
            content_type="application/pdf" if upload.kind == "pdf" else f"image/{upload.kind}",
            size=upload.size,
            sha256=upload.sha256,
        )
        attachment.file.save(f"{secrets.token_hex(16)}{upload.extension}", ContentFile(upload.content), save=False)
        attachment.save()
    confirmation_send(application=application, roles=open_roles, manage_token=manage_token)
    return application, manage_token


def draft_send_link(*, draft: Draft, email: str, language: str) -> str:
    """Give the draft a new secret token and email the link that resumes it; returns the token."""
    token = new_token()
    with transaction.atomic():
        draft.token_hash = hash_token(token)
        draft.email = email
        draft.language = language
        draft.save(update_fields=["token_hash", "email", "language", "updated_at"])
        draft_link_send(draft=draft, token=token)
    return token


def candidacy_withdraw(*, application: Application, candidacy_ids: list[int], now: datetime | None = None) -> int:
    """Withdraw the given candidacies of an application that have no decision yet; returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        candidacies = list(
            Candidacy.objects.select_for_update(of=("self",))
            .filter(application=application, pk__in=candidacy_ids, status__in=WITHDRAWABLE)
            .select_related("role", "application__call")
        )
        for candidacy in candidacies:
            # by=None: the applicant, through their own withdrawal link (see ``screening.services``).
            candidacy_transition(
                candidacy=candidacy,
                to=Candidacy.Status.WITHDRAWN,
                by=None,
                reason="withdrawn by the applicant",
                now=now,
            )
        if candidacies:
            withdrawal_send(application=application, roles=[c.role for c in candidacies])
    return len(candidacies)
