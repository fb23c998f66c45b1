"""What the triggers share: links, the staff's language, the applicant's values, writing to staff."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import translation

from applications.mail.catalogue import KINDS
from applications.mail.outbox import outbox_enqueue
from applications.mail.rendering import public_url
from applications.models import Application, Candidacy
from recruitment.models import CallPage

#: Who on the staff of a call holds a catalogue recipient role (``catalogue.CONTRACTORS``,
#: ``catalogue.APPROVERS``): given by the caller (``teams.authority.mail_recipients``).
StaffOf = Callable[[CallPage, str], Iterable[Any]]


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


def title_in(page: Any, language: str) -> str:
    """A call's or role's title in ``language``: the English title where the city wrote one, else the Japanese."""
    return (page.title_en or page.title) if language == "en" else page.title


def person_name(applicant: Any, language: str) -> str:
    """How a message names its applicant: 「神戸 花子」 (family name first); "John Smith" in English mail when
    the name is in Latin letters (given name first). The ``{name}`` of the catalogue's salutations."""
    family, given = applicant.family_name, applicant.given_name
    if language == "en" and _latin(family + given):
        return f"{given} {family}"
    return f"{family} {given}"


def _latin(text: str) -> bool:
    return all(char.isascii() or "LATIN" in unicodedata.name(char, "") for char in text)


def ts(moment: datetime) -> int:
    """A moment as whole seconds, for the window part of a key."""
    return int(moment.timestamp())


def staff_to(kind: str, call: CallPage, staff: StaffOf) -> list[Any]:
    """The users ``kind`` goes to on ``call``: each of its catalogue recipients, once."""
    users: dict[int, Any] = {}
    for who in KINDS[kind].to:
        for user in staff(call, who):
            users.setdefault(user.pk, user)
    return list(users.values())


def to_staff(
    users: Iterable[Any],
    *,
    kind: str,
    key: str,
    values: dict[str, Any],
    in_language: Callable[[str], dict[str, Any]] | None = None,
) -> int:
    """Write ``kind`` to each of ``users`` with an address, in their language; returns how many were new.

    ``in_language`` gives the values that depend on the reader's language (titles, dates), merged over ``values``.
    """
    sent = 0
    for user in users:
        if user.email:
            language = staff_language(user)
            filled = {**values, **in_language(language)} if in_language else values
            sent += outbox_enqueue(
                to=user.email, kind=kind, language=language, key=f"{key}:user:{user.pk}", values=filled
            )
    return sent


def to_applicant(
    application: Application,
    *,
    kind: str,
    key: str,
    values: dict[str, Any],
    roles: Iterable[Any] = (),
    calendar: str = "",
    call: CallPage | None = None,
) -> bool:
    """Write ``kind`` under ``key`` to the applicant of ``application``, in the language it applied in and in the
    name of its call's city (``call``, when the caller holds it apart); ``roles`` and ``calendar`` as
    :func:`~applications.mail.outbox.outbox_enqueue` takes them. True if it is new."""
    return outbox_enqueue(
        to=application.applicant.email,
        kind=kind,
        language=application.language,
        key=key,
        values=values,
        call=call or application.call,
        roles=roles,
        calendar=calendar,
    )


def applicant_values(candidacy: Candidacy) -> dict[str, Any]:
    """The placeholders every result message of a candidacy shares, in the language it applied in."""
    application = candidacy.application
    language = application.language
    return {
        "name": person_name(application.applicant, language),
        "reference": application.reference,
        "call": title_in(application.call, language),
        "role": title_in(candidacy.role, language),
    }


def with_people(queryset: Any) -> Any:
    """Candidacies with their application, applicant, call and role loaded."""
    return queryset.select_related("application__applicant", "application__call__organisation", "role")
