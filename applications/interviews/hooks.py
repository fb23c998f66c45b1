"""The interview page's admin address and its link on each role of the screening dashboard.

Imported from ``applications/wagtail_hooks.py``.
"""

from django.urls import path
from wagtail import hooks

from applications.hooks import SCREENING_ACTIONS, ScreeningAction


@hooks.register("register_admin_urls")
def register_interview_urls():
    from applications.interviews.views import rounds

    return [path("screening/role/<id:role_id>/interviews/", rounds.round_page, name="interview_round")]


@hooks.register(SCREENING_ACTIONS)
def interview_actions():
    return [ScreeningAction("dashboard_role", "applications/interviews/_dashboard_role_action.html", order=50)]
