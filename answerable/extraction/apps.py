from django.apps import AppConfig


class ExtractionConfig(AppConfig):
    name = "answerable.extraction"
    verbose_name = "Recommendations from report PDFs"
