"""A URL whose view fails with a bug, for the error page tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from config.urls import handler500  # noqa: F401  # the project's error page, as in production
from config.urls import urlpatterns as project_urlpatterns


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken), path("", include(project_urlpatterns))]
