from django.apps import AppConfig


class ExportsConfig(AppConfig):
    """Documents made from screening results: export jobs, PDFs and CSVs."""

    name = "exports"
    verbose_name = "出力 Exports"
