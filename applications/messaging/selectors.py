"""Reads of a candidacy's messages: who may write, the thread as each side sees it, who hears of an answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from applications.messaging.models import CandidacyMessage
from applications.models import Application, Candidacy
from applications.screening import visibility
from applications.teams.authority import Decision, Power, decide, holders

S = Candidacy.Status
STAFF = CandidacyMessage.Sender.STAFF
APPLICANT = CandidacyMessage.Sender.APPLICANT


def _closed(candidacy: Candidacy) -> str:
    """Why nobody writes in this thread any more ("" while it is open): withdrawn or erased."""
    if candidacy.application.anonymised_at is not None:
        return _("This application was erased.")
    if candidacy.status == S.WITHDRAWN:
        return _("This application was withdrawn for this role.")
    return ""


def may_send(user: Any, candidacy: Candidacy) -> Decision:
    """May ``user`` write to the applicant of ``candidacy``? ``Power.MESSAGE`` on its call, and no declared conflict."""
    decision = decide(user, candidacy.application.call, Power.MESSAGE)
    if not decision:
        return decision
    if visibility.has_conflict(user, candidacy):
        return Decision(False, _("You declared that you know this person."))
    if reason := _closed(candidacy):
        return Decision(False, reason)
    return decision


def may_answer(candidacy: Candidacy) -> Decision:
    """May the applicant (holding the manage link) answer in this thread? Only once the city wrote, while it is open."""
    if reason := _closed(candidacy):
        return Decision(False, reason)
    if not CandidacyMessage.objects.filter(candidacy=candidacy, sender=STAFF).exists():
        return Decision(False, _("There is no message to answer."))
    return Decision(True, "applicant")


def answer_recipients(candidacy: Candidacy) -> list[Any]:
    """The staff told of an answer: those who wrote in the thread and may still write to this person.

    When none of them may any more (an assignment ended, a member left), everyone who may write
    to this person is told instead, so an answer is never left unheard.
    """
    authors = {
        m.author_id: m.author
        for m in CandidacyMessage.objects.filter(candidacy=candidacy, sender=STAFF).select_related("author")
        if m.author is not None
    }
    told = [user for user in authors.values() if may_send(user, candidacy)]
    if told:
        return told
    return [user for user in holders(candidacy.application.call, Power.MESSAGE) if may_send(user, candidacy)]


@dataclass(frozen=True)
class ThreadItem:
    """One message as the reader may see it: who wrote it (as shown to them), when, what, and its file."""

    pk: int
    mine: bool
    sender: str
    author: str
    body: str
    created_at: datetime
    unread: bool
    file_name: str = ""
    file_size: int = 0
    file_url: str = ""


def staff_thread(user: Any, candidacy: Candidacy, *, file_url: Any = None) -> list[ThreadItem]:
    """The thread as ``user`` (staff, already allowed to see ``candidacy``) reads it.

    The applicant is 「応募者 Applicant」 and their text hides addresses and phone numbers while the
    candidacy is blind to ``user`` (``visibility``); their file keeps a neutral name until then.
    ``file_url`` makes the download address of a message's file.
    """
    call = candidacy.application.call
    visible = visibility.identity_visible(user, call, candidacy)
    name = visibility.applicant_name(user, call, candidacy)
    items = []
    for message in CandidacyMessage.objects.filter(candidacy=candidacy).select_related("author"):
        if message.sender == STAFF:
            author = message.author.get_full_name() or message.author.get_username() if message.author else ""
            body = message.body
        else:
            author = name
            body = visibility.applicant_text(user, call, candidacy, message.body)
        file_name = ""
        if message.file:
            file_name = message.file_name if visible else f"{candidacy.applicant_code}-{message.pk}"
        items.append(
            ThreadItem(
                pk=message.pk,
                mine=message.author_id == getattr(user, "pk", None),
                sender=message.sender,
                author=author,
                body=body,
                created_at=message.created_at,
                unread=message.sender == APPLICANT and message.read_at is None,
                file_name=file_name,
                file_size=message.file_size,
                file_url=file_url(message) if message.file and file_url else "",
            )
        )
    return items


def applicant_thread(candidacy: Candidacy) -> list[ThreadItem]:
    """The thread as the applicant reads it: the city's side is "the selection team", never a staff name."""
    team = pgettext("messages", "The selection team")
    return [
        ThreadItem(
            pk=message.pk,
            mine=message.sender == APPLICANT,
            sender=message.sender,
            author=team if message.sender == STAFF else pgettext("messages", "You"),
            body=message.body,
            created_at=message.created_at,
            unread=message.sender == STAFF and message.read_at is None,
            file_name=message.file_name,
            file_size=message.file_size,
        )
        for message in CandidacyMessage.objects.filter(candidacy=candidacy)
    ]


def unread_counts(application: Application) -> dict[int, int]:
    """Per candidacy of ``application``, how many of the city's messages the applicant has not opened yet."""
    counts: dict[int, int] = {}
    for candidacy_id in CandidacyMessage.objects.filter(
        candidacy__application=application, sender=STAFF, read_at__isnull=True
    ).values_list("candidacy_id", flat=True):
        counts[candidacy_id] = counts.get(candidacy_id, 0) + 1
    return counts


def thread_counts(application: Application) -> dict[int, int]:
    """Per candidacy of ``application``, how many messages its thread holds."""
    counts: dict[int, int] = {}
    for candidacy_id in CandidacyMessage.objects.filter(candidacy__application=application).values_list(
        "candidacy_id", flat=True
    ):
        counts[candidacy_id] = counts.get(candidacy_id, 0) + 1
    return counts


def answer_file_or_404(user: Any, message_id: int) -> tuple[CandidacyMessage, Candidacy]:
    """An answer's file for a user who may see its candidacy (``visibility.candidacy_or_404``); else 404."""
    message = CandidacyMessage.objects.filter(pk=message_id, sender=APPLICANT).exclude(file="").first()
    if message is None:
        raise Http404
    return message, visibility.candidacy_or_404(user, message.candidacy_id)
