"""Personal data does not outlive its purpose: expired drafts, finished calls, erasure on request.

What goes and when (the privacy page states the same; ``python manage.py purge_expired``
runs it daily from beat, ``--dry-run`` lists without changing anything):

- a draft past its expiry (its last chosen role closed, or 30 days) and its files;
- the files of a draft nobody has touched for a day (``draft_files_expire``, hourly from beat): the
  answers stay until the draft expires, the files are uploaded again;
- for a call whose last role was decided more than the call's ``retention_days`` ago
  (365 by default): applicants' names, contacts, addresses (the prefecture is kept for
  statistics) and free text are anonymised and attachments deleted from storage;
  candidacies, statuses and scores stay, as anonymous counts;
- an applicant may erase their own application through the manage link before any
  decision; after one, the request goes to the city's approvers, who carry it out in the
  admin (``application_erase_after_decision``, the screening area's erasure page).

Everything is read through ``Application`` and ``Candidacy`` relations, and every text
column of the applicant and the application is anonymised by introspection, so a field
added later is covered without a change here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.intake.services import candidacy_withdraw
from applications.mail.catalogue import APPLICANT_KINDS
from applications.mail.triggers.applicant import erasure_done_send
from applications.mail.triggers.results import role_has_result
from applications.mail.triggers.staff import erasure_request_send
from applications.models import (
    Applicant,
    Application,
    Attachment,
    AuditEntry,
    Candidacy,
    CandidacyMessage,
    Draft,
    Note,
    OutboxEmail,
    Review,
    Shortlist,
    private_storage,
)
from applications.screening.audit import audit
from applications.screening.rules import DECISIONS
from applications.screening.services import ScreeningError
from applications.teams import authority
from applications.teams.authority import Power
from cms.web.jobs import each_row_alone
from recruitment.models import CallPage, RolePage

logger = logging.getLogger(__name__)

S = Candidacy.Status
ERASED = "(削除済み)"
#: Text columns kept when anonymising: not personal (prefecture kept for statistics, as the privacy page says).
KEEP = {
    Applicant: {"prefecture", "language"},
    Application: {"reference", "manage_token_hash", "language"},
}
#: Free-text keys of the audit log's data that may quote a person.
LOG_TEXT_KEYS = ("reason", "comment")
#: A draft file not referenced by any draft and older than this is an orphan (an abandoned upload).
ORPHAN_AGE = timedelta(days=1)
#: The files of a draft untouched for this long are removed (an abandoned draft keeps no files for long).
ABANDONED_FILES_AGE = timedelta(hours=24)


@dataclass
class PurgeReport:
    """What a purge removed (or, in a dry run, would remove)."""

    drafts: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    applications: int = 0

    def lines(self) -> list[str]:
        return [
            *(f"draft {d}" for d in self.drafts),
            *(f"call {c}" for c in self.calls),
            *(f"file {f}" for f in self.files),
        ]


# --- drafts ----------------------------------------------------------------------------------------


def _draft_files(draft: Draft) -> list[str]:
    """The stored names of a draft's files; a malformed entry is left out, never an error."""
    files = draft.data.get("step_files") if isinstance(draft.data, dict) else None
    steps = files.values() if isinstance(files, dict) else []
    entries = [entry for step in steps if isinstance(step, dict) for entry in step.values()]
    return [e["tmp_name"] for e in entries if isinstance(e, dict) and isinstance(e.get("tmp_name"), str)]


def _delete_files(names: list[str], report: PurgeReport, dry_run: bool) -> None:
    storage = private_storage()
    for name in names:
        if storage.exists(name):
            report.files.append(name)
            if not dry_run:
                storage.delete(name)


