from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "answerable.core"
    label = "core"
