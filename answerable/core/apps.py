from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "answerable.core"
    label = "core"

    def ready(self) -> None:
        from django import forms
        from django.db.backends.signals import connection_created

        from answerable.core.timestamps import use_fast_timestamps

        connection_created.connect(use_fast_timestamps)

        # Every text field has a limit (core.forms.TEXT_MAX_LENGTH); say it the GOV.UK way
        # rather than Django's "Ensure this value has at most…". Field reads its subclasses'
        # default_error_messages, and MaxLengthValidator's error has the code "max_length".
        forms.CharField.default_error_messages = {
            "max_length": _(
                "Enter %(limit_value)s characters or fewer. You entered %(show_value)s"
            ),
        }
