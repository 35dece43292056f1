"""Years of experience from date ranges ("Jan 2018 – Present", "2015-2019",
"03/2016 - 08/2020"), overlapping ranges merged, education ranges left out."""

from __future__ import annotations

import datetime as dt
import re

from .intervals import covered_length
from .model import Section

__all__ = ["find_date_ranges", "years_of_experience"]

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?:19[5-9]\d|20\d\d)"
# Spaces around the comma of "Jan, 2020" are read once (possessive): "\s*,?\s*" tried every
# split of a long run of spaces after a month name, quadratic in its length.
_DATE = (
    rf"(?:(?P<{{p}}mon>{_MONTH})\s*+(?:,\s*+)?'?(?P<{{p}}y1>{_YEAR})"
    rf"|(?P<{{p}}num>0?[1-9]|1[0-2])\s*[/.]\s*(?P<{{p}}y2>{_YEAR})"
    rf"|(?P<{{p}}y3>{_YEAR})(?:\s*[/.-]\s*(?P<{{p}}num2>0[1-9]|1[0-2])(?!\d))?)"
)
_PRESENT = r"(?P<present>present|current(?:ly)?|now|today|ongoing|till\s+date|to\s+date|date)"
_SEP = r"\s*(?:-|–|—|‒|−|~|to|until|till|through|thru)\s*"
_RANGE = re.compile(
    rf"(?<![\w/.]){_DATE.format(p='s')}{_SEP}(?:{_DATE.format(p='e')}|{_PRESENT})(?![\w/])",
    re.IGNORECASE,
)
_MAX_SPAN_MONTHS = 50 * 12


def _month_index(match: re.Match, prefix: str) -> int | None:
    g = match.groupdict()
    if g.get(f"{prefix}mon"):
        month = _MONTHS[g[f"{prefix}mon"][:3].lower()]
        return int(g[f"{prefix}y1"]) * 12 + month - 1
    if g.get(f"{prefix}num"):
        return int(g[f"{prefix}y2"]) * 12 + int(g[f"{prefix}num"]) - 1
    if g.get(f"{prefix}y3"):
        month = int(g[f"{prefix}num2"]) if g.get(f"{prefix}num2") else 1
        return int(g[f"{prefix}y3"]) * 12 + month - 1
    return None


def find_date_ranges(text: str, today: dt.date | None = None) -> list[tuple[int, int, int]]:
    """(offset, start, end) for each date range; start/end are month indexes
    (year * 12 + month - 1), end exclusive-ish: "Jan 2018 - Jan 2019" is 12 months."""
    today = today or dt.date.today()
    now = today.year * 12 + today.month - 1
    out = []
    for match in _RANGE.finditer(text):
        start = _month_index(match, "s")
        end = now if match.group("present") else _month_index(match, "e")
        if start is None or end is None:
            continue
        if match.group("present") and match.group("present").lower() == "date":
            # a bare "date" only counts after "till"/"to", e.g. "2019 to Date"
            sep = text[match.start() : match.end()].lower()
            if not re.search(r"(?:till|to|until)\s*date$", sep):
                continue
        if end < start or end > now + 1 or end - start > _MAX_SPAN_MONTHS:
            continue
        out.append((match.start(), start, end))
    return out


def years_of_experience(
    text: str, sections: tuple[Section, ...] = (), today: dt.date | None = None
) -> float | None:
    """Total years covered by the work date ranges, overlaps merged, one decimal.

    When an experience section holds ranges only those count; otherwise every range
    outside education (and certification) sections counts. None when no range.
    """
    ranges = find_date_ranges(text, today)
    if not ranges:
        return None
    experience = [s for s in sections if s.name == "experience"]
    chosen = [r for r in ranges if any(s.start <= r[0] < s.end for s in experience)]
    if not chosen:
        excluded = [s for s in sections if s.name in ("education", "certifications")]
        chosen = [r for r in ranges if not any(s.start <= r[0] < s.end for s in excluded)]
    if not chosen:
        return None
    months = covered_length((start, end) for _, start, end in chosen)
    return round(months / 12, 1)
