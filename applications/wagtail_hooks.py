"""Admin for screening: the audit log actions (and, with the screening views, the Screening menu)."""

from wagtail import hooks


@hooks.register("register_log_actions")
def register_screening_log_actions(actions):
    """Every read and change of applicants' personal data is logged under these actions."""
    for action, label in [
        ("kobo.candidacy.view", "応募内容の閲覧 Candidacy viewed"),
        ("kobo.candidacy.status", "選考状況の変更 Status changed"),
        ("kobo.candidacy.review", "審査の記録 Review saved"),
        ("kobo.attachment.download", "添付ファイルのダウンロード Attachment downloaded"),
        ("kobo.export", "出力 Export"),
        ("kobo.shortlist.submit", "候補者リストの提出 Shortlist submitted"),
        ("kobo.shortlist.approve", "候補者リストの承認 Shortlist approved"),
        ("kobo.shortlist.return", "候補者リストの差し戻し Shortlist returned"),
    ]:
        actions.register_action(action, label, label)
