"""The service's own pages, linked from every page's footer: accessibility, privacy, cookies.

Public: no sign-in, and nothing on them comes from the database.
"""

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
_YEAR = 52 * 7 * _DAY  # Django's CSRF_COOKIE_AGE default: "approximately 1 year"


def _duration(seconds: int) -> str:
    """A cookie's lifetime in words: `1 year`, `8 hours`, `30 minutes`."""
    for unit, one, many in (
        (_YEAR, "%(count)d year", "%(count)d years"),
        (_DAY, "%(count)d day", "%(count)d days"),
        (_HOUR, "%(count)d hour", "%(count)d hours"),
    ):
        if seconds >= unit and seconds % unit == 0:
            count = seconds // unit
            return ngettext(one, many, count) % {"count": count}
    count = max(1, seconds // _MINUTE)
    return ngettext("%(count)d minute", "%(count)d minutes", count) % {"count": count}


def _messages_use_a_cookie() -> bool:
    """Whether confirmation messages travel in a cookie (Django's default fallback storage
    tries a cookie first) rather than only in the session."""
    storage = import_string(settings.MESSAGE_STORAGE)
    return issubclass(storage, CookieStorage) or CookieStorage in getattr(
        storage, "storage_classes", ()
    )


def _essential_cookies() -> list[dict[str, str]]:
    """The cookies the service sets, named and timed from the settings that set them.

    answerable/publishing/tests/test_info_pages.py signs in, collects the cookies really
    set and checks this list names exactly those.
    """
    idle = _duration(settings.SESSION_IDLE_SECONDS)
    cookies = [
        {
            "name": settings.SESSION_COOKIE_NAME,
            "purpose": _("Keeps you signed in until you sign out or make no request for %(idle)s")
            % {"idle": idle},
            "expires": _duration(settings.SESSION_COOKIE_AGE),
        }
    ]
    if not settings.CSRF_USE_SESSIONS:
        cookies.append(
            {
                "name": settings.CSRF_COOKIE_NAME,
                "purpose": _(
                    "Keeps the service secure by checking that forms you send, such as the "
                    "sign-in form, came from this service and not from another website"
                ),
                "expires": _duration(settings.CSRF_COOKIE_AGE),
            }
        )
    if _messages_use_a_cookie():
        cookies.append(
            {
                "name": CookieStorage.cookie_name,
                "purpose": _(
                    "Shows you a confirmation, such as ‘You have signed out’, on the next page"
                ),
                "expires": _("When you close your browser, or once the confirmation is shown"),
            }
        )
    return cookies


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "publishing/info/accessibility.html",
        {"title": _("Accessibility statement for Answerable")},
    )


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "publishing/info/privacy.html",
        {
            "title": _("Privacy notice"),
            "idle": _duration(settings.SESSION_IDLE_SECONDS),
            "session_age": _duration(settings.SESSION_COOKIE_AGE),
        },
    )


@require_GET
def cookies(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "publishing/info/cookies.html",
        {"title": _("Cookies"), "cookies": _essential_cookies()},
    )
