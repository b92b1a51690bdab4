from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "answerable.reports"
    verbose_name = "Progress reports"
