"""Owners an import names that the register does not know, and what the office says they mean.

Reports name owners as they please: "Telford & Wrekin Council", "Schools / Telford and Wrekin
Council", "All relevant agencies". A name that is not an organisation's name or short name,
nor one the office's earlier imports taught (an alias), is listed with the organisations it
most resembles; the office maps it to one or more organisations, existing or created with
the import. The choices travel with the import (`OwnerDecisions`) and are written in its
transaction, the names remembered as aliases so the next file matches without asking.
"""

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from answerable.core.tables import cell_text
from answerable.organisations.models import Organisation, organisation_name_key
from answerable.organisations.selectors import organisation_list
from answerable.recommendations.tables import Table

SUGGESTIONS = 3
# Below this likeness (difflib's ratio of the folded names) a name is no suggestion at all.
SUGGESTION_CUTOFF = 0.6
# Words too common in organisations' names to say which one is meant.
COMMON_WORDS = frozenset({"and", "the", "of", "for", "in", "council", "police", "nhs", "service"})
# The organisations sharing most words with a name that are compared with it.
CANDIDATES = 200
MAPPING_COLUMNS = ("value", "organisation")
BRACKETS = frozenset("()[]")
MAPPING_OPTIONAL_COLUMNS = ("type",)


def _split_outside_brackets(text: str, separators: str) -> list[str]:
    """Split on any of `separators` where no bracket is open: "NHS (then CCGs; now ICB)" is one."""
    if not BRACKETS.intersection(text):  # most cells: no bracket, so every separator splits
        split = re.split(f"[{re.escape(separators)}]", text)
        return [part.strip() for part in split if part.strip()]
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for character in text:
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(character, 0)
        if character in separators and depth <= 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(character)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def owner_names(cell: str) -> list[str]:
    """The owners a cell names: separated by ";" outside brackets, each once."""
    return list(dict.fromkeys(_split_outside_brackets(cell, ";")))


def name_parts(value: str) -> list[str]:
    """The pieces a name may be made of, to suggest an organisation for each.

    "Schools / Telford & Wrekin Council" gives "Schools" and "Telford & Wrekin Council"; the
    words in brackets and either side of " and " are tried too.
    """
    parts = _split_outside_brackets(value, ";/")
    for bracketed in re.findall(r"[(\[]([^()\[\]]*)[)\]]", value):
        parts += _split_outside_brackets(bracketed, ";/,")
    parts.append(re.sub(r"\s*[(\[][^()\[\]]*[)\]]", "", value).strip())
    for part in list(parts):
        parts += [p.strip() for p in re.split(r"\s+and\s+", part) if p.strip()]
    return [p for p in dict.fromkeys(parts) if p and p != value]


@dataclass(frozen=True)
class NewOrganisation:
    """An organisation to create with the import, in the office's area."""

    name: str
    kind: str
    short_name: str = ""


