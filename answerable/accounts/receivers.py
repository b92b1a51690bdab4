"""What happens as people sign in and out: connected in AccountsConfig.ready(), once the
models this module needs are loaded."""

from typing import Any

from django.http import HttpRequest

from answerable.accounts.middleware import IdleSessionMiddleware
from answerable.accounts.services import user_session_forget, user_session_start


def start_idle_clock(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """Start the idle clock with the session, so the first page after sign-in writes nothing."""
    if request is not None and hasattr(request, "session"):
        IdleSessionMiddleware.start(request)


def record_session(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """List the new session among the person's own (issue #18)."""
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        user_session_start(
            user=user,
            session_key=session.session_key,
            user_agent=request.headers.get("User-Agent", "") if request else "",
        )


def forget_session(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        user_session_forget(session_key=session.session_key)
