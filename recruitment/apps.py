from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    """What is being recruited: calls, roles, task categories and deadline rules."""

    name = "recruitment"
    verbose_name = "募集 Recruitment"
