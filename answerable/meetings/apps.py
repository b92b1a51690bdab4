from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "answerable.meetings"
    verbose_name = "Accountability meetings"
