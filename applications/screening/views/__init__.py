"""The screening workspace in the Wagtail admin, for contractors and city approvers, one module per page.

``dashboard`` (the calls, one call's dashboard and its shortlist posts), ``candidacies`` (the list
and its bulk actions), ``candidacy`` (one candidacy and its review, status, conflict and note
posts), ``attachments`` (downloads), ``audit_log``; ``base`` holds what they share. Thin views:
every one starts from ``access.call_or_404`` or ``visibility.candidacy_or_404`` (so a contractor
gets 404 for anything of a call not assigned to them, and a screener for a person they declared
they know), asks ``visibility`` what the user may see and calls the services of ``screening``
for every change. Registered under /admin/screening/ in ``applications.wagtail_hooks``.
"""
