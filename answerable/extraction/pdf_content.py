"""A page's content streams read faster: the same operators and operands as pdfminer's own
parser gives its interpreter, found by one regular expression over the stream instead of
pdfminer's state machine, which reads a token a few characters at a time and took two thirds
of the time of reading a report (bench/extraction.py).

`ContentInterpreter` is pdfminer's page interpreter with only `execute` replaced: every
operator is still carried out by pdfminer. Where pdfminer's parser has quirks (an unknown
escape in a string drops the character, a lone odd hex digit is its own byte), they are
copied, so the text read is the same (tests/test_pdf_content.py compares the two).
"""

import re
from collections.abc import Callable, Sequence
from typing import Any

from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import PDFStream, stream_value
from pdfminer.psexceptions import PSSyntaxError
from pdfminer.psparser import KWD, LIT, PSKeyword, PSLiteral, literal_name

# Spaces and comments, then one token. A keyword starts with a letter; any other lone
# character pdfminer reads as a keyword of its own (the ' and " operators, for one).
_TOKEN = re.compile(
    rb"(?:[\s\x00]|%[^\r\n]*)*"
    rb"(?:(?P<number>[+-]\d*\.?\d*|\d+\.?\d*|\.\d*)"
    rb"|/(?P<name>[^/%\[\]()<>{}\s]*)"
    rb"|(?P<open><<|\[|\{)"
    rb"|(?P<close>>>|\]|\})"
    rb"|<(?P<hex>[0-9a-fA-F\s]*)>?"
    rb"|(?P<string>\()"
    rb"|(?P<keyword>[A-Za-z][^#/%\[\]()<>{}\s]*|[^\s\x00])"
    rb")?"
)
_NAME_ESCAPE = re.compile(rb"#([0-9a-fA-F]{0,2})")
_SPACE = re.compile(rb"\s")
_HEX_PAIR = re.compile(rb"[0-9a-fA-F]{2}|.")
_STRING_END = re.compile(rb"[()\\]")
_OCTAL = b"01234567"
_ESCAPES = {
    ord("b"): 8,
    ord("t"): 9,
    ord("n"): 10,
    ord("f"): 12,
    ord("r"): 13,
    ord("("): 40,
    ord(")"): 41,
    ord("\\"): 92,
}
_INLINE_END = re.compile(rb"EI\s")
_ASCII85_END = re.compile(rb"~>\s*(?:EI(?=\s|$))?")
_ASCII85 = (LIT("ASCII85Decode"), LIT("A85"))
_CLOSES = {b">>": "d", b"]": "a", b"}": "p"}
_OPENS = {b"<<": "d", b"[": "a", b"{": "p"}
_BEGIN_IMAGE, _IMAGE_DATA = KWD(b"BI"), KWD(b"ID")
_TRUE, _FALSE = b"true", b"false"


def _number(token: bytes) -> int | float | None:
    try:
        return float(token) if b"." in token else int(token)
    except ValueError:  # a lone sign or point: pdfminer drops it
        return None


def _name(raw: bytes) -> PSLiteral:
    if b"#" in raw:
        raw = _NAME_ESCAPE.sub(lambda m: bytes((int(m[1], 16),)) if m[1] else b"", raw)
    try:
        return LIT(str(raw, "utf-8"))
    except UnicodeDecodeError:
        return LIT(raw)


def _hex(digits: bytes) -> bytes:
    if not len(digits) % 2:
        try:
            return bytes.fromhex(digits.decode("ascii"))  # pairs of digits, the usual case
        except ValueError:
            pass  # spaces inside
    digits = _SPACE.sub(b"", digits)
    return _HEX_PAIR.sub(lambda m: bytes((int(m[0], 16),)), digits)


def _string(data: bytes, at: int) -> tuple[bytes | None, int]:
    """The literal string starting just after its "(", and where it ends; None for a string
    the content ends inside, which pdfminer drops."""
    parts: list[bytes] = []
    depth = 1
    while True:
        match = _STRING_END.search(data, at)
        if match is None:
            return None, len(data)
        end = match.start()
        parts.append(data[at:end])
        char = data[end]
        at = end + 1
        if char == 0x5C:  # backslash
            if at >= len(data):
                continue
            escaped = data[at]
            if escaped in _OCTAL:
                digits = at
                while at < len(data) and at - digits < 3 and data[at] in _OCTAL:
                    at += 1
                parts.append(bytes((int(data[digits:at], 8) & 0xFF,)))
                continue
            if escaped in _ESCAPES:
                parts.append(bytes((_ESCAPES[escaped],)))
            elif escaped == 0x0D and data[at + 1 : at + 2] == b"\n":
                at += 1
            at += 1
        elif char == 0x28:  # (
            depth += 1
            parts.append(b"(")
        else:
            depth -= 1
            if not depth:
                return b"".join(parts), at
            parts.append(b")")


