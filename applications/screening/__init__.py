"""Screening: contractors review and shortlist each role's candidacies, the city approves.

``rules`` (the candidacy status table, the role's selection lifecycle table and the named sets of
statuses), ``visibility`` (who sees whom), ``rubric`` (a criterion and its one parser),
``scoring``, ``audit`` (the audit log's writer), ``services`` (status moves, shortlists and the
lifecycle), ``reviewing`` (reviews, conflicts, notes, assignment), ``selectors`` (reads),
``forms``, ``views/`` (one module per page, registered in ``applications.wagtail_hooks``), ``models``.
"""
