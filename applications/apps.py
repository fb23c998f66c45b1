from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    """Who applied and how they are judged: the wizard, applicants, candidacies, screening."""

    name = "applications"
    verbose_name = "応募 Applications"
