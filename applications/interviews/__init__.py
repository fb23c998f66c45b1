"""The second half of a role's selection: interview rounds the applicant books, panel scorecards, the final decision.

A round belongs to one role and opens after its shortlist is approved; only its shortlisted candidacies are
invited (one :class:`~applications.interviews.models.InterviewInvitation` each) and book a seat in one of its
slots from their manage link. Services: ``services.py``; reads: ``selectors.py``.
"""
