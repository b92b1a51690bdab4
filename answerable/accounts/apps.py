from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_logged_out


class AccountsConfig(AppConfig):
    name = "answerable.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Imported once the models are loaded, as Django requires of an AppConfig.
        from answerable.accounts import (
            checks,  # noqa: F401 - registers the system checks
            receivers,
        )

        user_logged_in.connect(receivers.start_idle_clock, dispatch_uid="answerable_idle_clock")
        user_logged_in.connect(receivers.record_session, dispatch_uid="answerable_record_session")
        user_logged_out.connect(receivers.forget_session, dispatch_uid="answerable_forget_session")
