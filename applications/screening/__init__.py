"""Screening: contractors review and shortlist each role's candidacies, the city approves.

``rules`` (the candidacy status table and the role's selection lifecycle table),
``visibility`` (who sees whom), ``scoring``, ``services`` (writes, one per move), ``selectors``
(reads), ``forms``, ``views`` (registered in ``applications.wagtail_hooks``), ``models``.
"""