def drafts_purge(*, now: datetime, dry_run: bool = False, report: PurgeReport | None = None) -> PurgeReport:
    """Delete drafts past their expiry, their files, and draft files no draft refers to any more."""
    report = report or PurgeReport()
    expired = Draft.objects.filter(expires_at__lte=now).order_by("pk")
    for draft in expired:
        with each_row_alone("drafts_purge", draft):
            report.drafts.append(f"{draft.pk} (call {draft.call_id}, expired {draft.expires_at:%Y-%m-%d %H:%M})")
            _delete_files(_draft_files(draft), report, dry_run)
    if not dry_run:
        expired.delete()
    referenced = {name for d in Draft.objects.exclude(data={}) for name in _draft_files(d)}
    storage = private_storage()
    try:
        _dirs, names = storage.listdir("drafts")
    except FileNotFoundError:
        names = []
    orphans = [
        f"drafts/{n}"
        for n in names
        if f"drafts/{n}" not in referenced and storage.get_modified_time(f"drafts/{n}") <= now - ORPHAN_AGE
    ]
    _delete_files(orphans, report, dry_run)
    return report


def draft_files_expire(*, now: datetime, dry_run: bool = False, report: PurgeReport | None = None) -> PurgeReport:
    """Remove the files of drafts nobody has touched for ``ABANDONED_FILES_AGE``; the drafts' answers stay.

    The draft forgets its files first (only if it was not touched meanwhile), then they are deleted;
    whoever comes back to it finds the portfolio step without them and uploads again.
    """
    report = report or PurgeReport()
    stale = (
        Draft.objects.filter(application__isnull=True, updated_at__lte=now - ABANDONED_FILES_AGE)
        .filter(data__step_files__portfolio__isnull=False)
        .only("pk", "data", "updated_at")
        .order_by("pk")
    )
    for draft in stale:
        with each_row_alone("draft_files_expire", draft):
            names = _draft_files(draft)
            if not names:
                continue
            if not dry_run:
                data = {**draft.data, "step_files": {}}
                # ``update`` leaves ``updated_at`` alone; a draft touched since keeps its files.
                if not Draft.objects.filter(pk=draft.pk, updated_at=draft.updated_at).update(data=data, file_bytes=0):
                    continue
            _delete_files(names, report, dry_run)
    return report


# --- finished calls --------------------------------------------------------------------------------


def role_decided_at(role: RolePage) -> datetime | None:
    """When ``role`` was finally decided, or None while it is not.

    Decided: closed with nobody who applied (at its deadline), or its shortlist approved
    and no candidate still waiting for the final decision (at the last decision).
    """
    live = Candidacy.objects.filter(role=role).exclude(status=S.WITHDRAWN)
    if not live.exists():
        return role.closes_at if role.closes_at <= timezone.now() else None
    if not role_has_result(role) or live.filter(status=S.SHORTLISTED).exists():
        return None
    last = live.aggregate(last=Max("decided_at"))["last"]
    shortlist_at = Shortlist.objects.filter(role=role).aggregate(at=Max("decided_at"))["at"]
    moments = [m for m in (last, shortlist_at) if m is not None]
    return max(moments) if moments else role.closes_at


def calls_due(*, now: datetime) -> list[CallPage]:
    """Calls whose every role was decided more than the call's retention period ago, with data left to purge."""
    due = []
    calls = CallPage.objects.filter(applications__anonymised_at__isnull=True).distinct().order_by("pk")
    for call in calls:
        roles = list(RolePage.objects.child_of(call))
        decided = [role_decided_at(r) for r in roles]
        if not roles or any(d is None for d in decided):
            continue
        if max(d for d in decided if d is not None) + timedelta(days=call.retention_days) <= now:
            due.append(call)
    return due


def _anonymise_columns(obj: models.Model, keep: set[str]) -> list[str]:
    """Blank every text column of ``obj`` except ``keep``; unique ones get a unique placeholder."""
    changed = []
    for f in obj._meta.concrete_fields:
        if not isinstance(f, models.CharField | models.TextField) or f.name in keep or f.choices:
            continue
        if isinstance(f, models.EmailField) or f.name.endswith("email") or f.name == "email_key":
            value = f"erased-{obj._meta.model_name}-{obj.pk}@invalid.example"
        elif f.unique:
            value = f"erased-{obj._meta.model_name}-{obj.pk}"
        elif f.blank:
            value = ""
        else:
            value = ERASED
        setattr(obj, f.name, value[: f.max_length] if f.max_length else value)
        changed.append(f.name)
    return changed


