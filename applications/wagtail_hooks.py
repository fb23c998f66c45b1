"""Admin for screening: the screening views under /admin/screening/ and the Screening menu."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from applications.interviews import hooks as _interviews_hooks  # noqa: F401  (the interview page and its link)
from applications.interviews import panel_hooks as _panel_hooks  # noqa: F401  (the panel and decision pages)
from applications.messaging import hooks as _messaging_hooks  # noqa: F401  (the thread on the candidacy page)
from applications.models import MessageTemplate
from applications.statistics import hooks as _statistics_hooks  # noqa: F401  (the statistics page's admin address)
from applications.teams import hooks as _teams_hooks  # noqa: F401  (policies first, then the Teams menu)

# --- The screening workspace (``screening.views``, one module per page) and erasure (``privacy.views``) ---


@hooks.register("register_admin_urls")
def register_screening_urls():
    from django.urls import path

    from applications.privacy.views import erasure
    from applications.screening.views import attachments, audit_log, candidacies, candidacy, dashboard

    return [
        path("screening/", dashboard.calls, name="screening_calls"),
        path("screening/call/<id:call_id>/", dashboard.dashboard, name="screening_dashboard"),
        path("screening/call/<id:call_id>/candidacies/", candidacies.candidacy_list, name="screening_candidacies"),
        path("screening/call/<id:call_id>/audit/", audit_log.audit_log, name="screening_audit"),
        path("screening/candidacy/<id:candidacy_id>/", candidacy.candidacy_detail, name="screening_candidacy"),
        path("screening/attachment/<id:attachment_id>/", attachments.attachment_download, name="screening_attachment"),
        path("screening/erasure/<id:application_id>/", erasure, name="screening_erasure"),
    ]


@hooks.register("register_admin_menu_item")
def register_screening_menu_item():
    """The 審査 Screening menu item, shown to users who have a call to screen (and to superusers)."""
    from django.urls import reverse_lazy
    from wagtail.admin.menu import MenuItem

    from applications.teams import access

    class ScreeningMenuItem(MenuItem):
        def is_shown(self, request):
            user = request.user
            return user.is_superuser or access.screenable_calls(user).exists()

    return ScreeningMenuItem(
        "審査 Screening", reverse_lazy("screening_calls"), name="screening", icon_name="clipboard-list", order=250
    )


# --- The wording of applicant emails, edited by city editors -------------------------------------


class MessageTemplateViewSet(SnippetViewSet):
    """メールの文面: a city editor overrides the default wording of an applicant email, per language."""

    model = MessageTemplate
    icon = "mail"
    menu_label = "メールの文面 Emails"
    add_to_settings_menu = True
    list_display = ["kind", "language", "subject", "updated_at"]
    list_filter = ["kind", "language"]


register_snippet(MessageTemplateViewSet)
