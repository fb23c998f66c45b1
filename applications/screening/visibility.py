"""Who sees what of a person in screening: a name or contact, a file, a score, another reviewer's work.

The one place these answers are decided; the list, the detail page, search, the CSV, both PDFs,
attachment downloads, the audit view and the erasure page all ask here. What a user may *do*
on a call (and so which calls they open at all) is ``applications.teams.access``'s question.

* **Blind per person and per role.** Names, contacts, original file names and the application's
  reference show for a candidacy only once *that* candidacy is shortlisted (or decided). The
  reference is the application's, shared by all its roles, so it travels with the name: a person
  shortlisted for role A is a code in role B, and nothing on B's row (reference, "other choices",
  a search) links the code to A's named row.
* **Conflicts per person.** A user who declared "I know this person" on one candidacy no longer
  sees any candidacy of that person (every role of the application, and any other application
  from the same address), nor their files or dossier pages, and their reviews of that person are
  void: kept for the audit log, left out of score, disagreement, sort and the decision pack.
* **Independent review.** A reviewer sees colleagues' scores only once their own review is in.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from applications.intake.text import furigana, name_key
from applications.models import Attachment, Candidacy, ConflictOfInterest, Review
from applications.screening.rules import PASSED
from applications.teams import access, authority
from applications.teams.authority import Power
from recruitment.models import CallPage

S = Candidacy.Status


# --- names, contacts and the reference -----------------------------------------------------------


def identity_visible_statuses(user: Any, call: CallPage) -> frozenset[str]:
    """The candidacy statuses in which ``user`` sees names and contacts in ``call`` (for queries too).

    Need-to-know: everyone (approvers, officials, superusers too) sees a person only once
    they are shortlisted; before that, a code. Only when the call turns blind review off do
    its screeners (contractors, superusers) see every applicant's name.
    """
    if not call.blind_review and access.can_review(user, call):
        return frozenset(S.values)
    return PASSED  # blind review lifts once a candidate reached the shortlist: a person the city will meet


def identity_visible(user: Any, call: CallPage, candidacy: Candidacy) -> bool:
    """Name, contacts, file names and reference of this candidacy, for this role only (its own status)."""
    return candidacy.status in identity_visible_statuses(user, call)


def candidacy_label(user: Any, call: CallPage, candidacy: Candidacy) -> str:
    """How a candidacy is named to ``user``: ``reference #rank`` where the reference may show, else its code."""
    if identity_visible(user, call, candidacy):
        return f"{candidacy.reference} #{candidacy.rank}"
    return candidacy.applicant_code


#: What an applicant may type that reaches them outside the platform: an email address, a phone number.
_CONTACTS = re.compile(
    r"[\w.+-]+\s*[@＠]\s*[\w-]+(?:\s*[.．]\s*[\w-]+)+"  # an address, also written with full-width @ and dots
    r"|[+＋]?[0-9０-９](?:[\s\-‐－ー()（）]*[0-9０-９]){8,}"  # nine digits or more, however spaced
)


def applicant_text(user: Any, call: CallPage, candidacy: Candidacy, text: str) -> str:
    """What ``user`` reads of something the applicant wrote (a message's answer).

    While the candidacy is blind to ``user``, email addresses and phone numbers in it are hidden:
    the messages never carry the applicant's contact details to staff before shortlisting, even
    those the applicant typed in. Once the name may show, the text shows as written.
    """
    if identity_visible(user, call, candidacy):
        return text
    return _CONTACTS.sub("［連絡先は非表示 contact hidden］", text)


def applicant_name(user: Any, call: CallPage, candidacy: Candidacy) -> str:
    """How a message thread names the applicant to ``user``: their name once visible, else 応募者 Applicant."""
    if identity_visible(user, call, candidacy):
        applicant = candidacy.application.applicant
        return f"{applicant.family_name} {applicant.given_name}"
    return "応募者 Applicant"


def audit_label(candidacy: Candidacy) -> str:
    """How the audit log names a candidacy: reference, rank and code together.

    Its readers are the city's approvers (``access.can_read_audit``), who must be able to follow
    one person through the log and answer the applicant, who knows only their reference.
    """
    return f"{candidacy.reference} #{candidacy.rank} ({candidacy.applicant_code})"


def search(user: Any, call: CallPage, q: str) -> Q:
    """The list's search: the candidate code always; the reference and names only where they may show.

    A reference is shared by every role of an application, so matching it on a blind row would
    set that row beside the person's named one: a search never reveals what the row does not.
    """
    match = Q(pk__in=[])
    code = re.fullmatch(r"[Cc]-?0*(\d{1,9})", q)
    if code:
        match |= Q(pk=int(code.group(1)))
    kana = furigana(q)
    named = (
        Q(reference__icontains=q)
        | Q(applicant__name_key__contains=name_key(q))
        | Q(applicant__family_name__icontains=q)
        | Q(applicant__given_name__icontains=q)
        | Q(applicant__family_name_kana__icontains=kana)
        | Q(applicant__given_name_kana__icontains=kana)
    )
    return match | (named & Q(status__in=identity_visible_statuses(user, call)))


