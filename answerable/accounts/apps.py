from typing import Any

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest


class AccountsConfig(AppConfig):
    name = "answerable.accounts"
    label = "accounts"

    def ready(self) -> None:
        user_logged_in.connect(_start_idle_clock, dispatch_uid="answerable_idle_clock")


def _start_idle_clock(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """Start the idle clock with the session, so the first page after sign-in writes nothing."""
    from answerable.accounts.middleware import IdleSessionMiddleware

    if request is not None and hasattr(request, "session"):
        IdleSessionMiddleware.start(request)
