from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "answerable.workforce"
    label = "workforce"
    verbose_name = "Workforce training coverage"

    def ready(self) -> None:
        from answerable.workforce import panels

        # Pages beneath this app are told from here (core/panels.py). Registered before the
        # indicators app's panels (INSTALLED_APPS order), so coverage shows above figures.
        panels.register()
