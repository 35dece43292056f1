"""Reading a job description: which parts list skills, which of those are "nice to have", which
are company blurb, how many years of experience it asks for, and what a posting requires. Shared by
the app and the ranking evaluation."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from mlcore.skills import SkillMatch, SkillTaxonomy
from mlcore.terms import MAX_TERM_CHARS, split_term_list, term_key
from mlcore.text import split_sentences, word_count

Span = tuple[int, int]

# A heading may open with bullets or markup ("** Requirements"), never with earlier lines: "\W*"
# would cross blank lines, and many of them made every line start rescan all the blank ones below.
NICE_HEADING = re.compile(
    r"^[^\w\n]*(nice[\s-]to[\s-]have|preferred|bonus|pluses|a plus|desirable|good to have|"
    r"preferred qualifications)\b",
    re.IGNORECASE | re.MULTILINE,
)
SKILLS_HEADING = re.compile(
    r"^[^\w\n]*(requirements|required|must[\s-]have|minimum qualifications|basic qualifications|"
    r"qualifications|what you bring|what we're looking for|what we are looking for|skills|"
    r"tech stack|technologies|you have|you bring)\b",
    re.IGNORECASE | re.MULTILINE,
)
# Any heading ends the section before it.
OTHER_HEADING = re.compile(
    r"^[^\w\n]*(responsibilities|what you will do|what you'll do|about the role|about us|about the team|"
    r"who we are|benefits|what we offer|perks|compensation|salary|how to apply|the role|your role|"
    # The headings that open the job part after a company blurb ("About Acme").
    r"(?:key|main|primary|essential|core) (?:responsibilities|duties)|job (?:description|summary|duties)|"
    r"(?:role|position) (?:description|summary|overview)|about the (?:position|job|opportunity)|"
    r"what you will be doing|what you'll be doing)\b",
    re.IGNORECASE | re.MULTILINE,
)
# Headings of the parts that describe the company or the offer, not the candidate. "[^\w\n]*" as
# above: "\W*" crossed blank lines, and a long run of them took minutes.
BLURB_HEADING = re.compile(
    r"^[^\w\n]*(?:(about us|about the (?:company|organi[sz]ation|firm)|about the team|who we are|"
    r"our company|our mission|"
    r"company (?:overview|description|profile)|benefits|what we offer|perks|compensation|salary|"
    r"how to apply|equal (?:employment )?opportunit(?:y|ies))\b"
    # "About Acme:" as a line of its own or a label before a colon, but not "About the role".
    r"|about (?!\d|(?:the|this|our|you|your)\b)[^\n:.!?]{1,40}"
    r"(?::|$))",
    re.IGNORECASE | re.MULTILINE,
)
# Where the job part starts again after a blurb, also when the posting lost the line break after
# its heading ("ResponsibilitiesWorking with ...", "Key Responsibilities:Build ...").
_JOB_PART = re.compile(
    r"^[^\w\n]*(?:[a-z]+ ){0,2}(?:responsibilities|qualifications|requirements|duties|"
    r"(?:position|role|job) (?:summary|overview|description))(?=(?-i:[A-Z])|[:\s]|$)",
    re.IGNORECASE | re.MULTILINE,
)
# A sentence that marks what it names as optional ("Tableau is a plus", "preferred: CPA").
NICE_CUE = re.compile(
    r"\b(nice[\s-]to[\s-]have|preferred|preferably|a plus|an advantage|advantageous|bonus|"
    r"desired|desirable|ideally|good to have|would be great|optional|not required|helpful)\b",
    re.IGNORECASE,
)
# A sentence about the company, the offer or the law rather than the candidate.
BLURB_CUE = re.compile(
    r"\b(we are a|we're a|we are the|our (?:company|mission|team|clients|culture|customers|values)|"
    r"founded in|leading provider|is a leading|is proud|equal (?:employment )?opportunit(?:y|ies)|"
    r"eeo\b|without regard to|without discrimination|affirmative action|protected veteran|"
    r"how to apply|to apply,|apply (?:online|here|today|now)\b|"
    r"benefits include|we offer|paid time off|401\s?\(?k|health insurance|"
    r"dental (?:and|&) vision|dental insurance|vision insurance|employee discount|pay range|salary range|per hour|job type)",
    re.IGNORECASE,
)
# At most this many must-haves come from a posting: beyond it a posting lists its whole stack
# and the first-named, most-repeated skills are the ones it asks for.
MAX_POSTING_REQUIRED = 15
# "5+ years", "3 - 5 yrs". Each run of spaces is read once (possessive, one run either side of
# "+"): the old "\s*\+?\s*" tried every split of a long run of spaces, quadratic in its length.
_YEARS = re.compile(
    r"(\d{1,2})\s*+(?:\+\s*+)?(?:[-–]\s*+\d{1,2}\s*+)?(?:years|yrs)\b", re.IGNORECASE
)


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
    """The taxonomy skills a job asks for, split into required and nice-to-have (see
    :func:`posting_requirements`; free-text terms are left out)."""
    required, optional = [], []
    for req in posting_requirements(text, taxonomy, extra_contexts):
        if req.in_taxonomy:
            match = SkillMatch(name=req.name, kind=req.kind, spans=req.spans)
            (required if req.requirement == "required" else optional).append(match)
    return required, optional


@dataclass(frozen=True)
class PostingRequirement:
    """One requirement read from a job text: a taxonomy skill or a free-text term.

    ``requirement`` is "required" or "nice"; ``spans`` point into the text that was read;
    ``kind`` is the taxonomy kind ("technical", "soft", ...) or "term" for a free-text term.
    """

    name: str
    kind: str
    requirement: str
    spans: tuple[Span, ...]

    @property
    def in_taxonomy(self) -> bool:
        return self.kind != "term"


_LIST_LABEL = re.compile(
    r"^\W*(?:skills?|requirements?|required skills|must[\s-]haves?|key skills|"
    r"qualifications)\s*[:\-–]\s*",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?](?:\s+[A-Z]|\s*$)", re.MULTILINE)


def looks_like_term_list(text: str) -> bool:
    """True when a text is only a list of short terms ("Excel, GAAP, month-end close"), as
    recruiters paste a requirement sheet, rather than prose or a description with headings."""
    body = _LIST_LABEL.sub("", text.strip(), count=1)
    if not body or len(body) > 3000:
        return False
    if any(h.search(body) for h in (SKILLS_HEADING, NICE_HEADING, OTHER_HEADING)):
        return False
    # Two or more sentence ends: prose, even when its lines are short.
    if len(_SENTENCE_END.findall(body)) >= 2:
        return False
    items = split_term_list(body, max_terms=200)
    if len(items) < 2:
        return False
    words = [word_count(item) for item in items]
    return max(words) <= 8 and sum(words) / len(words) <= 4.5


class _Spans:
    """Sorted, non-overlapping spans that answer "which one holds this position?" by bisection,
    so a text with many matches and many sentences or sections costs no more than their sum."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.spans = sorted(spans)
        self.starts = [start for start, _ in self.spans]

    def find(self, position: int) -> Span | None:
        i = bisect_right(self.starts, position) - 1
        if i >= 0 and position < self.spans[i][1]:
            return self.spans[i]
        return None


