"""Pages of the interview stage. The applicant's, under their manage link: booking (``booking``) and declining
an offer (``decline``). The staff's, in the Wagtail admin: a role's round, one page with its times, bookings
and the panel's work (``rounds``), the rounds one reads and each interview's scorecards and consensus
(``panel``), the approver's final decisions (``decisions``).
Thin: they read through ``selectors`` and write through ``services``, ``scorecards`` and ``decisions``.
"""
