"""Admin wiring for exports (exports depends on applications, not back).

Their URLs under the screening area, and their buttons on the screening pages through the
hook applications offers (``applications.hooks.SCREENING_ACTIONS``): the screening
templates name no export URL.
"""

from django.urls import include, path
from wagtail import hooks

from applications.hooks import SCREENING_ACTIONS, ScreeningAction


@hooks.register("register_admin_urls")
def register_export_urls():
    from exports.views import urlpatterns_for_admin

    return [path("screening/exports/", include(urlpatterns_for_admin))]


@hooks.register(SCREENING_ACTIONS)
def register_export_actions() -> list[ScreeningAction]:
    """The decision pack, dossiers and CSV of a call or role, the checked candidacies as CSV, the press summary."""
    return [
        ScreeningAction(place="dashboard", template_name="exports/actions/dashboard.html"),
        ScreeningAction(place="dashboard_role", template_name="exports/actions/dashboard_role.html"),
        ScreeningAction(place="candidacy_list", template_name="exports/actions/candidacy_list.html"),
        ScreeningAction(place="statistics", template_name="exports/actions/statistics.html"),
    ]
