from django.apps import AppConfig


class RecurrenceConfig(AppConfig):
    name = "answerable.recurrence"
    label = "recurrence"
    verbose_name = "Recurrence across reports"
