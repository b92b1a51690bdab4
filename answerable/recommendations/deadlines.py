"""Read a deadline written into a recommendation's text, such as "By 31 December 2024"."""

import calendar
import datetime
import re

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTH_PATTERN = "|".join(_MONTHS)
_DAY_MONTH_YEAR = re.compile(
    rf"\b(?:by|before|no later than)\s+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+"
    rf"({_MONTH_PATTERN})\s+(\d{{4}})\b",
    re.IGNORECASE,
)
_MONTH_YEAR = re.compile(
    rf"\b(?:by|before|no later than)\s+(?:the\s+end\s+of\s+)?({_MONTH_PATTERN})\s+(\d{{4}})\b",
    re.IGNORECASE,
)


def deadline_from_text(text: str) -> datetime.date | None:
    """Return the first deadline stated in the text; "By June 2025" means 30 June 2025."""
    match = _DAY_MONTH_YEAR.search(text)
    if match:
        day, month, year = int(match[1]), _MONTHS[match[2].lower()], int(match[3])
        try:
            return datetime.date(year, month, day)
        except ValueError:
            return None
    match = _MONTH_YEAR.search(text)
    if match:
        month, year = _MONTHS[match[1].lower()], int(match[2])
        return datetime.date(year, month, calendar.monthrange(year, month)[1])
    return None
