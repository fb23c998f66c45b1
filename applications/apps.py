from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    """Who applied and how they are judged: the wizard, applicants, candidacies, screening."""

    name = "applications"
    verbose_name = "応募 Applications"

    def ready(self) -> None:
        from applications.screening.services import role_extension_refusal
        from recruitment.deadlines import EXTENSION_CHECKS

        if role_extension_refusal not in EXTENSION_CHECKS:
            EXTENSION_CHECKS.append(role_extension_refusal)
