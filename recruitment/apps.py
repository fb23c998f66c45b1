from datetime import datetime

from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    """What is being recruited: calls, roles, task categories and deadline rules."""

    name = "recruitment"
    verbose_name = "募集 Recruitment"

    def ready(self) -> None:
        from cms import page_cache

        from .models import CallIndexPage, Organisation, TaskCategory
        from .selectors import next_role_state_change

        def roles_clock(now: datetime) -> datetime | None:
            """The next instant a role opens, nears its deadline or closes (``deadlines.state_changes``)."""
            return next_role_state_change(now=now)

        def call_indexes() -> list[CallIndexPage]:
            return list(CallIndexPage.objects.live())

        # Public pages show a role's state, categories and organisations; the call index and the
        # feed list the roles.
        page_cache.register_clock(roles_clock)
        page_cache.register_invalidation(
            models=[TaskCategory, Organisation], listings=call_indexes, url_names=["recruitment:roles_feed"]
        )

        # One approval publishes a call with the roles waiting for it (recruitment/workflow.py).
        from wagtail.signals import workflow_approved

        from .workflow import publish_roles_with_approved_call

        workflow_approved.connect(publish_roles_with_approved_call, dispatch_uid="recruitment.publish_roles_with_call")