def _inline_image_end(data: bytes, at: int, entries: list[Any]) -> int:
    """Where the content goes on after an inline image whose data starts at `at`."""
    keys = [literal_name(key) for key in entries[0::2]]
    values = dict(zip(keys, entries[1::2], strict=False))
    codec = values.get("F")
    if isinstance(codec, PSLiteral):
        codec = [codec]
    if isinstance(codec, list) and codec and codec[0] in _ASCII85:
        match = _ASCII85_END.search(data, at)  # its data ends at ~>, then comes EI
    else:
        match = _INLINE_END.search(data, at)
    return len(data) if match is None else match.end()


def parse(data: bytes) -> list[Any]:
    """The content's objects in order, as pdfminer's content parser yields them: numbers,
    names, strings, arrays, dictionaries and operators (PSKeyword). Inline images are
    skipped: they have no text."""
    out: list[Any] = []
    open_types: list[tuple[str, list[Any]]] = []
    current = out
    at, length = 0, len(data)
    match_at = _TOKEN.match
    while at < length:
        match = match_at(data, at)
        if match is None or match.lastgroup is None:
            break  # only spaces and comments were left
        at = match.end()
        kind = match.lastgroup
        if kind == "number":
            number = _number(match["number"])
            if number is not None:
                current.append(number)
        elif kind == "name":
            current.append(_name(match["name"]))
        elif kind == "hex":
            current.append(_hex(match["hex"]))
        elif kind == "string":
            string, at = _string(data, at)
            if string is not None:
                current.append(string)
        elif kind == "open":
            open_types.append((_OPENS[match["open"]], current))
            current = []
        elif kind == "close":
            if not open_types or open_types[-1][0] != _CLOSES[match["close"]]:
                continue  # pdfminer ignores a close that matches nothing open
            kind_closed, outer = open_types.pop()
            if kind_closed == "d":
                if len(current) % 2:
                    raise PSSyntaxError(f"Invalid dictionary construct: {current!r}")
                outer.append(
                    {
                        literal_name(key): item
                        for key, item in zip(current[0::2], current[1::2], strict=True)
                        if item is not None
                    }
                )
            else:
                outer.append(current)
            current = outer
        else:
            word = match["keyword"]
            if word == _TRUE:
                current.append(True)
            elif word == _FALSE:
                current.append(False)
            elif word == b"BI":
                open_types.append(("inline", current))
                current = []
            elif word == b"ID" and open_types and open_types[-1][0] == "inline":
                # The image's data runs from after "ID" and one space.
                at = _inline_image_end(data, at + 1, current)
                current = open_types.pop()[1]
            else:
                current.append(KWD(word))
    return out


class ContentInterpreter(PDFPageInterpreter):
    """pdfminer's page interpreter, reading content streams with `parse`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._operators: dict[PSKeyword, tuple[Callable[..., Any], int] | None] = {}

    def _operator(self, keyword: PSKeyword) -> tuple[Callable[..., Any], int] | None:
        known = self._operators.get(keyword, False)
        if known is not False:
            return known  # type: ignore[return-value]
        name = str(keyword.name, "utf-8", "ignore")
        method = "do_" + name.replace("*", "_a").replace('"', "_w").replace("'", "_q")
        function = getattr(self, method, None)
        found = None if function is None else (function, function.__code__.co_argcount - 1)
        self._operators[keyword] = found
        return found

    def execute(self, streams: Sequence[object]) -> None:
        # As pdfminer's: a stream already being run up the call stack is not run again
        # (a form that draws itself).
        valid: list[PDFStream] = []
        self.stream_ids.clear()
        for obj in streams:
            stream = stream_value(obj)
            if stream.objid is None or stream.objid in self.parent_stream_ids:
                continue
            valid.append(stream)
            self.stream_ids.add(stream.objid)
        # Streams split a page's content only between tokens, so they read as one.
        for obj in parse(b"\n".join(stream.get_data() for stream in valid)):
            if not isinstance(obj, PSKeyword):
                self.argstack.append(obj)
                continue
            operator = self._operator(obj)
            if operator is None:
                continue
            function, count = operator
            if not count:
                function()
                continue
            args = self.pop(count)
            if len(args) == count:
                function(*args)
