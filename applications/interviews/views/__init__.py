"""Pages of the interview stage. The applicant's, under their manage link: booking (``booking``) and declining
an offer (``decline``). The staff's, in the Wagtail admin: a role's round and its slots (``rounds``), the
panel's candidates, scorecards and consensus (``panel``), the approver's final decisions (``decisions``).
Thin: they read through ``selectors`` and write through ``services``, ``scorecards`` and ``decisions``.
"""