def _scrub_log_entries(queryset: Any) -> None:
    for entry in queryset.only("pk", "data"):
        data = entry.data or {}
        if any(data.get(k) for k in LOG_TEXT_KEYS):
            entry.data = {**data, **{k: ERASED for k in LOG_TEXT_KEYS if data.get(k)}}
            type(entry).objects.filter(pk=entry.pk).update(data=entry.data)


def application_anonymise(*, application: Application, now: datetime) -> None:
    """Anonymise one application: the person's columns, answers, mail, notes, messages, review comments, files.

    The applicant row is anonymised when none of their applications still needs it.
    """
    applicant = application.applicant
    candidacy_ids = list(application.candidacies.values_list("pk", flat=True))
    OutboxEmail.objects.filter(to=applicant.email, kind__in=APPLICANT_KINDS).update(
        to=f"erased-application-{application.pk}@invalid.example", subject=ERASED, body=ERASED, html_body=""
    )
    storage = private_storage()
    for attachment in Attachment.objects.filter(application=application):
        if attachment.file:
            attachment.file.delete(save=False)
        attachment.delete()
    for draft in Draft.objects.filter(application=application):
        for name in _draft_files(draft):
            storage.delete(name)
        draft.delete()
    Review.objects.filter(candidacy_id__in=candidacy_ids).exclude(comment="").update(comment="")
    Note.objects.filter(candidacy_id__in=candidacy_ids).update(text=ERASED)
    # The candidacies' messages (either side may have written about the person) and the answers' files.
    messages = CandidacyMessage.objects.filter(candidacy_id__in=candidacy_ids)
    for message in messages.exclude(file=""):
        message.file.delete(save=False)
    messages.update(body=ERASED, file="", file_name="", file_sha256="")
    # The candidacies' copy of the normalised address (the one-live-candidacy rule) goes too.
    Candidacy.objects.filter(pk__in=candidacy_ids).update(email_key=None)
    _scrub_log_entries(AuditEntry.objects.filter(candidacy_id__in=candidacy_ids))

    _anonymise_columns(application, KEEP[Application])
    application.answers = {"roles": (application.answers or {}).get("roles", []), "anonymised": True}
    application.anonymised_at = now
    application.save()
    others = Application.objects.filter(applicant=applicant, anonymised_at__isnull=True).exclude(pk=application.pk)
    if not others.exists():
        _anonymise_columns(applicant, KEEP[Applicant])
        applicant.save()


def call_anonymise(*, call: CallPage, now: datetime) -> int:
    """Anonymise every application of ``call`` and the city's free text about them; returns how many."""
    applications = list(
        Application.objects.filter(call=call, anonymised_at__isnull=True).select_related("applicant").order_by("pk")
    )
    with transaction.atomic():
        for application in applications:
            application_anonymise(application=application, now=now)
        shortlists = Shortlist.objects.filter(role__in=RolePage.objects.child_of(call))
        for shortlist in shortlists:
            # Staff notices quote the city's comment, which may name a candidate.
            OutboxEmail.objects.filter(key__contains=f":shortlist:{shortlist.pk}@").update(body=ERASED, html_body="")
        shortlists.exclude(comment="").update(comment="")
        _scrub_log_entries(AuditEntry.objects.filter(call=call))
        for draft in Draft.objects.filter(call=call):
            for name in _draft_files(draft):
                private_storage().delete(name)
            draft.delete()
    return len(applications)


