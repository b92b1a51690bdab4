"""Find a report's recommendations, causes of concern and areas for improvement in its lines.

Pure functions over `pdf_text.Line`s. What reports use:

- a labelled item: "Recommendation 12" as a heading, or "Recommendation 12: The council
  should…" (also "Cause of concern 2", "Area for improvement 3"), anywhere in the report;
- a numbered list ("1.", "2)", "R3") under a "Recommendations" heading, numbered in turn;
- HMICFRS's "Cause of concern" with its statement, then its recommendations as bullets after a
  lead-in ("Within three months, the force should:"): each bullet is a recommendation whose
  text is the lead-in and the bullet, as HMICFRS's own lists quote them;
- "Areas for improvement": each paragraph or bullet under the heading is one.

An item runs to the end of its paragraph, taking in the bullets that follow a colon, and on
over a page or column break unless its last line ended a sentence short of the margin. A
cause of concern runs to the next heading. Items without a printed number get a reference
made up in turn (CoC 1, CoC 1 R2, AFI 3, R4), so the import can tell them apart.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from answerable.extraction.addressees import addressees_from_text
from answerable.extraction.hyphens import join_lines, vocabulary
from answerable.extraction.pdf_text import Line
from answerable.recommendations.deadlines import deadline_from_text
from answerable.recommendations.models import Recommendation

FindingType = Recommendation.FindingType

LABELS = {
    "recommendation": FindingType.RECOMMENDATION,
    "cause of concern": FindingType.CAUSE_OF_CONCERN,
    "area for improvement": FindingType.AREA_FOR_IMPROVEMENT,
}
LABELLED = re.compile(
    r"(?P<label>recommendation|cause of concern|area for improvement)\s+"
    r"(?P<number>(?:[A-Z]{1,3}\s?)?\d{1,3}(?:\.\d{1,3})*[a-z]?)\b"
    r"(?:(?P<separator>\s*[:.)\u2013\u2014-](?!\d))\s*(?P<rest>.*)|\s*(?P<tail>.*))$",
    re.IGNORECASE,
)
# "1.", "2)", "R3"; a bare "4" only where a paragraph starts ("12 months on" wraps).
NUMBERED = re.compile(r"(?P<number>R?\d{1,3})(?P<mark>[.)])?\s+(?P<rest>\S.*)$")
BULLET = re.compile(
    r"(?P<marker>[•●▪■◦‣⁃∙○]|\([a-z]{1,2}\)|\([ivx]{1,5}\)|[a-z]\))\s*(?P<rest>.*)$"
)
DASH_BULLET = re.compile(r"(?P<marker>[-\u2013])\s+(?P<rest>\S.*)$")
RECOMMENDATIONS_HEADING = re.compile(
    r"(?:\d+(?:\.\d+)*\.?\s+)?(?:(?:our|summary of|list of|the|key|main|national|local|"
    r"further)\s+)*recommendations?(?:\s+(?:to|for|on|about|of|from|made)\b.*)?:?",
    re.IGNORECASE,
)
CONCERN_HEADING = re.compile(r"(?:\d+(?:\.\d+)*\.?\s+)?causes? of concern:?", re.IGNORECASE)
IMPROVEMENT_HEADING = re.compile(r"(?:\d+(?:\.\d+)*\.?\s+)?areas? for improvement:?", re.IGNORECASE)
SENTENCE_END = (".", "!", "?", '."', ".'", ".)", ".”", ".’")


@dataclass(frozen=True)
class Item:
    reference: str
    finding_type: str
    text: str
    page: int
    deadline_on: datetime.date | None
    addressees: tuple[str, ...]
    # False when the report printed no reference and one was made up in turn.
    reference_printed: bool = True


@dataclass
class _Open:
    """An item being read: its paragraphs, each a list of line texts."""

    reference: str
    finding_type: str
    page: int
    kind: str  # "labelled", "numbered", "concern", "improvement", "bullet"
    printed: bool = True
    prefix: str = ""  # a bullet's lead-in
    paragraphs: list[list[str]] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        return any(any(p) for p in self.paragraphs)

    def last_text(self) -> str:
        for paragraph in reversed(self.paragraphs):
            if paragraph:
                return paragraph[-1]
        return ""


class _Finder:
    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.body_size = _body_size(lines)
        self.vocabulary = vocabulary(lines)
        self.items: list[Item] = []
        self.seen: set[tuple[str, str]] = set()
        self.current: _Open | None = None
        self.section = ""  # "recommendations", "concern" or "improvement" after its heading
        self.concern = ""  # the reference of the cause of concern the section belongs to
        self.lead_in: list[str] = []  # the paragraph before a list of bullets
        self.last_number: int | None = None
        self.made_up = {"concern": 0, "improvement": 0, "bullet": 0, "concern_bullet": 0}
        self.after_heading = False

    def run(self) -> list[Item]:
        previous: Line | None = None
        for line in self.lines:
            self.read(line, _starts_paragraph(line, previous))
            previous = line
        self.close()
        return self.items

    def read(self, line: Line, new_paragraph: bool) -> None:
        text = line.text
        labelled = LABELLED.match(text)
        if labelled and self._is_label(line, labelled):
            self.after_heading = False
            label = labelled["label"].casefold()
            number = labelled["number"]
            finding_type = LABELS[label]
            reference = (
                number
                if finding_type == FindingType.RECOMMENDATION
                else f"{labelled['label'][0].upper()}{label[1:]} {number}"
            )
            self.start(_Open(reference, finding_type, line.page, "labelled"))
            if finding_type == FindingType.CAUSE_OF_CONCERN:
                self.concern, self.section = reference, "concern"
            rest = labelled["rest"] or ""
            if rest:
                self.current.paragraphs.append([rest])  # type: ignore[union-attr]
            return
        if self._is_heading(line):
            # A heading's second line ("…to the Home Office") goes on with the first.
            if not (self.after_heading and not new_paragraph):
                self.heading(line)
            self.after_heading = True
            return
        self.after_heading = False
        numbered = NUMBERED.match(text)
        if (
            numbered
            and self.section == "recommendations"
            and (numbered["mark"] or new_paragraph)
            and self._next_number(numbered)
        ):
            self.start(_Open(numbered["number"], FindingType.RECOMMENDATION, line.page, "numbered"))
            self.current.paragraphs.append([numbered["rest"]])  # type: ignore[union-attr]
            return
        bullet = BULLET.match(text) or (new_paragraph and DASH_BULLET.match(text))
        if bullet:
            self.bullet(line, bullet["marker"], bullet["rest"])
            return
        self.plain(line, new_paragraph)

    def _is_label(self, line: Line, match: re.Match[str]) -> bool:
        """A label starts the line and is a heading, or is followed by a colon or full stop:
        "Recommendation 3 was accepted" in a paragraph is not one."""
        if not line.text[0].isupper():
            return False
        return bool(match["separator"]) or not match["tail"] or self._is_heading(line)

    def _is_heading(self, line: Line) -> bool:
        words = line.text.split()
        return (
            len(words) <= 12
            and len(line.text) <= 100
            and (line.bold or line.size >= 1.1 * self.body_size)
            and not line.text.endswith((",", ";"))
            and not BULLET.match(line.text)
        )

    def _next_number(self, match: re.Match[str]) -> bool:
        number = int(match["number"].lstrip("R"))
        if self.last_number is None or number == self.last_number + 1:
            self.last_number = number
            return True
        return False

    def heading(self, line: Line) -> None:
        self.close()
        text = line.text
        if RECOMMENDATIONS_HEADING.fullmatch(text):
            self.section, self.lead_in, self.last_number = "recommendations", [], None
        elif CONCERN_HEADING.fullmatch(text):
            self.made_up["concern"] += 1
            self.made_up["concern_bullet"] = 0
            self.concern = f"CoC {self.made_up['concern']}"
            self.section = "concern"
            self.start(
                _Open(self.concern, FindingType.CAUSE_OF_CONCERN, line.page, "concern", False)
            )
        elif IMPROVEMENT_HEADING.fullmatch(text):
            self.section, self.concern, self.lead_in = "improvement", "", []
        else:
            self.section, self.concern, self.lead_in, self.last_number = "", "", [], None

    def bullet(self, line: Line, marker: str, rest: str) -> None:
        current = self.current
        in_item = current is not None and current.kind in ("labelled", "numbered")
        if in_item and current is not None and _ends_with_colon_or_list(current):
            current.paragraphs.append([f"{marker} {rest}"])
            return
        if self.section not in ("recommendations", "concern", "improvement"):
            if current is not None:
                current.paragraphs.append([f"{marker} {rest}"])
            return
        if current is not None and current.kind == "concern":
            # The concern's last paragraph, ending in a colon, leads into its recommendations.
            last = current.paragraphs[-1] if current.paragraphs else []
            if last and last[-1].endswith(":"):
                self.lead_in = current.paragraphs.pop()
        elif (
            current is not None
            and current.kind == "improvement"
            and current.last_text().endswith(":")
        ):
            # "We found these areas for improvement:" leads into them; it is not one.
            self.lead_in = [t for p in current.paragraphs for t in p]
            self.current = None
        self.close()
        if self.section == "improvement":
            self.made_up["improvement"] += 1
            reference, finding_type = (
                f"AFI {self.made_up['improvement']}",
                FindingType.AREA_FOR_IMPROVEMENT,
            )
        elif self.concern:
            self.made_up["concern_bullet"] += 1
            reference = f"{self.concern} R{self.made_up['concern_bullet']}"
            finding_type = FindingType.RECOMMENDATION
        else:
            self.made_up["bullet"] += 1
            reference, finding_type = f"R{self.made_up['bullet']}", FindingType.RECOMMENDATION
        prefix = self.join(self.lead_in) if self.lead_in else ""
        self.start(_Open(reference, finding_type, line.page, "bullet", False, prefix))
        self.current.paragraphs.append([rest])  # type: ignore[union-attr]

    def plain(self, line: Line, new_paragraph: bool) -> None:
        current = self.current
        if current is not None and new_paragraph:
            keeps_going = (
                not current.has_text
                or current.kind == "concern"
                or (current.kind != "bullet" and current.last_text().endswith(":"))
            )
            if keeps_going:
                current.paragraphs.append([line.text])
                return
            self.close()
            current = None
        if current is not None:
            if not current.paragraphs:
                current.paragraphs.append([])
            current.paragraphs[-1].append(line.text)
            return
        if self.section == "improvement" and new_paragraph:
            self.made_up["improvement"] += 1
            self.start(
                _Open(
                    f"AFI {self.made_up['improvement']}",
                    FindingType.AREA_FOR_IMPROVEMENT,
                    line.page,
                    "improvement",
                    False,
                )
            )
            self.current.paragraphs.append([line.text])  # type: ignore[union-attr]
            return
        # Text between items: it may lead into a list of bullets.
        if new_paragraph:
            self.lead_in = [line.text]
        else:
            self.lead_in.append(line.text)

    def start(self, item: _Open) -> None:
        self.close()
        self.current = item

    def close(self) -> None:
        current, self.current = self.current, None
        if current is None or not current.has_text:
            return
        paragraphs = [self.join(p) for p in current.paragraphs if p]
        text = "\n".join(paragraphs)
        if current.prefix:
            text = f"{current.prefix} {text}"
        if current.kind == "improvement" and text.endswith(":"):
            self.made_up["improvement"] -= 1  # it leads into bullets, it is not one
            self.lead_in = [text]
            return
        key = (str(current.finding_type), current.reference.casefold())
        if key in self.seen:  # a summary's list repeated in the chapters: the first is kept
            return
        self.seen.add(key)
        self.items.append(
            Item(
                reference=current.reference,
                finding_type=str(current.finding_type),
                text=text,
                page=current.page,
                deadline_on=deadline_from_text(text),
                addressees=tuple(addressees_from_text(text)),
                reference_printed=current.printed,
            )
        )
        if current.kind == "bullet":
            return
        if current.kind != "concern":
            self.lead_in = []

    def join(self, texts: Iterable[str]) -> str:
        return join_lines(list(texts), self.vocabulary)


def _ends_with_colon_or_list(item: _Open) -> bool:
    """Whether the item leads into a list, or is in one, so a bullet after it is its own."""
    if item.last_text().endswith((":", ";", "; and", "; or")):
        return True
    last = item.paragraphs[-1] if item.paragraphs else []
    return bool(last) and bool(BULLET.match(last[0]))


def _starts_paragraph(line: Line, previous: Line | None) -> bool:
    """Whether the line starts a paragraph; at the top of a page or column, yes unless the
    line before it ran to the margin or stopped mid-sentence."""
    if previous is None:
        return True
    if not line.block_start:
        return line.paragraph_start
    return previous.text.endswith(SENTENCE_END) and not previous.fills_width


def _body_size(lines: list[Line]) -> float:
    sizes: dict[float, int] = {}
    for line in lines:
        sizes[line.size] = sizes.get(line.size, 0) + len(line.text)
    return max(sizes, key=lambda size: sizes[size]) if sizes else 0.0


def find_items(lines: list[Line]) -> list[Item]:
    """Every recommendation, cause of concern and area for improvement in the report's lines,
    in the order printed; an item whose type and reference were already found is left out."""
    return _Finder(lines).run()