@dataclass
class OwnerDecisions:
    """The office's answer for each owner name it was asked about, by the name's key.

    `existing` maps a key to organisation ids; `created` to names of `new_organisations`.
    """

    existing: dict[str, list[int]] = field(default_factory=dict)
    created: dict[str, list[str]] = field(default_factory=dict)
    new_organisations: list[NewOrganisation] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.existing or self.created or self.new_organisations)

    def add(self, value: str, *, organisation_id: int | None = None, new: str = "") -> None:
        key = organisation_name_key(value)
        if organisation_id is not None:
            ids = self.existing.setdefault(key, [])
            if organisation_id not in ids:
                ids.append(organisation_id)
        if new:
            names = self.created.setdefault(key, [])
            if new not in names:
                names.append(new)

    def add_new_organisation(self, organisation: NewOrganisation) -> None:
        wanted = organisation_name_key(organisation.name)
        if all(organisation_name_key(o.name) != wanted for o in self.new_organisations):
            self.new_organisations.append(organisation)

    def as_json(self) -> dict[str, Any]:
        return {
            "existing": self.existing,
            "created": self.created,
            "new_organisations": [
                {"name": o.name, "kind": o.kind, "short_name": o.short_name}
                for o in self.new_organisations
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> "OwnerDecisions":
        data = data or {}
        return cls(
            existing={str(k): [int(i) for i in v] for k, v in data.get("existing", {}).items()},
            created={str(k): [str(n) for n in v] for k, v in data.get("created", {}).items()},
            new_organisations=[NewOrganisation(**o) for o in data.get("new_organisations", [])],
        )


@dataclass
class Suggestion:
    organisation: Organisation
    score: float

    @property
    def is_same_name(self) -> bool:
        """The name, or a part of it, differs from the organisation's only in the folding."""
        return self.score >= 1.0


@dataclass
class UnknownOwner:
    """An owner name the register does not know, with the rows naming it."""

    key: str
    value: str
    rows: list[int]
    problem: str
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def rows_text(self) -> str:
        shown = ", ".join(str(r) for r in self.rows[:10])
        more = f" and {len(self.rows) - 10} more" if len(self.rows) > 10 else ""
        return f"row{'s' if len(self.rows) > 1 else ''} {shown}{more}"


def suggest(
    unknown: list[UnknownOwner],
    organisations: list[Organisation],
    aliases: dict[str, list[Organisation]],
) -> None:
    """Give each unknown name the organisations most like it, or like one of its parts."""
    if not unknown:
        return
    names: dict[str, list[Organisation]] = {}
    for organisation in organisations:
        if organisation.is_archived:
            continue
        for name in (organisation.name, organisation.short_name):
            if name.strip():
                names.setdefault(organisation_name_key(name), []).append(organisation)
    for key, known in aliases.items():
        for organisation in known:
            if not organisation.is_archived:
                names.setdefault(key, []).append(organisation)
    # Only names sharing a word with the text are compared: difflib over every organisation
    # in the country, for each unknown name, took seconds.
    by_word: dict[str, set[str]] = {}
    for name in names:
        for word in set(name.split()) - COMMON_WORDS:
            by_word.setdefault(word, set()).add(name)
    matcher = difflib.SequenceMatcher(autojunk=False)
    for owner in unknown:
        scores: dict[int, Suggestion] = {}
        texts = {owner.key, *(organisation_name_key(p) for p in name_parts(owner.value))}
        for text in filter(None, texts):
            shared = Counter(
                name for word in set(text.split()) for name in by_word.get(word, ())
            ).most_common(CANDIDATES)
            matcher.set_seq2(text)
            for name in [text] * (text in names) + [name for name, _count in shared]:
                matcher.set_seq1(name)
                # The cheap upper bounds first, as difflib.get_close_matches does.
                if (
                    matcher.real_quick_ratio() < SUGGESTION_CUTOFF
                    or matcher.quick_ratio() < SUGGESTION_CUTOFF
                ):
                    continue
                score = 1.0 if name == text else matcher.ratio()
                if score < SUGGESTION_CUTOFF:
                    continue
                for organisation in names[name]:
                    found = scores.get(organisation.pk)
                    if found is None or found.score < score:
                        scores[organisation.pk] = Suggestion(organisation, score)
        ranked = sorted(scores.values(), key=lambda s: (-s.score, s.organisation.name))
        # Every organisation a part names exactly, then the closest others, to three or more.
        same = [s for s in ranked if s.is_same_name]
        owner.suggestions = (
            same + [s for s in ranked if not s.is_same_name][: max(0, SUGGESTIONS - len(same))]
        )


def owner_decisions_read(table: Table, *, file_name: str, create: bool) -> OwnerDecisions:
    """Read a mapping file, one `value,organisation` pair a row, into the office's decisions.

    Several rows for one value give it several owners. An organisation is found by its name
    or short name, ignoring case, "&"/"and" and punctuation; one not found is created with the
    import when `create` is true (as `type`, or Other), and is an error naming the row if not.
    Raises a ValidationError listing every problem.
    """
    headers = [h.strip().casefold() for h in table.headers]
    problems = [
        f"{file_name}: the column “{header}” is not one the mapping file has. Its columns are "
        f"{', '.join(MAPPING_COLUMNS)} and, if you want, {', '.join(MAPPING_OPTIONAL_COLUMNS)}"
        for header in headers
        if header not in MAPPING_COLUMNS + MAPPING_OPTIONAL_COLUMNS
    ] + [
        f"{file_name}: there is no “{column}” column"
        for column in MAPPING_COLUMNS
        if column not in headers
    ]
    if problems:
        raise ValidationError(problems)
    column = {name: headers.index(name) for name in headers}
    found = _OrganisationNames()
    decisions = OwnerDecisions()
    # Organisations to create, by key: the name as first written and its type, if given.
    new: dict[str, tuple[str, str]] = {}
    for number, cells in table.rows:

        def text(name: str, cells: list[Any] = cells) -> str:
            return cell_text(cells[column[name]]) if name in column else ""

        value, name, kind_text = text("value"), text("organisation"), text("type")
        where = f"{file_name} row {number}"
        if not value:
            problems.append(f"{where}: enter the owner value as the file writes it")
        if not name:
            problems.append(f"{where}: enter the organisation the value means")
        if not value or not name:
            continue
        matches = found.get(name)
        organisation = matches[0] if len(matches) == 1 else None
        if len(matches) > 1:
            problems.append(
                f"{where}: {name} could be "
                + " or ".join(o.name for o in matches)
                + ". Use the organisation's full name"
            )
        elif organisation is not None and organisation.is_archived:
            problems.append(f"{where}: {organisation.name} is archived")
        elif organisation is not None:
            decisions.add(value, organisation_id=organisation.pk)
        elif not create:
            problems.append(
                f"{where}: {name} is not an organisation in Answerable. Check its name, or "
                "give --create-organisations to create it"
            )
        else:
            kind = _kind(kind_text)
            if kind is None:
                problems.append(
                    f"{where}: {kind_text} is not a type of organisation. Enter one of "
                    + ", ".join(k for k in Organisation.Kind.values if k != "pcc_office")
                )
                continue
            key = organisation_name_key(name)
            named, first_kind = new.get(key, (name, ""))
            if kind_text and first_kind and kind != first_kind:
                problems.append(f"{where}: {name} is given another type in an earlier row")
            new[key] = (named, first_kind or (kind if kind_text else ""))
            decisions.add(value, new=named)
    if problems:
        raise ValidationError(problems)
    for name, kind in new.values():
        decisions.add_new_organisation(
            NewOrganisation(name=name, kind=kind or Organisation.Kind.OTHER)
        )
    return decisions


def _kind(text: str) -> str | None:
    if not text:
        return Organisation.Kind.OTHER
    wanted = organisation_name_key(text).replace(" ", "_")
    for value, label in Organisation.Kind.choices:
        if value == Organisation.Kind.PCC_OFFICE:
            continue
        if wanted in (value, organisation_name_key(str(label)).replace(" ", "_")):
            return value
    return None


class _OrganisationNames:
    """Every organisation, found by its name or unique short name, as the folded key."""

    def __init__(self) -> None:
        self.by_key: dict[str, list[Organisation]] = {}
        for organisation in organisation_list(include_archived=True):
            keys = {organisation_name_key(organisation.name)}
            if organisation.short_name.strip():
                keys.add(organisation_name_key(organisation.short_name))
            for key in keys:
                self.by_key.setdefault(key, []).append(organisation)

    def get(self, name: str) -> list[Organisation]:
        """The organisations the name may mean: its own name first, if one has it."""
        found = self.by_key.get(organisation_name_key(name), [])
        exact = [o for o in found if o.name.casefold() == name.strip().casefold()]
        return exact or found
