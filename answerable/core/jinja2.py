"""The Jinja2 environment for every page: Django helpers plus the govuk-frontend-jinja macros."""

from typing import Any

from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils.formats import date_format
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader

from answerable.core import forms_render


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def govuk_date(value: Any, fmt: str = "j F Y") -> str:
    """Format a date as GOV.UK style prefers (`8 December 2023`); empty for None."""
    return date_format(value, fmt) if value else ""


def environment(**options: Any) -> Environment:
    loader = options.pop("loader")
    options["loader"] = ChoiceLoader(
        [
            loader,
            PrefixLoader(
                {"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}
            ),
        ]
    )
    env = Environment(**options)  # noqa: S701 - Django's backend turns autoescape on
    env.globals.update(
        {
            "url": url,
            "static": static,
            "get_messages": get_messages,
            "field_params": forms_render.field_params,
            "error_summary_params": forms_render.error_summary_params,
        }
    )
    env.filters["govuk_date"] = govuk_date
    return env
