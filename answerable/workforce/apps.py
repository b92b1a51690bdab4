from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "answerable.workforce"
    label = "workforce"
    verbose_name = "Workforce training coverage"
