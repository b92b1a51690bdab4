"""Keyset paging: each page starts after, or ends before, the row a link names (issue #12).

A page reads the rows past the named one in the list's order, however deep it is, so the
thousandth page costs what the first does, where counting off 50,000 rows did not. Links
carry the sort key of the row they start from; a page number travels with them only to say
"page 3 of 120".
"""

import base64
import binascii
import datetime
import json
import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, partial, reduce
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Field, IntegerField, Model, Q, QuerySet, Value, Window
from django.db.models.expressions import OrderBy
from django.http import HttpRequest, QueryDict
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from answerable.core.prepared import prepared_list
from answerable.core.prepared_rows import prepared_rows

PER_PAGE = 50


@dataclass(frozen=True)
class SortKey:
    """One column of a list's order. Empty values sort last, on SQLite as on PostgreSQL."""

    field: str
    descending: bool = False
    nullable: bool = False

    def order(self, *, backwards: bool = False) -> OrderBy:
        descending = self.descending != backwards
        expression = F(self.field)
        if not self.nullable:
            return expression.desc() if descending else expression.asc()
        # Backwards, empty values come first, so reading back from a row mirrors reading on.
        nulls = {"nulls_first": True} if backwards else {"nulls_last": True}
        return expression.desc(**nulls) if descending else expression.asc(**nulls)


@dataclass(frozen=True)
class Groups:
    """Rows that sort by their parent first (recommendations by their source's title and id):
    the parents' ids in the list's order, and the key naming a row's parent. A page is then
    read a few parents at a time, so the database sorts a few hundred rows, not every row
    listed (50,000 for a national viewer, issue #12)."""

    field: str
    parent_ids: QuerySet[Any] | Sequence[Any]
    # The list's rows under some parents, given their ids (and the `LazyRows`' arguments),
    # where they are cheaper to read with the parents known than as the list's queryset
    # narrowed to them (the register's visibility rule read for those sources alone). Only
    # ever rows of the list's queryset.
    rows: Callable[..., QuerySet[Any]] | None = None


@dataclass(frozen=True)
class LazyRows:
    """A list's rows, `build(*args)`, built only if a page needs them: one read by `Groups`,
    its count known, never does (building the register's visibility rule over every source
    cost 0.4 ms of a lead officer's 9 ms list page on SQLite, issue #12).

    Given a `name`, the rows depend on nothing but `args` (ids, texts, days: core.prepared)
    and what the name says: the page's key rows are then read with SQL built once for each
    shape of read (direction, start, parents), where building it took a lead officer's
    register list 3 ms of its 20 (issue #12)."""

    model: type[Model]
    build: Callable[..., QuerySet[Any]]
    args: tuple[Any, ...] = ()
    name: str = ""


GROUPS_FIRST_READ = 16  # parents read at first; each further read takes twice as many


