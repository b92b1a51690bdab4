from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "answerable.indicators"
    label = "indicators"
    verbose_name = "Indicators"
