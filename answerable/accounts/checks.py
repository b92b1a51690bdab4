"""System checks for what accounts relies on."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def session_store_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Ending someone's sessions (deactivation, "sign out everywhere") deletes them from the
    session store, which signed-cookie sessions do not have: a deleted one would live on."""
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.signed_cookies":
        return [
            Error(
                "SESSION_ENGINE must keep sessions on the server: signed-cookie sessions "
                "cannot be ended by deactivation or by signing out everywhere.",
                id="answerable.accounts.E001",
            )
        ]
    return []
