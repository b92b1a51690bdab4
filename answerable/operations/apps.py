from django.apps import AppConfig
from django.core.signals import request_finished


class OperationsConfig(AppConfig):
    name = "answerable.operations"
    label = "operations"
    verbose_name = "Running the service: health, metrics and logs"

    def ready(self) -> None:
        from answerable.operations.logs import request_id_clear

        request_finished.connect(request_id_clear, dispatch_uid="operations.request_id_clear")
