"""Pages of the interview stage: the applicant's booking page under their manage link (``booking``) and the
staff's round page in the Wagtail admin (``rounds``). Thin: they read through ``selectors`` and write
through ``services``; URLs in ``applications.interviews.urls`` and ``applications.interviews.hooks``.
"""