@dataclass
class KeysetPage:
    """A page of rows, where it stands in the list, and the addresses of its neighbours."""

    rows: list[Any]
    number: int
    count: int
    per_page: int
    previous_query: str | None
    next_query: str | None
    # False when the list was counted no further than `count` (`count_at_most`): it holds
    # more rows than that, and its number of pages is not known.
    count_is_exact: bool = True

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def page_count(self) -> int:
        return max(1, -(-self.count // self.per_page))


def ordered(queryset: QuerySet[Any], keys: Sequence[SortKey]) -> QuerySet[Any]:
    """The queryset in the keys' order (the last key must be unique, such as the id)."""
    return queryset.order_by(*(key.order() for key in keys))


def keyset_page(
    request: HttpRequest,
    queryset: QuerySet[Any] | LazyRows,
    keys: Sequence[SortKey],
    *,
    count: int | None,
    related: tuple[str, ...] = (),
    only: tuple[str, ...] = (),
    per_page: int = PER_PAGE,
    groups: Groups | None = None,
    count_at_most: int | None = None,
) -> KeysetPage:
    """The page the request's `after` or `before` names (the first without either), read as
    narrow key rows, then only that page's rows with the `related` objects it shows (and,
    given `only`, just those fields of them).

    `count` None counts the queryset's rows: on a first page read all at once, in the same
    query as its key rows (`COUNT(*) OVER ()`), so a search runs once, not twice. Where it
    must be counted apart (read by `groups`), `count_at_most` stops counting there: counting
    a national search's 10,000 matches cost more than reading its page (issue #12).

    `queryset` may be `LazyRows`, built only if the page reads or counts through it."""
    page = partial(
        _page,
        listed=_Listed(queryset),
        keys=keys,
        count=count,
        related=related,
        only=only,
        read=_Reader(keys, per_page + 1, groups),
        count_at_most=count_at_most,
    )
    # None: the rows past the link's row went since it was drawn, so start again at the top
    # (a page without a position always has one).
    return page(request.GET) or cast(KeysetPage, page(_without_position(request.GET)))


class _Listed:
    """The list's rows, built at most once, and only when asked for."""

    def __init__(self, rows: QuerySet[Any] | LazyRows) -> None:
        self.model = rows.model
        self._rows = rows
        lazy = rows if isinstance(rows, LazyRows) else None
        self.args: tuple[Any, ...] = lazy.args if lazy else ()
        self.name = lazy.name if lazy else ""

    @cached_property
    def rows(self) -> QuerySet[Any]:
        return self._rows.build(*self.args) if isinstance(self._rows, LazyRows) else self._rows

    def build(self, *args: Any) -> QuerySet[Any]:
        """The rows for other arguments (stand-ins, core.prepared)."""
        assert isinstance(self._rows, LazyRows)
        return self._rows.build(*args)


def _page(
    query: QueryDict,
    *,
    listed: _Listed,
    keys: Sequence[SortKey],
    count: int | None,
    related: tuple[str, ...],
    only: tuple[str, ...],
    read: "_Reader",
    count_at_most: int | None,
) -> KeysetPage | None:
    model = listed.model
    per_page = read.wanted - 1
    after = _decode(query.get("after", ""), model, keys)
    before = None if after else _decode(query.get("before", ""), model, keys)
    backwards = before is not None
    start = after or before

    counted = count is None and start is None and read.groups is None
    found = read(listed, start, backwards=backwards, counted=counted)
    if counted:
        total: int = found[0][-1] if found else 0
        found = [row[:-1] for row in found]
    if start is not None and not found:
        return None
    exact = True
    if not counted:
        if count is not None:
            total = count
        elif count_at_most is None:
            total = _count(listed)
        else:
            total = listed.rows.order_by()[: count_at_most + 1].count()
            exact = total <= count_at_most
            total = min(total, count_at_most)
    more = len(found) > per_page
    found = found[:per_page]
    if backwards:
        found.reverse()
    if start is None or (backwards and not more):
        number = 1  # the first page, whatever the link said
    else:
        number = max(_number(query), 2 if after else 1)
    has_previous = number > 1
    has_next = backwards or more
    return KeysetPage(
        rows=rows_in_order(model, [row[-1] for row in found], related=related, only=only),
        number=number,
        count=total,
        per_page=per_page,
        previous_query=_query(query, "before", found[0], number - 1) if has_previous else None,
        next_query=_query(query, "after", found[-1], number + 1) if has_next else None,
        count_is_exact=exact,
    )


class _Reader:
    """Reads up to `wanted` key rows past a start, all at once or a few parents at a time."""

    def __init__(self, keys: Sequence[SortKey], wanted: int, groups: Groups | None) -> None:
        self.keys = keys
        self.fields = [key.field for key in keys]
        self.wanted = wanted
        self.groups = groups

    def __call__(
        self,
        listed: _Listed,
        start: list[Any] | None,
        *,
        backwards: bool,
        counted: bool = False,
    ) -> list[Any]:
        """The key rows; `counted`, each row's keys followed by how many rows the list has."""
        if counted:
            return self._keys(listed, start, backwards, None, counted=True)
        if self.groups is None:
            return self._keys(listed, start, backwards, None)
        ids = list(self.groups.parent_ids)
        if backwards:
            ids.reverse()
        at = 0
        if start is not None:
            parent = start[self.fields.index(self.groups.field)]
            at = ids.index(parent) if parent in ids else 0  # a parent gone: read from the top
        found: list[Any] = []
        size = GROUPS_FIRST_READ
        while at < len(ids) and len(found) < self.wanted:
            found += self._keys(listed, start, backwards, ids[at : at + size])[
                : self.wanted - len(found)
            ]
            at += size
            size *= 2
        return found

    def _narrowed(
        self, rows: QuerySet[Any], start: list[Any] | None, backwards: bool
    ) -> QuerySet[Any]:
        """The rows in the page's order, past its start."""
        rows = rows.order_by(*(key.order(backwards=backwards) for key in self.keys))
        if start is None:
            return rows
        return rows.filter(_beyond(self.keys, start, backwards=backwards))

    def _values(
        self, rows: QuerySet[Any], start: list[Any] | None, backwards: bool, counted: bool
    ) -> QuerySet[Any]:
        """The page's key rows past `start`; `counted`, each followed by how many rows the
        list has (`COUNT(*) OVER ()`, so a first page is read and counted at once)."""
        narrowed = self._narrowed(rows, start, backwards)
        if not counted:
            return narrowed.values_list(*self.fields)[: self.wanted]
        narrowed = narrowed.annotate(listed_count=Window(Count("*")))
        return narrowed.values_list(*self.fields, "listed_count")[: self.wanted]

    def _under(
        self, rows: Callable[[], QuerySet[Any]], parents: list[Any], *args: Any
    ) -> QuerySet[Any]:
        """The list's rows under the parents, read through `Groups.rows` where it has them
        (`rows` built only where it has not)."""
        assert self.groups is not None
        if self.groups.rows is not None:
            return self.groups.rows(parents, *args)
        return rows().filter(**{f"{self.groups.field}__in": parents})

    def _keys(
        self,
        listed: _Listed,
        start: list[Any] | None,
        backwards: bool,
        parents: list[Any] | None,
        *,
        counted: bool = False,
    ) -> list[Any]:
        """Up to `wanted` key rows past `start`, of the list or of its rows under `parents`
        (`counted`, each followed by the list's count); with SQL built once a shape where
        the list is named (`LazyRows`)."""
        if not listed.name:
            if parents is None:
                rows = listed.rows
            else:
                rows = self._under(lambda: listed.rows, parents, *listed.args)
            return list(self._values(rows, start, backwards, counted))
        leading = () if parents is None else (_padded(parents),)
        arity = len(listed.args)

        def read(*values: Any) -> QuerySet[Any]:
            args = values[len(leading) : len(leading) + arity]
            begin = None if start is None else list(values[len(leading) + arity :])
            if parents is None:
                rows = listed.build(*args)
            else:
                rows = self._under(lambda: listed.build(*args), values[0], *args)
            return self._values(rows, begin, backwards, counted)

        shape = (
            f"keyset:{listed.name}:{self.keys!r}:{backwards}:{bool(leading)}:{self.wanted}"
            f":{counted}"
        )
        return prepared_rows(
            shape,
            listed.model,
            read,
            *leading,
            *listed.args,
            *(start or ()),
            planned_each_time=True,
        )


def _count(listed: _Listed) -> int:
    """How many rows the list has; with SQL built once where the list is named."""
    if not listed.name:
        return listed.rows.count()
    found = prepared_rows(
        f"keyset-count:{listed.name}",
        listed.model,
        lambda *args: _counted(listed.build(*args)),
        *listed.args,
        planned_each_time=True,
    )
    return found[0][0] if found else 0


def _counted(rows: QuerySet[Any]) -> QuerySet[Any]:
    """`SELECT COUNT(*)` of the rows as a `values_list` query, whose SQL core.prepared_rows
    can keep (`QuerySet.count()` runs at once): grouped by a constant, which Django leaves
    out of GROUP BY, so it is one row."""
    if rows.query.distinct or rows.query.combinator:
        raise ValueError("a named list's rows are counted as they come: not distinct ones")
    return (
        rows.order_by()
        .annotate(listed_one=Value(1, output_field=IntegerField()))
        .values("listed_one")
        .annotate(listed_count=Count("*"))
        .values_list("listed_count")
    )


def _padded(parents: list[Any]) -> list[Any]:
    """The parents, the last repeated up to a power of two: a read from any row deep in a
    list ends with a few of them, and a plan kept for each count would grow with the list
    (`IN (1, 2, 2)` is `IN (1, 2)`)."""
    width = 1 << (len(parents) - 1).bit_length()
    return parents + parents[-1:] * (width - len(parents))


def rows_in_order(
    model: type[Model],
    ids: list[Any],
    *,
    related: tuple[str, ...],
    only: tuple[str, ...] = (),
) -> list[Any]:
    """The rows with these primary keys, in the order given: the ids already passed the
    queryset's rules, so reading them again by key needs only the related objects shown,
    and, given `only`, only the fields shown (a list's rows hold long texts it truncates)."""

    def by_key(page: frozenset[int]) -> QuerySet[Any]:
        rows = model._default_manager.filter(pk__in=page).select_related(*related)
        return rows.only(*only) if only else rows

    # The same SQL for every page of a list's size, so it is built once (core.prepared): the
    # ORM took longer to build it than the database to run it (issue #12).
    name = f"keyset_rows:{model._meta.label}:{','.join(related)}:{','.join(only)}"
    by_id = {row.pk: row for row in prepared_list(name, model, by_key, ids)}
    return [by_id[pk] for pk in ids]


def keyset_pagination_params(page: KeysetPage) -> dict[str, Any] | None:
    """govukPagination parameters: previous and next links, each saying which page it is."""
    if page.previous_query is None and page.next_query is None:
        return None
    params: dict[str, Any] = {}
    if page.previous_query is not None:
        params["previous"] = {
            "href": page.previous_query,
            "labelText": _page_label(page, page.number - 1),
        }
    if page.next_query is not None:
        params["next"] = {"href": page.next_query, "labelText": _page_label(page, page.number + 1)}
    return params


def _page_label(page: KeysetPage, number: int) -> str:
    if not page.count_is_exact:
        return _("Page %(number)s") % {"number": number}
    return _("%(number)s of %(count)s") % {"number": number, "count": page.page_count}


def _beyond(keys: Sequence[SortKey], start: list[Any], *, backwards: bool) -> Q:
    """Rows past `start` in the keys' order (before it, backwards): for each key, rows equal
    on every key before it and past it on this one."""
    clauses = []
    same_so_far = Q()
    for key, value in zip(keys, start, strict=True):
        descending = key.descending != backwards
        empty_last = not backwards
        past: Q | None
        if value is None:
            # Past an empty value come only the filled ones, and only where empties lead.
            past = None if empty_last else Q(**{f"{key.field}__isnull": False})
            same = Q(**{f"{key.field}__isnull": True})
        else:
            past = Q(**{f"{key.field}__{'lt' if descending else 'gt'}": value})
            if key.nullable and empty_last:
                past |= Q(**{f"{key.field}__isnull": True})
            same = Q(**{key.field: value})
        if past is not None:
            clauses.append(same_so_far & past)
        same_so_far &= same
    return reduce(operator.or_, clauses) if clauses else Q(pk__in=[])


def _field(model: type[Model], path: str) -> Field:
    *hops, name = path.split("__")
    for hop in hops:
        model = model._meta.get_field(hop).related_model  # type: ignore[assignment]
    if name == "pk":
        return model._meta.pk
    return model._meta.get_field(name)  # type: ignore[return-value]


def encode_position(values: Sequence[Any]) -> str:
    plain = [value.isoformat() if isinstance(value, datetime.date) else value for value in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode(text: str, model: type[Model], keys: Sequence[SortKey]) -> list[Any] | None:
    """The sort key a link carries, or None for a missing or mangled one (the first page)."""
    if not text:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        if not isinstance(values, list) or len(values) != len(keys):
            return None
        return [
            None if value is None else _field(model, key.field).to_python(value)
            for key, value in zip(keys, values, strict=True)
        ]
    except (ValueError, TypeError, binascii.Error, ValidationError):
        return None


POSITION = ("after", "before", "page")


def _number(query: QueryDict) -> int:
    try:
        return max(1, int(query.get("page", "1")))
    except ValueError:
        return 1


def _without_position(query: QueryDict) -> QueryDict:
    first = query.copy()
    for name in POSITION:
        first.pop(name, None)
    return first


def _query(query: QueryDict, direction: str, row: Sequence[Any], number: int) -> str:
    """The list's address with its filters, starting past (or ending before) `row`."""
    pairs = [(name, values) for name, values in query.lists() if name not in POSITION]
    pairs += [(direction, [encode_position(row)]), ("page", [str(number)])]
    return "?" + urlencode(sorted(pairs), doseq=True)
