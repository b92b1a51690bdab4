from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "answerable.recommendations"
    label = "recommendations"

    def ready(self) -> None:
        from answerable.recommendations import audit_reconcile

        audit_reconcile.register()  # audit sits beneath this app, so it is told from here
