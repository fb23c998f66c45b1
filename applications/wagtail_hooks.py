"""Admin for screening: the audit log actions (and, with the screening views, the Screening menu)."""

from wagtail import hooks

from .teams import hooks as _teams_hooks  # noqa: F401  (policies first, then the Teams menu)


@hooks.register("register_log_actions")
def register_screening_log_actions(actions):
    """Every read and change of applicants' personal data is logged under these actions."""
    for action, label in [
        ("kobo.candidacy.view", "応募内容の閲覧 Candidacy viewed"),
        ("kobo.candidacy.status", "選考状況の変更 Status changed"),
        ("kobo.candidacy.review", "審査の記録 Review saved"),
        ("kobo.candidacy.note", "メモの追加 Note added"),
        ("kobo.candidacy.assign", "審査担当の割り当て Reviewer assigned"),
        ("kobo.attachment.download", "添付ファイルのダウンロード Attachment downloaded"),
        ("kobo.export", "出力 Export"),
        ("kobo.shortlist.submit", "候補者リストの提出 Shortlist submitted"),
        ("kobo.shortlist.approve", "候補者リストの承認 Shortlist approved"),
        ("kobo.shortlist.return", "候補者リストの差し戻し Shortlist returned"),
    ]:
        actions.register_action(action, label, label)


# --- The screening workspace (views in ``screening_views``) ---------------------------------


@hooks.register("register_admin_urls")
def register_screening_urls():
    from django.urls import path

    from . import screening_views as views

    return [
        path("screening/", views.calls, name="screening_calls"),
        path("screening/call/<int:call_id>/", views.dashboard, name="screening_dashboard"),
        path("screening/call/<int:call_id>/candidacies/", views.candidacy_list, name="screening_candidacies"),
        path("screening/call/<int:call_id>/audit/", views.audit_log, name="screening_audit"),
        path("screening/candidacy/<int:candidacy_id>/", views.candidacy_detail, name="screening_candidacy"),
        path("screening/attachment/<int:attachment_id>/", views.attachment_download, name="screening_attachment"),
    ]


@hooks.register("register_admin_menu_item")
def register_screening_menu_item():
    """The 審査 Screening menu item, shown to users who have a call to screen (and to superusers)."""
    from django.urls import reverse_lazy
    from wagtail.admin.menu import MenuItem

    from . import access

    class ScreeningMenuItem(MenuItem):
        def is_shown(self, request):
            user = request.user
            return user.is_superuser or access.screenable_calls(user).exists()

    return ScreeningMenuItem(
        "審査 Screening", reverse_lazy("screening_calls"), name="screening", icon_name="clipboard-list", order=250
    )
