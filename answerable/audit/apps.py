from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "answerable.audit"
    label = "audit"

    def ready(self) -> None:
        from answerable.audit import checks  # noqa: F401 - registers the deployment check
