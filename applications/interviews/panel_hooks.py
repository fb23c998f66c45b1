"""The admin addresses of the panel and decision pages, and the 面接 Interviews menu item (registered at start-up)."""

from __future__ import annotations

from typing import Any

from wagtail import hooks


@hooks.register("register_admin_urls")
def register_panel_urls() -> list[Any]:
    from django.urls import path

    from applications.interviews.views import decisions, panel

    return [
        path("interviews/", panel.rounds, name="interviews_rounds"),
        path("interviews/interview/<id:invitation_id>/", panel.scorecard, name="interviews_scorecard"),
        path("interviews/role/<id:role_id>/decisions/", decisions.decisions, name="interviews_decisions"),
    ]


@hooks.register("register_admin_menu_item")
def register_panel_menu_item() -> Any:
    """面接 Interviews, for those who sit on a panel or read their city's interviews (and superusers)."""
    from django.urls import reverse_lazy
    from wagtail.admin.menu import MenuItem

    from applications.models import InterviewRound
    from applications.teams import authority
    from applications.teams.authority import Power

    class InterviewsMenuItem(MenuItem):
        def is_shown(self, request: Any) -> bool:
            user = request.user
            return (
                user.is_superuser
                or InterviewRound.objects.filter(panel=user).exists()
                or authority.calls_with(user, Power.READ_INTERVIEWS).exists()
            )

    return InterviewsMenuItem(
        "面接 Interviews", reverse_lazy("interviews_rounds"), name="interviews", icon_name="group", order=255
    )
