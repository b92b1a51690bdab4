from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "answerable.audit"
    label = "audit"
