"""The register picker: a form's choice of recommendations (or actions) from a register too
long for one page.

A page lists the first SHOWN_CHOICES choices, in the register's order, and whatever the form
already holds, so nothing chosen drops off the page; a "find words" box (a GET form, so it
works without JavaScript) lists others. The form still checks a submitted choice against
every row its view offered, which the register's own selectors chose (`recommendation_list`
and those built on it): the picker narrows what is shown, never what is allowed.

Choices in the register's order (by their source's title first) may be read a few sources at a
time (`BySource`), so the first rows cost a sort of a few sources' rows rather than of every
row offered (5,000 for an office at national scale, issue #12).
"""

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest

from answerable.recommendations.models import Recommendation
from answerable.recommendations.search import recommendation_search

# A page lists at most this many of each kind: an office's whole register (12,500 boxes at
# national scale) took 8 s to draw and is no use to read. The finder lists others.
SHOWN_CHOICES = 100
FIND_MAX_LENGTH = 200
ID_MAX_DIGITS = 18  # a 64-bit key has 19 digits; longer ones overflow the database's integer

# Narrows a field's choices to those matching the words looked for, keeping their order.
Finder = Callable[[QuerySet[Any], str], QuerySet[Any]]


def recommendations_found(
    recommendations: QuerySet[Recommendation], find: str
) -> QuerySet[Recommendation]:
    """The recommendations matching every word of `find`: in their reference, text or
    addressees, or in their source's title (the register's search)."""
    return recommendation_search(recommendations, find)


# Sources read at first for a field's first rows; each further read takes twice as many
# (as core.keyset.Groups pages the register's lists).
SOURCES_FIRST_READ = 16


@dataclass(frozen=True)
class BySource:
    """How to read a field's choices a few sources at a time: the column naming a choice's
    source, and every source its choices may lie under, in the register's order (title, then
    id) as (id, title) pairs. The choices must sort by their source's title first."""

    field: str
    sources: Sequence[tuple[int, str]] | QuerySet[Any]  # a query is read once, when first used


def first_ids_by_source(rows: QuerySet[Any], by: BySource, count: int) -> list[int]:
    """The ids of the first `count` of `rows` in their order, read a few sources at a time.
    Sources sharing a title are read together: the order interleaves their rows."""
    sources = list(by.sources)
    found: list[int] = []
    at, size = 0, SOURCES_FIRST_READ
    while at < len(sources) and len(found) < count:
        end = min(at + size, len(sources))
        while end < len(sources) and sources[end][1] == sources[end - 1][1]:
            end += 1
        batch = rows.filter(**{f"{by.field}__in": [pk for pk, _title in sources[at:end]]})
        found += batch.values_list("pk", flat=True)[: count - len(found)]
        at, size = end, size * 2
    return found


@dataclass(frozen=True)
class ShownChoices:
    rows: dict[str, QuerySet[Any]]  # what the page lists, by field name
    more: frozenset[str]  # the kinds with more choices than the page lists
    unmatched: frozenset[str]  # the kinds where nothing matched the words looked for


def choices_shown(
    choices: Mapping[str, QuerySet[Any]],
    keep: Mapping[str, Collection[int]],
    found: Mapping[str, QuerySet[Any]] | None = None,
    by_source: Mapping[str, BySource] | None = None,
) -> ShownChoices:
    """The first SHOWN_CHOICES of each kind of choice, in order (of `found`, when words were
    looked for), and those in `keep` that are among the choices: what the form holds. The
    kinds in `by_source` are read a few sources at a time when no words were looked for."""
    rows, more, unmatched = {}, set(), set()
    for name, choice_rows in choices.items():
        listed = choice_rows if found is None else found.get(name, choice_rows)
        if found is None and by_source and name in by_source:
            first = first_ids_by_source(choice_rows, by_source[name], SHOWN_CHOICES + 1)
        else:
            first = list(listed.values_list("pk", flat=True)[: SHOWN_CHOICES + 1])
        if len(first) > SHOWN_CHOICES:
            more.add(name)  # not counted: a count of the whole register cost as much again
        elif not first and found is not None and name in found:
            unmatched.add(name)
        rows[name] = choice_rows.filter(pk__in=[*first[:SHOWN_CHOICES], *keep.get(name, ())])
    return ShownChoices(rows, frozenset(more), frozenset(unmatched))


def chosen_ids(value: Any) -> list[int]:
    """The ids a field holds, as given or as typed into a submitted form: one or many. What
    cannot be an id (not a number, or too long for the database's keys) is left out."""
    values = value if isinstance(value, list | tuple) else [value]
    return [
        int(text) for text in map(str, values) if text.isdecimal() and len(text) <= ID_MAX_DIGITS
    ]


@dataclass(frozen=True)
class Picker:
    """What a page with a picker shows beside its form: the finder box and its words."""

    find: str  # the words looked for
    url: str  # where the finder box sends them: the page itself
    more: tuple[str, ...]  # the fields with more choices than the page lists, in form order
    unmatched: tuple[str, ...]  # the fields where nothing matched the words
    shown: int = SHOWN_CHOICES
    find_max_length: int = FIND_MAX_LENGTH


def register_picker(
    request: HttpRequest,
    form: forms.Form,
    finders: Mapping[str, Finder],
    by_source: Mapping[str, BySource] | None = None,
) -> Picker:
    """Narrow the form's fields named in `finders` to what the page lists, and say what the
    finder box shows. Call it once the form is checked: the fields then offer fewer rows.
    The fields in `by_source` list their first rows read a few sources at a time."""
    find = request.GET.get("find", "")[:FIND_MAX_LENGTH]
    choices = {name: form.fields[name].queryset for name in finders}  # type: ignore[attr-defined]
    found = (
        {name: finder(choices[name], find) for name, finder in finders.items()}
        if find.strip()
        else None
    )
    keep = {name: chosen_ids(form[name].value()) for name in finders}
    shown = choices_shown(choices, keep, found, by_source)
    for name, rows in shown.rows.items():
        form.fields[name].queryset = rows  # type: ignore[attr-defined]
    return Picker(
        find=find,
        url=request.path,
        more=tuple(name for name in finders if name in shown.more),
        unmatched=tuple(name for name in finders if name in shown.unmatched),
    )
