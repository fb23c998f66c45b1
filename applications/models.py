"""The app's models, re-exported from the feature packages that own them (the app label and migrations stay
``applications``): intake (applicants, applications, candidacies, files, drafts), screening (reviews, notes,
shortlists, outcomes, audit, conflicts), teams (members, assignments), mail (outbox, message wording),
statistics (tallies, submission contexts, the optional survey).
"""

from applications.intake.models import (
    Applicant,
    Application,
    Attachment,
    Candidacy,
    CandidacyQuerySet,
    Draft,
    private_storage,
)
from applications.mail.models import MessageTemplate, OutboxEmail
from applications.screening.models import (
    AuditEntry,
    ConflictOfInterest,
    Note,
    Review,
    ScreeningOutcome,
    Shortlist,
)
from applications.statistics.models import CallTally, SubmissionContext, SurveyAnswer
from applications.teams.models import Assignment, OrganisationMember

__all__ = [
    "Applicant",
    "Application",
    "Assignment",
    "Attachment",
    "AuditEntry",
    "CallTally",
    "Candidacy",
    "CandidacyQuerySet",
    "ConflictOfInterest",
    "Draft",
    "MessageTemplate",
    "Note",
    "OrganisationMember",
    "OutboxEmail",
    "Review",
    "ScreeningOutcome",
    "Shortlist",
    "SubmissionContext",
    "SurveyAnswer",
    "private_storage",
]
