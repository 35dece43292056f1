"""Reading a job description: which parts list skills, which of those are "nice to have", and how
many years of experience it asks for. Shared by the app and the ranking evaluation."""

from __future__ import annotations

import re
from collections.abc import Sequence

from mlcore.skills import SkillMatch, SkillTaxonomy

Span = tuple[int, int]

NICE_HEADING = re.compile(
    r"^\W*(nice[\s-]to[\s-]have|preferred|bonus|pluses|a plus|desirable|good to have|"
    r"preferred qualifications)\b",
    re.IGNORECASE | re.MULTILINE,
)
SKILLS_HEADING = re.compile(
    r"^\W*(requirements|required|must[\s-]have|minimum qualifications|basic qualifications|"
    r"qualifications|what you bring|what we're looking for|what we are looking for|skills|"
    r"tech stack|technologies|you have|you bring)\b",
    re.IGNORECASE | re.MULTILINE,
)
# Any heading ends the section before it.
OTHER_HEADING = re.compile(
    r"^\W*(responsibilities|what you will do|what you'll do|about the role|about us|about the team|"
    r"who we are|benefits|what we offer|perks|compensation|salary|how to apply|the role|your role)\b",
    re.IGNORECASE | re.MULTILINE,
)
_YEARS = re.compile(r"(\d{1,2})\s*\+?\s*(?:[-–]\s*\d{1,2}\s*)?(?:years|yrs)\b", re.IGNORECASE)


def years_required_of(text: str) -> float | None:
    """The fewest years a description asks for ("3+ years", "2-4 yrs", "0-2 years" -> 0)."""
    years = [int(m.group(1)) for m in _YEARS.finditer(text) if int(m.group(1)) <= 30]
    return float(min(years)) if years else None


def _heading_starts(text: str) -> list[tuple[int, str]]:
    found = [(m.start(), "nice") for m in NICE_HEADING.finditer(text)]
    found += [(m.start(), "skills") for m in SKILLS_HEADING.finditer(text)]
    found += [(m.start(), "other") for m in OTHER_HEADING.finditer(text)]
    return sorted(found)


def sections(text: str) -> list[tuple[str, Span]]:
    """(kind, span) of each headed part: kind is "skills", "nice" or "other"."""
    starts = _heading_starts(text)
    return [
        (kind, (start, starts[i + 1][0] if i + 1 < len(starts) else len(text)))
        for i, (start, kind) in enumerate(starts)
    ]


def nice_spans(text: str) -> list[Span]:
    """Character ranges that sit under a "nice to have" heading."""
    return [span for kind, span in sections(text) if kind == "nice"]


def skill_contexts(text: str) -> list[Span]:
    """Where a job lists skills (requirement and nice-to-have sections), so that ambiguous skill
    names (Go, R, Word) count there and not in the prose around them."""
    return [span for kind, span in sections(text) if kind in ("skills", "nice")]


def split_requirements(
    text: str, taxonomy: SkillTaxonomy, extra_contexts: Sequence[Span] = ()
) -> tuple[list[SkillMatch], list[SkillMatch]]:
    """The skills a job asks for, split into required and nice-to-have by its headings."""
    nice = nice_spans(text)
    required, optional = [], []
    for match in taxonomy.extract(text, contexts=[*skill_contexts(text), *extra_contexts]):
        first = match.spans[0][0]
        (optional if any(a <= first < b for a, b in nice) else required).append(match)
    return required, optional
