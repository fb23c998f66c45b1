"""The app's models, re-exported from the feature packages that own them (the app label and migrations stay
``applications``): intake (applicants, applications, candidacies, files, drafts), screening (reviews, notes,
shortlists, outcomes, audit, conflicts), interviews (rounds, slots, invitations, bookings; scorecards,
consensus, final decisions), teams (members, assignments), mail (outbox, message wording), messaging (a
candidacy's messages), statistics (tallies, submission contexts, the optional survey).
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
from applications.interviews.models import (
    InterviewBooking,
    InterviewInvitation,
    InterviewRound,
    InterviewSlot,
)
from applications.interviews.models_panel import Consensus, FinalDecision, Scorecard
from applications.mail.models import MessageTemplate, OutboxEmail
from applications.messaging.models import CandidacyMessage
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
    "CandidacyMessage",
    "CandidacyQuerySet",
    "ConflictOfInterest",
    "Consensus",
    "Draft",
    "FinalDecision",
    "InterviewBooking",
    "InterviewInvitation",
    "InterviewRound",
    "InterviewSlot",
    "MessageTemplate",
    "Note",
    "OrganisationMember",
    "OutboxEmail",
    "Review",
    "Scorecard",
    "ScreeningOutcome",
    "Shortlist",
    "SubmissionContext",
    "SurveyAnswer",
    "private_storage",
]