def attachment_filename(
    user: Any, call: CallPage, attachment: Attachment, candidacy: Candidacy | None, extension: str
) -> str:
    """The name a download gets: the original one where the candidacy it was opened from is named.

    Opened from a blind candidacy (or from nowhere in particular), a neutral name that carries
    the candidate code, never the application's reference nor the original file name.
    """
    if candidacy is not None and identity_visible(user, call, candidacy):
        return attachment.original_name
    stem = candidacy.applicant_code if candidacy is not None else "attachment"
    return f"{stem}-{attachment.pk}{extension}"


# --- conflicts of interest, per person ----------------------------------------------------------


def person_q(people: list[tuple[int, str | None]]) -> Q:
    """Every candidacy of the given people, each an (application id, email key): that application's
    candidacies (all its roles) and those of any other application from the same address."""
    applications = {application for application, _key in people}
    keys = {key for _application, key in people if key}
    return Q(application_id__in=applications) | Q(email_key__in=keys)


def conflicted_ids(user: Any) -> list[int]:
    """The candidacies of every person ``user`` declared they know (cached on the user for the request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_kobo_conflicts", None)
    if cached is None:
        people = list(Candidacy.objects.filter(conflicts__user=user).values_list("application_id", "email_key"))
        cached = list(Candidacy.objects.filter(person_q(people)).values_list("pk", flat=True)) if people else []
        user._kobo_conflicts = cached
    return cached


def forget_conflicts(user: Any) -> None:
    """Drop the cached :func:`conflicted_ids` (after a declaration in the same request)."""
    if hasattr(user, "_kobo_conflicts"):
        del user._kobo_conflicts


def has_conflict(user: Any, candidacy: Candidacy) -> bool:
    """Did ``user`` declare they know the person of this candidacy (on any of their candidacies)?"""
    return candidacy.pk in conflicted_ids(user)


def has_conflicts_in(user: Any, call: CallPage) -> bool:
    """Is any person of ``call`` hidden from ``user`` by their own declaration?"""
    ids = conflicted_ids(user)
    return bool(ids) and Candidacy.objects.filter(call=call, pk__in=ids).exists()


def without_conflicts(qs: QuerySet[Candidacy], user: Any) -> QuerySet[Candidacy]:
    """``qs`` less every candidacy of a person ``user`` declared they know."""
    ids = conflicted_ids(user)
    return qs.exclude(pk__in=ids) if ids else qs


def candidacies_for(user: Any, call: CallPage) -> QuerySet[Candidacy]:
    """Candidacies of ``call`` (already checked with ``access.call_or_404``) that ``user`` may see."""
    return without_conflicts(Candidacy.objects.filter(call=call), user)  # ``call``: the application's, copied


def candidacy_or_404(user: Any, candidacy_id: int) -> Candidacy:
    """A candidacy of a call ``user`` may screen and of a person they did not declare they know; else 404."""
    candidacy = (
        without_conflicts(
            Candidacy.objects.filter(pk=candidacy_id, application__call__in=access.screenable_calls(user)), user
        )
        .select_related("application__applicant", "application__call", "role__category")
        .first()
    )
    if candidacy is None:
        raise Http404
    return candidacy


def counted_reviews(qs: QuerySet[Review] | None = None) -> QuerySet[Review]:
    """Reviews that count (score, disagreement, sort, decision pack): not voided by a conflict declaration."""
    return (qs if qs is not None else Review.objects.all()).filter(voided_at__isnull=True)


def declared_conflicts(candidacy: Candidacy) -> QuerySet[ConflictOfInterest]:
    """The declarations that cover this candidacy's person (made on any of their candidacies)."""
    person = Candidacy.objects.filter(person_q([(candidacy.application_id, candidacy.email_key)]))
    return ConflictOfInterest.objects.filter(candidacy__in=person)


# --- others' work ---------------------------------------------------------------------------------


def others_reviews_visible(user: Any, call: CallPage, *, reviewed_by_me: bool) -> bool:
    """Independent review: a reviewer of ``call`` sees others' scores only once their own review is in."""
    return reviewed_by_me or not access.can_review(user, call)


# --- the interview stage (applications.interviews) -------------------------------------------------


def interview_visible(user: Any, call: CallPage, interview_round: Any) -> bool:
    """The interview stage of a round (names, bookings, accommodation, scorecards, consensus): its panel and the city.

    Names show there: everyone invited is shortlisted (:data:`PASSED`). A contractor of the call who
    does not sit on the panel sees none of it.
    """
    return bool(authority.decide(user, call, Power.READ_INTERVIEWS)) or bool(
        authority.panel_member(user, interview_round)
    )


def others_scorecards_visible(user: Any, interview_round: Any, *, scored_by_me: bool) -> bool:
    """Independent scoring: a panel member sees colleagues' scorecards only once their own is in.

    The city's readers who do not sit on the panel (they do not score) see them all.
    """
    return scored_by_me or not authority.panel_member(user, interview_round)
