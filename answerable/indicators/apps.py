from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "answerable.indicators"
    label = "indicators"
    verbose_name = "Indicators"

    def ready(self) -> None:
        from answerable.indicators import agenda_links, panels
        from answerable.meetings.hooks import meeting_held_register

        # Pages and services beneath this app are told from here (core/panels.py).
        panels.register()
        meeting_held_register(listener=agenda_links.meeting_held_snapshots_take)
