"""Writes of the application side: submitting, withdrawing, sending and resuming draft links, manage links."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core import signing
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.intake.selectors import MANAGE_LINK_MAX_AGE, MANAGE_LINK_SALT
from applications.intake.text import email_key, name_key
from applications.intake.tokens import hash_token, new_token
from applications.intake.uploads import CheckedUpload
from applications.intake.verification import email_verified
from applications.mail.triggers.applicant import (
    confirmation_send,
    draft_link_send,
    duplicate_attempts_send,
    manage_link_send,
    withdrawal_send,
)
from applications.models import Applicant, Application, Attachment, Candidacy, Draft
from applications.screening.rules import WITHDRAWABLE
from applications.screening.services import candidacy_transition
from applications.statistics.tallies import draft_tally, submission_tally
from recruitment.models import CallPage, RolePage

# No 0/O, 1/I/L: a reference read out on the phone is not misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class SubmissionRefused(Exception):
    """The application cannot be accepted as it is; ``message`` says why, for the applicant."""

    def __init__(self, message: str, *, closed_roles: list[RolePage] | None = None, unverified: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.closed_roles = closed_roles or []
        #: The address was not proven with a code (``applications.intake.verification``).
        self.unverified = unverified


class _AlreadyApplied(Exception):
    """The address already has a live candidacy for a chosen role (raised inside the transaction)."""

    def __init__(self, taken: list[Candidacy]) -> None:
        super().__init__("already applied")
        self.taken = taken


def _neutral_refusal() -> SubmissionRefused:
    """The same words whether or not the address applied before: the screen discloses nothing."""
    return SubmissionRefused(
        _(
            "We could not accept this application with this email address. We have sent an email to that "
            "address explaining why and what can be done."
        )
    )


@dataclass
class Submission:
    """What the wizard hands to :func:`application_submit`: the cleaned answers of every step."""

    call: CallPage
    role_ids: list[int]
    about: dict[str, Any]
    answers: dict[str, Any]
    files: list[CheckedUpload] = field(default_factory=list)
    language: str = "ja"
    #: The notice agreed to: its version, the language of the text shown, the SHA-256 of that text.
    consent_notice_version: int = 1
    consent_notice_language: str = "ja"
    consent_notice_digest: str = ""
    #: The device class it was sent from (``applications.statistics.devices.device_class``), for the statistics.
    device: str = "unknown"


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
    The address must have been proven with a code for this draft (``verification.email_verified``).
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            locked = Draft.objects.select_for_update().get(pk=draft.pk)
            if locked.application_id and (submitted := locked.application) is not None:
                return submitted, None
            existing = Application.objects.filter(submission_token=locked.submission_token).first()
            if existing:
                return existing, None
            if not email_verified(locked, submission.about["email"]):
                raise SubmissionRefused(
                    _("Confirm your email address with the code we sent to it before sending your application."),
                    unverified=True,
                )
            application, manage_token = _create_application(locked, submission, now, drop_closed)
            locked.application = application
            locked.data = {}
            locked.save(update_fields=["application", "data", "updated_at"])
            return application, manage_token
    except _AlreadyApplied as duplicate:
        with transaction.atomic():
            # The owner of the address hears of it (at most once an hour), with their own link.
            duplicate_attempts_send(taken=duplicate.taken, manage_token=manage_link_token, now=now)
        raise _neutral_refusal() from duplicate
    except IntegrityError as exc:
        # A concurrent request with the same token won the race on a database without
        # row locks: its application is the one.
        winner = Application.objects.filter(submission_token=draft.submission_token).first()
        if winner is None:
            # Another draft with the same email took the same role at the same moment
            # (the one-live-candidacy constraint); its confirmation email went to the address.
            raise _neutral_refusal() from exc
        return winner, None


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
    live = Candidacy.objects.filter(email_key=key, role__in=open_roles).exclude(status=Candidacy.Status.WITHDRAWN)
    if live.exists():  # rare: only then the rows with their pages (a wide query, costly to build each time)
        raise _AlreadyApplied(list(live.select_related("application__applicant", "role")))
    # The identity exactly as given in this application: a row of its own, never shared or overwritten.
    applicant = Applicant.objects.create(
        email=about["email"],
        email_key=key,
        family_name=about["family_name"],
        given_name=about["given_name"],
        family_name_kana=about["family_name_kana"],
        given_name_kana=about["given_name_kana"],
        name_key=name_key(about["family_name"], about["given_name"]),
        phone=about["phone"],
        postal_code=about["postal_code"],
        prefecture=about["prefecture"],
        city=about["city"],
        language=submission.language,
    )

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
        consent_notice_language=submission.consent_notice_language,
        consent_notice_digest=submission.consent_notice_digest,
        consented_at=now,
        language=submission.language,
        manage_token_hash=hash_token(manage_token),
        submitted_at=now,
    )
    candidacies = Candidacy.objects.bulk_create(
        Candidacy(application=application, applicant=applicant, email_key=key, role=role, rank=rank)
        for rank, role in enumerate(open_roles, start=1)
    )
    for upload in submission.files:
        attachment = Attachment(
            application=application,
            original_name=upload.original_name,
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
        )
        attachment.file.save(f"{secrets.token_hex(16)}{upload.extension}", ContentFile(upload.content), save=False)
        attachment.save()
    confirmation_send(application=application, roles=open_roles, manage_token=manage_token)
    # Last: the call's running counts, whose total row this transaction then holds until it commits.
    submission_tally(
        application=application, candidacies=candidacies, device=submission.device, draft_step=draft_step(draft)
    )
    return application, manage_token


def draft_step(draft: Draft) -> str:
    """The wizard step ``draft`` is at (formtools' current step), "" when it has none: what its tallies count."""
    return _step_name(draft.data.get("step") if isinstance(draft.data, dict) else None)


def _step_name(stored: Any) -> str:
    """A stored step as its tallies count it: the step's name, "" for anything else."""
    return stored if isinstance(stored, str) else ""


def draft_start(*, call_id: int, **fields: Any) -> Draft:
    """Create a draft of the call with ``fields`` (the model's) and count it started at its step, in one transaction.

    Every draft is made here (the wizard's storage, the demo), so the statistics' drafts started and
    where they stopped come from the running tallies, not from the drafts (which the purge deletes).
    """
    with transaction.atomic():
        draft = Draft.objects.create(call_id=call_id, **fields)
        draft_tally(call_id=call_id, before=None, after=draft_step(draft))
    return draft


def draft_save(*, draft: Draft) -> None:
    """Write ``draft``'s state (data, file bytes) and move its count to its new step when the step changed.

    The stored step is read under the row's lock, so two tabs writing the same draft move its count
    exactly as its row moves; a draft submitted meanwhile is not counted again.
    """
    with transaction.atomic():
        stored = Draft.objects.select_for_update().filter(pk=draft.pk).values_list("application_id", "data__step")
        row = stored.first()
        draft.save(update_fields=["data", "file_bytes", "updated_at"])
        if row is not None and row[0] is None:
            draft_tally(call_id=draft.call_id, before=_step_name(row[1]), after=draft_step(draft))


def manage_link_token(application: Application) -> str:
    """A signed token for the manage link of ``application``, for its owner's address only.

    The confirmation email's token is stored only as a hash and cannot be sent again;
    this one is checked by :func:`applications.intake.selectors.application_by_manage_token`.
    """
    return signing.dumps(application.pk, salt=MANAGE_LINK_SALT)


def draft_send_link(*, draft: Draft, email: str, language: str) -> None:
    """Give the draft a new secret token and email the link that resumes it (earlier links stop working)."""
    token = new_token()
    with transaction.atomic():
        draft.token_hash = hash_token(token)
        draft.email = email
        draft.language = language
        draft.save(update_fields=["token_hash", "email", "language", "updated_at"])
        draft_link_send(draft=draft, token=token)


def draft_resume(*, draft: Draft, session_key: str) -> None:
    """Continue a draft from its emailed link in the browser of ``session_key``, and in no other.

    The link's token is replaced by one nobody knows (the link stops working; a new one can be
    emailed from the form) and the draft is bound to this browser's session, so a browser that
    had it open before (whoever sent the link) no longer reads it.
    """
    Draft.objects.filter(pk=draft.pk).update(
        token_hash=hash_token(new_token()), session_hash=hash_token(session_key), updated_at=timezone.now()
    )


def manage_links_resend(*, email: str, now: datetime | None = None) -> int:
    """Email a new manage link, valid ``MANAGE_LINK_MAX_AGE``, for every application made with ``email``.

    Only to the address the application was made (and proven) with; the caller answers the same
    whether or not there was any. Returns how many were sent.
    """
    now = now or timezone.now()
    days = MANAGE_LINK_MAX_AGE.days
    applications = Application.objects.filter(
        applicant__email_key=email_key(email), anonymised_at__isnull=True
    ).select_related("applicant", "call")
    sent = 0
    with transaction.atomic():
        for application in applications.order_by("pk"):
            sent += manage_link_send(
                application=application, manage_token=manage_link_token(application), days=days, now=now
            )
    return sent


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
            # A booked interview's seat goes back (applications.interviews imports intake: imported here).
            from applications.interviews.services import interview_seats_release

            interview_seats_release(candidacies=candidacies, now=now)
            withdrawal_send(application=application, roles=[c.role for c in candidacies])
    return len(candidacies)
