from typing import Any

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.http import HttpRequest


class AccountsConfig(AppConfig):
    name = "answerable.accounts"
    label = "accounts"

    def ready(self) -> None:
        from answerable.accounts import checks  # noqa: F401 - registers the system checks

        user_logged_in.connect(_start_idle_clock, dispatch_uid="answerable_idle_clock")
        user_logged_in.connect(_record_session, dispatch_uid="answerable_record_session")
        user_logged_out.connect(_forget_session, dispatch_uid="answerable_forget_session")


def _start_idle_clock(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """Start the idle clock with the session, so the first page after sign-in writes nothing."""
    from answerable.accounts.middleware import IdleSessionMiddleware

    if request is not None and hasattr(request, "session"):
        IdleSessionMiddleware.start(request)


def _record_session(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """List the new session among the person's own (issue #18)."""
    from answerable.accounts.services import user_session_start

    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        user_session_start(
            user=user,
            session_key=session.session_key,
            user_agent=request.headers.get("User-Agent", "") if request else "",
        )


def _forget_session(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    from answerable.accounts.services import user_session_forget

    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        user_session_forget(session_key=session.session_key)
