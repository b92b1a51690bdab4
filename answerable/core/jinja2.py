"""The Jinja2 environment for every page: Django helpers plus the govuk-frontend-jinja macros."""

import functools
from collections.abc import Callable, MutableMapping
from contextvars import ContextVar
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.formats import date_format
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, Template, pass_context
from jinja2.filters import do_indent
from jinja2.runtime import Context
from markupsafe import Markup

from answerable.core import forms_render

_SENTINEL = 987654321  # an id no URL pattern would produce on its own


class _Page(NamedTuple):
    language: str | None
    script_prefix: str
    urlconf: str


# What a page's helpers ask Django on every call, read once when the page's render starts:
# Django keeps each in a thread-and-task local costing ~2.5 µs a look, and a list page asked
# about 150 times (a link and two status tags a row, issue #12).
_page: ContextVar[_Page | None] = ContextVar("answerable_page", default=None)


def _where() -> tuple[str, str]:
    """The script prefix and URLconf: the page's, or Django's outside a render."""
    page = _page.get()
    if page is None:  # called outside a render (a test, a Python caller)
        return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
    return page.script_prefix, page.urlconf


def _language() -> str | None:
    page = _page.get()
    return translation.get_language() if page is None else page.language


class _Template(Template):
    """A template whose render remembers the request's language, script prefix and URLconf
    for the helpers below while it runs. A render started inside another reads them afresh,
    so an email drawn under `translation.override` follows that language; a language changed
    in the middle of a render would not be followed, and no helper a page calls changes it."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        token = _page.set(
            _Page(
                translation.get_language(),
                get_script_prefix(),
                get_urlconf() or settings.ROOT_URLCONF,
            )
        )
        try:
            return super().render(*args, **kwargs)
        finally:
            _page.reset(token)


@functools.cache
def _url_parts(name: str, arity: int, prefix: str, urlconf: str) -> tuple[str, ...] | None:
    """The reversed URL split around its integer arguments, or None if it cannot be."""
    try:
        path = reverse(name, urlconf=urlconf, args=[_SENTINEL + i for i in range(arity)])
    except NoReverseMatch:  # a converter that refuses such a number: reverse() every time
        return None
    parts = []
    for i in range(arity):
        before, marker, path = path.partition(str(_SENTINEL + i))
        if not marker or str(_SENTINEL + i) in path:
            return None
        parts.append(before)
    return (*parts, path)


@functools.cache
def _plain_url(name: str, prefix: str, urlconf: str) -> str:
    """The URL of a pattern that takes no arguments; one per prefix and URLconf."""
    return reverse(name, urlconf=urlconf)


@functools.lru_cache(maxsize=1024)
def cached_static(path: str) -> str:
    """`static()`, remembered: a file's address never changes while the process runs, and
    every page asks for the same five, at about 30 microseconds each (issue #12)."""
    return static(path)


@functools.lru_cache(maxsize=4096)
def _translated(language: str | None, message: str) -> str:
    return translation.gettext(message)


def gettext(message: str) -> str:
    """`gettext` for pages, remembered per language: Django walks a chain of catalogues on
    each call, and every page's layout alone asks for a dozen strings (issue #12)."""
    return _translated(_language(), message)


@functools.lru_cache(maxsize=4096)
def _constant(language: str | None, message: str, autoescape: bool) -> str:
    translated = _translated(language, message)
    return (Markup(translated) if autoescape else translated) % {}  # noqa: S704 - our own catalogues


@pass_context
def page_gettext(__context: Context, __string: str, **variables: Any) -> str:
    """Jinja's new-style `gettext` (jinja2.ext) calling `gettext` above directly, also as `_`
    (which Jinja otherwise sends through a look-up of `gettext` on every call). A string
    without values is the same every time in a language, so it is formatted once: a meeting
    page asks for about 400 (issue #12)."""
    if not variables:
        return _constant(_language(), __string, __context.eval_ctx.autoescape)
    translated = gettext(__string)
    if __context.eval_ctx.autoescape:
        translated = Markup(translated)  # noqa: S704 - our own catalogues, as Jinja's gettext
    # Always a format string, as in Jinja's own: `%%` is a percent sign with or without values.
    return translated % variables


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """`reverse()`; with only integer arguments, from a cached template of the URL.

    A list page reverses a URL or two a row, and reverse() costs ~0.1 ms each time; every
    page's header and footer reverse a dozen that take no arguments.
    """
    prefix, urlconf = _where()
    if not kwargs:
        if not args:
            return _plain_url(name, prefix, urlconf)
        if all(type(arg) is int for arg in args):
            parts = _url_parts(name, len(args), prefix, urlconf)
            if parts is not None:
                if len(args) == 1:  # a row's link, the usual case
                    return f"{parts[0]}{args[0]}{parts[1]}"
                pieces = (part + str(arg) for part, arg in zip(parts, args, strict=False))
                return "".join(pieces) + parts[-1]
    return reverse(name, args=args or None, kwargs=kwargs or None)


def indent(s: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    """Jinja's `indent` filter, giving the same text, indented on plain text and marked safe
    once. Jinja's made a Markup of every line and of every indented line: the GOV.UK macros
    indent each component's HTML, and an action's update form spent a quarter of its
    rendering there (issue #12)."""
    if not isinstance(s, Markup):
        return do_indent(s, width, first, blank)
    indention = width if isinstance(width, str) else " " * width
    lines = (str(s) + "\n").splitlines()  # the newline: as Jinja's, for the last line
    if blank:
        text = ("\n" + indention).join(lines)
    else:
        text = lines[0]
        if len(lines) > 1:
            text += "\n" + "\n".join(indention + line if line else line for line in lines[1:])
    if first:
        text = indention + text
    return Markup(text)  # noqa: S704 - the safe text given, with spaces added as Jinja's does


# In English, as GOV.UK dates are; indicators' period labels translate them (indicators.periods).
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def govuk_date(value: Any, fmt: str = "j F Y") -> str:
    """Format a date as GOV.UK style prefers (`8 December 2023`); empty for None."""
    if not value:
        return ""
    if fmt == "j F Y":  # the usual case, without date_format's per-call set-up
        return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"
    return date_format(value, fmt)


_TAG = Markup('<strong class="govuk-tag govuk-tag--%s">%s</strong>')  # % escapes, unlike f-strings


def status_tag(colours: dict[str, str], field: str) -> Callable[[Any], Markup]:
    """A function drawing an object's `field` as a GOV.UK tag coloured by its value.

    govukTag's markup written in Python: lists draw two tags a row, and a Jinja macro call
    costs more than the rest of the row (issue #5).
    """
    # Each value's tag drawn once per model and language: the labels are translatable
    # (gettext_lazy) and the template module holding this function lives as long as the
    # process, while a list draws a hundred tags.
    drawn: dict[tuple[type, str | None], dict[str, Markup]] = {}

    def tag(obj: Any) -> Markup:
        key = (type(obj), _language())
        tags = drawn.get(key)
        if tags is None:
            choices = key[0]._meta.get_field(field).flatchoices
            tags = drawn[key] = {k: _TAG % (colours[k], str(v)) for k, v in choices if k in colours}
        value = getattr(obj, field)
        found = tags.get(value)
        return found if found is not None else _TAG % (colours[value], value)

    return tag


# Labels of a model field's choices, by model, field and language: the choices are code, so
# they never change in a process, and the labels are translated once per language.
_CHOICE_LABELS: dict[tuple[type, str, str | None], dict[Any, str]] = {}


def choice_label(obj: Any, field: str) -> str:
    """`obj.get_<field>_display()`, without Django rebuilding and translating every choice on
    each call: a table of fifty meeting actions spent a millisecond there (issue #12)."""
    key = (type(obj), field, _language())
    labels = _CHOICE_LABELS.get(key)
    if labels is None:
        choices = key[0]._meta.get_field(field).flatchoices
        labels = _CHOICE_LABELS[key] = {k: str(v) for k, v in choices}
    value = getattr(obj, field)
    return labels.get(value, value)


class _Environment(Environment):
    """Jinja2's environment with each template's globals in a plain dict.

    Jinja2 layers a template's globals over the environment's in a ChainMap, and on every
    `{% from ... import %}` compares the importing page's global names with the imported
    template's, asking the ChainMap for each: a page importing twenty macro files spent
    about 0.2 ms there (issue #12). The environment's globals are all set in `environment()`
    below, before any template is loaded, so a copy never goes stale.
    """

    template_class = _Template

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


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
    options["extensions"] = [*options.get("extensions", []), "jinja2.ext.i18n"]
    env = _Environment(**options)  # noqa: S701 - Django's backend turns autoescape on
    # Strings marked with _() follow the request's language, so Welsh can follow (PRODUCT.md).
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=gettext,
        ngettext=translation.ngettext,
        newstyle=True,
        pgettext=translation.pgettext,
        npgettext=translation.npgettext,
    )
    env.globals["gettext"] = env.globals["_"] = page_gettext
    env.globals.update(
        {
            "url": url,
            "static": cached_static,
            "get_messages": get_messages,
            "field_params": forms_render.field_params,
            "error_summary_params": forms_render.error_summary_params,
            "status_tag": status_tag,
            "choice_label": choice_label,
        }
    )
    env.filters["govuk_date"] = govuk_date
    env.filters["indent"] = indent
    return env