def _blurb_spans(text: str) -> list[Span]:
    starts = sorted(
        [(m.start(), "blurb") for m in BLURB_HEADING.finditer(text)]
        + [(m.start(), "other") for m in SKILLS_HEADING.finditer(text)]
        + [(m.start(), "other") for m in NICE_HEADING.finditer(text)]
        + [
            (m.start(), "other")
            for m in OTHER_HEADING.finditer(text)
            if not BLURB_HEADING.match(text, m.start())
        ]
        + [(m.start(), "other") for m in _JOB_PART.finditer(text)]
    )
    return [
        (start, starts[i + 1][0] if i + 1 < len(starts) else len(text))
        for i, (start, kind) in enumerate(starts)
        if kind == "blurb"
    ]


# Where two list items or sentences were glued together when a posting lost its line breaks:
# "Office SuiteProficiency in ...", "scissor lift.Lean Manufacturing ...".
_GLUED = re.compile(r"(?<=[a-z][.)])(?=[A-Z])|(?<=[a-z]{3})(?=[A-Z][a-z]{2})")


def _glued_joins(text: str, sentence: Span, names: _Spans) -> list[int]:
    """Where a sentence was glued to the next item or sentence, in order. A join inside a
    skill's name ("JavaScript", "PowerPoint") is not one."""
    joins = []
    for m in _GLUED.finditer(text, *sentence):
        inside = names.find(m.start())
        if inside is None or inside[0] == m.start():
            joins.append(m.start())
    return joins


