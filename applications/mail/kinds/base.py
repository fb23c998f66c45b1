"""What every kind of email declares (:class:`Kind`) and who may receive one."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

#: Recipients: the applicant (at the address they applied with), and staff of the call's city.
APPLICANT = "applicant"
CONTRACTORS = "contractors"  # the call's active screening contractors (they submit its shortlists)
APPROVERS = "approvers"  # the active approvers of the call's city (they approve and decide)
STAFF = (CONTRACTORS, APPROVERS)


@dataclass(frozen=True)
class Kind:
    """One kind of email: who receives it, what writes it and when, its default wording and placeholders.

    ``trigger`` names a function of :mod:`applications.mail.triggers` relative to that package; ``subject``
    and ``body`` are translated (``gettext_lazy``); ``to`` is the applicant unless a staff kind says otherwise.
    """

    label: str
    trigger: str
    when: str
    subject: str | Promise
    body: str | Promise
    placeholders: tuple[str, ...]
    to: tuple[str, ...] = (APPLICANT,)
    #: The ``CELERY_BEAT_SCHEDULE`` entry that runs the trigger; empty when a change causes it.
    beat: str = ""

    @property
    def to_applicant(self) -> bool:
        """Sent to the applicant (its wording is editable in the admin)."""
        return APPLICANT in self.to
