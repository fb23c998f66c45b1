from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    """Who applied and how they are judged: the wizard, applicants, candidacies, screening."""

    name = "applications"
    verbose_name = "応募 Applications"

    def ready(self) -> None:
        from applications.mail.outbox import sender_register
        from applications.screening.lifecycle import role_extension_refusal
        from applications.tasks import send_outbox_soon
        from recruitment.deadlines import EXTENSION_CHECKS

        if role_extension_refusal not in EXTENSION_CHECKS:
            EXTENSION_CHECKS.append(role_extension_refusal)
        sender_register(send_outbox_soon)  # the outbox nudges the sender on commit
