from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "answerable.publishing"
    verbose_name = "Publishing"
