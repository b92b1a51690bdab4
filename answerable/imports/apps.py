from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "answerable.imports"
    label = "imports"
    verbose_name = "Imports run in the background"
