from django.apps import AppConfig


class ExportsConfig(AppConfig):
    """Documents made from screening results: export jobs, PDFs and CSVs."""

    name = "exports"
    verbose_name = "出力 Exports"

    def ready(self) -> None:
        # Register the tasks in every process (web too): ``jobs`` queues ``render_export`` by its
        # name, and Celery runs a registered task eagerly where ``CELERY_TASK_ALWAYS_EAGER`` is set.
        from . import tasks  # noqa: F401
