from django.apps import AppConfig
from django.core.signals import request_finished


class OperationsConfig(AppConfig):
    name = "answerable.operations"
    label = "operations"
    verbose_name = "Running the service: health, metrics and logs"

    def ready(self) -> None:
        from django_tasks.signals import task_started

        from answerable.operations.logs import request_id_clear
        from answerable.operations.memory import collect_less_in_the_task_worker

        request_finished.connect(request_id_clear, dispatch_uid="operations.request_id_clear")
        task_started.connect(
            collect_less_in_the_task_worker, dispatch_uid="operations.collect_less_in_worker"
        )
