"""Read a page set in two columns left column first: find the gutter, a gap running down the
page between the columns, and cut the page into blocks read in turn."""

import math

from answerable.extraction.pdf_rows import Row, modal


def column_blocks(
    rows: list[Row], gutter: float, in_columns: set[int]
) -> list[list[tuple[Row, float]]]:
    """The page's rows as blocks read in turn, each row with its column's right edge.

    A single-column page is one block; a band of two columns is its left column's block then
    its right column's.
    """
    blocks: list[list[tuple[Row, float]]] = []
    full: list[Row] = []
    left: list[Row] = []
    right: list[Row] = []

    def flush(*parts: list[Row]) -> None:
        for part in parts:
            if part:
                edge = max(r.chars[-1].x1 for r in part)
                blocks.append([(r, edge) for r in part])
                part.clear()

    for index, row in enumerate(rows):
        if index not in in_columns:
            flush(left, right)
            full.append(row)
            continue
        flush(full)
        for chars, column in (
            ([c for c in row.chars if c.x1 <= gutter], left),
            ([c for c in row.chars if c.x0 >= gutter], right),
        ):
            if chars:
                part = Row(row.page, chars, size=modal([c.size for c in chars]))
                part.measure()
                column.append(part)
    flush(full)
    flush(left, right)
    return blocks


def find_gutter(
    rows: list[Row], width: float, body_size: float, near: list[int] | None = None
) -> tuple[float, set[int]]:
    """Where a two-column page splits, and which of its rows (by index) lie in the columns.

    A gutter is a gap at least 0.8em wide at the same place in five or more rows running
    down the page, with text on both sides of it in at least three of them: wide enough and
    long enough that the spaces between words in a justified column never make one. Near a
    gutter found on other pages, three rows with text on both sides in two are enough.
    """
    if not rows:
        return 0.0, set()
    half = 0.4 * body_size
    words = [row.words() for row in rows]
    if near:
        xs = sorted({x for known in near for x in range(known - 3, known + 4)})
        rule = (3, 2)
    else:
        xs = list(range(int(0.3 * width), int(0.7 * width) + 1))
        rule = (5, 3)
    open_rows = _open_counts(words, xs, half)
    scores = [
        (
            x,
            _column_rows(rows, words, x, half, rule)
            if clear >= rule[0] and both >= rule[1]
            else set(),
        )
        for x, (clear, both) in zip(xs, open_rows, strict=True)
    ]
    best = max(len(chosen) for _, chosen in scores)
    if not best:
        return 0.0, set()
    first = next(i for i, (_, chosen) in enumerate(scores) if len(chosen) == best)
    last = first
    while (
        last + 1 < len(scores)
        and len(scores[last + 1][1]) == best
        and scores[last + 1][0] == scores[last][0] + 1
    ):
        last += 1
    # Equal at neighbouring x: split in the middle of the gutter, not at its edge.
    x, chosen = scores[(first + last) // 2]
    return float(x), chosen


def _open_counts(
    words: list[list[tuple[float, float]]], xs: list[int], half: float
) -> list[tuple[int, int]]:
    """At each x, how many rows no word comes within `half` of, and how many of those have
    text on both sides: counted cheaply first, as most x on most pages are crossed by
    nearly every row, and a gutter needs rows with text on both sides of it."""
    low, high = xs[0], xs[-1]
    crossing = [0] * (high - low + 2)
    gaps = [0] * (high - low + 2)
    for spans in words:
        merged: list[list[float]] = []
        for x0, x1 in spans:  # each row counted once at each x
            if merged and x0 - half <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], x1 + half)
            else:
                merged.append([x0 - half, x1 + half])
        for x0, x1 in merged:
            _add(crossing, low, high, math.floor(x0), math.ceil(x1))
        for (_start, end), (start, _end) in zip(merged, merged[1:], strict=False):
            _add(gaps, low, high, math.ceil(end), math.floor(start))
    counts, crossed, gapped = {}, 0, 0
    for offset in range(high - low + 1):
        crossed += crossing[offset]
        gapped += gaps[offset]
        counts[low + offset] = (len(words) - crossed, gapped)
    return [counts[x] for x in xs]


def _add(counts: list[int], low: int, high: int, first: int, last: int) -> None:
    first, last = max(low, first), min(high, last)
    if first <= last:
        counts[first - low] += 1
        counts[last - low + 1] -= 1


def _column_rows(
    rows: list[Row],
    words: list[list[tuple[float, float]]],
    x: float,
    half: float,
    rule: tuple[int, int],
) -> set[int]:
    """The rows, in runs down the page, that no word crosses near x."""
    chosen: set[int] = set()
    run: list[int] = []
    for index, spans in enumerate([*words, []]):
        if spans and all(x1 <= x - half or x0 >= x + half for x0, x1 in spans):
            run.append(index)
            continue
        run = _without_spanning(rows, words, run, x)
        both = sum(1 for i in run if words[i][0][0] < x < words[i][-1][1])
        if len(run) >= rule[0] and both >= rule[1]:
            chosen.update(run)
        run = []
    return chosen


def _without_spanning(
    rows: list[Row], words: list[list[tuple[float, float]]], run: list[int], x: float
) -> list[int]:
    """The run without the headings across both columns that stop short of the gutter.

    Such a heading has no text beside it in the right column but has some above and below
    it, and the row after it starts the next band. The last lines of a left column longer
    than its right one look the same, except that the band's heading comes after them.
    """
    right = [i for i in run if words[i][-1][1] > x]
    alone = set()
    for i in run:
        row = rows[i]
        if words[i][-1][1] < x:
            beside = any(
                rows[j].top < row.bottom + row.size and rows[j].bottom > row.top - row.size
                for j in right
            )
            if not beside and any(j < i for j in right) and any(j > i for j in right):
                alone.add(i)
    return [i for i in run if i not in alone or i + 1 in alone]