def purge_expired(*, now: datetime | None = None, dry_run: bool = False) -> PurgeReport:
    """Drafts past expiry and the personal data of calls past their retention period (see the module)."""
    now = now or timezone.now()
    report = PurgeReport()
    with transaction.atomic():
        drafts_purge(now=now, dry_run=dry_run, report=report)
    draft_files_expire(now=now, dry_run=dry_run, report=report)
    for call in calls_due(now=now):
        names = [
            str(a.file.name) for a in Attachment.objects.filter(application__call=call, application__anonymised_at=None)
        ]
        report.calls.append(f"{call.pk} {call.title}")
        report.files.extend(names)
        if dry_run:
            report.applications += Application.objects.filter(call=call, anonymised_at__isnull=True).count()
        else:
            report.applications += call_anonymise(call=call, now=now)
    return report


# --- erasure on request ------------------------------------------------------------------------------


def application_has_decision(application: Application) -> bool:
    """Has any role of this application a result (shortlist approved) or a final decision?"""
    candidacies = application.candidacies.select_related("role")
    return any(c.status in DECISIONS or role_has_result(c.role) for c in candidacies)


def application_erase(*, application: Application, now: datetime | None = None) -> str:
    """The applicant's request to erase their data, from the manage link.

    Before any decision: every candidacy is withdrawn and the application anonymised at once
    ("erased"). After one: the city's approvers are asked to decide ("requested"); their mail
    links to the erasure page of the screening area, where one of them carries it out
    (:func:`application_erase_after_decision`).
    """
    now = now or timezone.now()
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("applicant", "call").get(pk=application.pk)
        if application.anonymised_at:
            return "erased"
        call = application.call.specific
        if application_has_decision(application):
            candidacy = application.candidacies.order_by("rank").first()
            erasure_request_send(application=application, call=call, staff=authority.mail_recipients)
            audit(user=None, action="kobo.erasure.request", call=call, candidacy=candidacy,
                  reference=application.reference)  # fmt: skip
            return "requested"
        _erase_now(application=application, call=call, now=now, by=None)
    return "erased"


def may_erase_after_decision(user: Any, application: Application) -> bool:
    """A city approver of the application's call (``teams.authority``: the power to decide on it)."""
    return bool(authority.decide(user, application.call, Power.DECIDE))


def application_erase_after_decision(*, application: Application, by: Any, now: datetime | None = None) -> None:
    """A city approver carries out an applicant's erasure request that came after a decision.

    The same erasure as the applicant's own before a decision: the undecided candidacies are
    withdrawn, the applicant is told (``erasure_done``) and the application is anonymised; the
    audit log records the approver (``kobo.erasure.approved``). Raises ``ScreeningError`` when
    ``by`` is not an approver of the call's city, or the application is already erased.
    """
    if not may_erase_after_decision(by, application):
        raise ScreeningError(_("Only a city approver of this call's city erases an application after a decision."))
    now = now or timezone.now()
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("applicant", "call").get(pk=application.pk)
        if application.anonymised_at:
            raise ScreeningError(_("This application has already been erased."))
        _erase_now(application=application, call=application.call.specific, now=now, by=by)


def _erase_now(*, application: Application, call: CallPage, now: datetime, by: Any) -> None:
    """Withdraw, tell the applicant, audit and anonymise (inside the caller's transaction).

    ``by``: None for the applicant through their manage link, else the approver who erased it.
    """
    candidacy_withdraw(
        application=application, candidacy_ids=list(application.candidacies.values_list("pk", flat=True)), now=now
    )
    erasure_done_send(application=application, call=call)
    if by is None:
        audit(user=None, action="kobo.erasure.done", call=call)
    else:
        first = application.candidacies.order_by("rank").first()
        audit(user=by, action="kobo.erasure.approved", call=call, candidacy=first, reference=application.reference)
    # The confirmations just written are the last mail to this address; they keep it until sent.
    pending = list(OutboxEmail.objects.filter(to=application.applicant.email, sent_at__isnull=True))
    application_anonymise(application=application, now=now)
    for row in pending:
        OutboxEmail.objects.filter(pk=row.pk).update(
            to=row.to, subject=row.subject, body=row.body, html_body=row.html_body
        )