def _unglued_part(sentence: Span, joins: list[int], position: int) -> Span:
    """The part of a sentence around ``position`` between glued joins, so that "preferred" in
    the next, glued-on item does not make this one optional."""
    i = bisect_right(joins, position)
    return (joins[i - 1] if i else sentence[0], joins[i] if i < len(joins) else sentence[1])


def posting_requirements(
    text: str, taxonomy: SkillTaxonomy, extra_contexts: Sequence[Span] = ()
) -> list[PostingRequirement]:
    """What a job text asks for, split into must-have and nice-to-have by its wording.

    - A text that is only a list of terms makes every item a must-have: taxonomy skills by
      their canonical name, the rest as free-text terms.
    - Otherwise the taxonomy's skills found in the text count. A skill under a "nice to have"
      heading, or whose every mention sits in a sentence with "preferred", "a plus", "bonus" and
      the like, is nice-to-have. A skill named only in company blurb (an "About us" or
      "Benefits" part, or sentences such as "we are a leading ...", "equal opportunity") is left
      out. Soft skills ("Communication", "Teamwork") are never must-haves from a posting. At
      most :data:`MAX_POSTING_REQUIRED` must-haves are kept (first named first); the rest
      become nice-to-have.
    """
    if looks_like_term_list(text):
        return _list_requirements(text, taxonomy)
    nice_sections = _Spans(nice_spans(text))
    blurb_sections = _Spans(_blurb_spans(text))
    sentences = _Spans(split_sentences(text))
    matches = taxonomy.extract(text, contexts=[*skill_contexts(text), *extra_contexts])
    names = _Spans([span for m in matches for span in m.spans])
    # Each sentence is split at its glued joins once, and each part read for cues once, however
    # many skills it names: a long list in one sentence was searched again for every skill in
    # it, quadratic in its length.
    sentence_cuts: dict[Span, list[int]] = {}
    part_cue: dict[Span, str] = {}
    out: list[PostingRequirement] = []
    n_required = 0
    for match in matches:
        verdicts = []
        for start, _ in match.spans:
            if blurb_sections.find(start):
                verdicts.append("blurb")
                continue
            if nice_sections.find(start):
                verdicts.append("nice")
                continue
            sentence = sentences.find(start)
            if sentence is None:
                verdicts.append("required")
                continue
            if sentence not in sentence_cuts:
                sentence_cuts[sentence] = _glued_joins(text, sentence, names)
            part = _unglued_part(sentence, sentence_cuts[sentence], start)
            if part not in part_cue:
                chunk = text[part[0] : part[1]]
                part_cue[part] = (
                    "blurb"
                    if BLURB_CUE.search(chunk)
                    else "nice"
                    if NICE_CUE.search(chunk)
                    else "required"
                )
            verdicts.append(part_cue[part])
        kept = [
            span for span, verdict in zip(match.spans, verdicts, strict=True) if verdict != "blurb"
        ]
        if not kept:
            continue
        requirement = "required" if "required" in verdicts else "nice"
        if requirement == "required" and (
            match.kind == "soft" or n_required >= MAX_POSTING_REQUIRED
        ):
            requirement = "nice"
        n_required += requirement == "required"
        out.append(PostingRequirement(match.name, match.kind, requirement, tuple(kept)))
    return out


def _list_requirements(text: str, taxonomy: SkillTaxonomy) -> list[PostingRequirement]:
    out: list[PostingRequirement] = []
    seen: set[str] = set()
    label = _LIST_LABEL.match(text.strip())
    position = text.find(label.group()) + len(label.group()) if label else 0
    for item in split_term_list(text[position:], max_terms=50):
        start = text.find(item.split()[0], position) if item.split() else -1
        span = ((start, start + len(item)),) if start >= 0 and text[start:].startswith(item) else ()
        position = max(position, start + 1) if start >= 0 else position
        canonical = taxonomy.canonical(item)
        if canonical is not None:
            entry = taxonomy.entry(canonical)
            name, kind = canonical, entry.kind if entry else "technical"
        else:
            name, kind = item[:MAX_TERM_CHARS], "term"
        key = term_key(name)
        if key and key not in seen:
            seen.add(key)
            out.append(PostingRequirement(name, kind, "required", span))
    return out
