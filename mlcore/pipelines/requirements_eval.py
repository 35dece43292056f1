"""How a posting's requirements are split: must-have and nice-to-have counts, soft skills and
company-blurb evidence among the must-haves, beside the baseline "every skill found is a must-have".

Plain data in, plain data out: the caller reads the postings and converts them as the app does.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from mlcore.jobtext import posting_requirements, skill_contexts
from mlcore.skills import SkillMatch, SkillTaxonomy
from mlcore.text import split_sentences

__all__ = [
    "NOISE_LABELS",
    "PostingCounts",
    "baseline_skills",
    "blurb_paragraphs",
    "count_posting",
    "precision_on_labels",
    "summarize",
]

Span = tuple[int, int]

# The evaluation's own blurb detector. It is deliberately not mlcore.jobtext's: that one decides
# what the product drops, so measuring with it would score the product against itself. This one
# reads paragraphs (lines), knows the company's name, and has a wider list of headings.
_HEADING_TEXT = re.compile(r"^[^\w\n]*([A-Za-z][A-Za-z0-9 '’&/,()-]{0,70}?)\s*(?::|$)")
_BLURB_HEADING = re.compile(
    r"^(about (?!(?:the |this )?(?:role|job|position|you|opportunity))[\w '’&.-]+|who we are|"
    r"our (?:company|story|mission|culture|values|team|benefits|commitment)|"
    r"company (?:overview|description|profile|info|information|summary)|why (?:join|work|us)\b.*|"
    r"benefits?\b.*|perks\b.*|what we offer|we offer|compensation\b.*|pay\b.*|salary\b.*|"
    r"equal (?:employment )?opportunity.*|eeo\b.*|diversity\b.*|life at .*|culture)$",
    re.IGNORECASE,
)
# Headings of the parts about the candidate or the work: they end a blurb part.
_OTHER_HEADING = re.compile(
    r"^(.*(?:requirements?|qualifications?|responsibilities|duties|skills|experience|education|"
    r"summary|overview|description|essential|preferred|nice to have|bonus|the role|the job|"
    r"the position|about you|who you are|what you.*|you (?:have|bring|will)|schedule|"
    r"location|knowledge|abilities|certifications?|licen[cs]es?))$",
    re.IGNORECASE,
)
# A line that opens with a job-side heading glued to its text ("Key ResponsibilitiesBuild ...").
_OTHER_OPENING = re.compile(
    r"^[^\w\n]*(?:key |essential |job |primary )?(?:responsibilities|requirements|qualifications|"
    r"duties|position (?:overview|summary)|job (?:summary|description|overview)|role overview)",
    re.IGNORECASE,
)
# A paragraph whose first sentence is about the company, the offer or the law.
_BLURB_OPENING = re.compile(
    r"\b(we are (?:a|an|the|proud|committed)|we're (?:a|an|the)|our (?:company|mission|team|"
    r"clients|culture|customers|values|firm|organization)|founded in|since \d{4}|"
    r"equal (?:employment )?opportunity|without regard to|protected veteran|"
    r"reasonable accommodation|e-?verify|401\s?\(?k|paid time off|\bpto\b|"
    r"(?:medical|health|dental|vision|life) insurance|medical, dental|health, dental|"
    r"benefits (?:include|package)|we offer|pay range|salary range|compensation range|"
    r"tuition reimbursement|employee discount)",
    re.IGNORECASE,
)
_COMPANY_VERBS = r"(?:is|was|are|has|have|provides|offers|specializes|serves|delivers|helps|"
_COMPANY_VERBS += r"operates|builds|creates|believes|strives|exists|began|started|leads)"
# "Acme is seeking a ...": the company as the subject of the job's opening, not a blurb.
_HIRING = re.compile(r"\b(?:seeking|looking for|hiring|seeks|searching for|recruiting for)\b", re.I)
# One line of a posting is one paragraph; a posting with few line breaks is read by sentence.
_LONG_LINE = 1000


# Postings that lost their line breaks glue items together ("Office SuiteProficiency in",
# "scissor lift.Lean Manufacturing"): such a join starts a new paragraph.
_GLUED = re.compile(r"(?<=[a-z][.)])(?=[A-Z])|(?<=[a-z]{3})(?=[A-Z][a-z]{2})")


def _paragraphs(text: str) -> list[Span]:
    out: list[Span] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            if len(line) > _LONG_LINE:
                pieces = [(start + a, start + b) for a, b in split_sentences(line)]
            else:
                pieces = [(start, end)]
            for a, b in pieces:
                cuts = [a, *(m.start() for m in _GLUED.finditer(text, a, b)), b]
                out.extend((x, y) for x, y in itertools.pairwise(cuts) if x < y)
        start = end + 1
    return out


def _company_opening(company: str) -> re.Pattern[str] | None:
    words = re.findall(r"[A-Za-z0-9&]+", company)
    # "Acme Inc" -> "Acme"; short names ("HR") would match too much prose.
    name = " ".join(w for w in words if w.lower() not in {"inc", "llc", "llp", "ltd", "corp"})
    if len(name) < 4:
        return None
    first = re.escape(name.split()[0])
    return re.compile(rf"^\W*(?:the\s+)?{first}\b[^.]{{0,80}}?\b{_COMPANY_VERBS}\b", re.IGNORECASE)


def blurb_paragraphs(text: str, company: str = "") -> list[Span]:
    """Paragraphs of a posting about the company, its benefits or the law (EEO), not the job.

    A paragraph is a line (or a sentence of a line over 1,000 characters), cut where the posting
    glued two items together ("...Office SuiteProficiency in ..."). It is blurb when it
    sits under a blurb heading ("About us", "About Acme", "Who we are", "Company overview",
    "Benefits", "What we offer", "Equal opportunity", ...) up to the next heading about the job
    or the candidate, or when its first sentence opens with the company's name and a verb
    ("Acme is ...", "Acme has provided ...") or speaks of the company, benefits or EEO
    ("we are a", "our mission", "401(k)", "without regard to").
    """
    company_re = _company_opening(company) if company else None
    out: list[Span] = []
    in_blurb = False
    for start, end in _paragraphs(text):
        paragraph = text[start:end]
        heading = _HEADING_TEXT.match(paragraph)
        label = heading.group(1).strip() if heading else ""
        # A heading is a short line, or a short label before a colon that opens a line.
        is_heading = bool(label) and len(label.split()) <= 6
        is_heading = is_heading and (
            len(paragraph.strip()) <= len(label) + 2 or paragraph[heading.end() - 1] == ":"
        )
        if is_heading and _BLURB_HEADING.match(label):
            in_blurb = True
        elif (is_heading and _OTHER_HEADING.match(label)) or _OTHER_OPENING.match(paragraph):
            in_blurb = False
        body = paragraph
        if heading and paragraph[heading.end() - 1 : heading.end()] == ":":
            # "Company Overview:Acme is ..." - the first sentence starts after the label.
            body = paragraph[heading.end() :]
        sentences = split_sentences(body)
        first = body[sentences[0][0] : sentences[0][1]] if sentences else body
        opens_as_blurb = bool(_BLURB_OPENING.search(first)) or bool(
            company_re and company_re.search(first) and not _HIRING.search(first)
        )
        if in_blurb or opens_as_blurb:
            out.append((start, end))
    return out


@dataclass(frozen=True)
class PostingCounts:
    """The requirements of one posting as the product splits them, and the baseline's."""

    key: str
    must: tuple[str, ...]
    nice: tuple[str, ...]
    must_soft: tuple[str, ...]
    must_blurb: tuple[str, ...]
    baseline_must: tuple[str, ...]
    baseline_soft: tuple[str, ...]
    baseline_blurb: tuple[str, ...]

    def to_dict(self) -> dict:
        row = asdict(self)
        for name in ("must", "nice", "baseline_must"):
            row[f"n_{name}"] = len(row[name])
        return row


def _inside(spans: Sequence[Span], regions: Sequence[Span]) -> bool:
    """Every span lies in some region (no spans: False)."""
    return bool(spans) and all(any(a <= s and e <= b for a, b in regions) for s, e in spans)


def baseline_skills(
    text: str, taxonomy: SkillTaxonomy, contexts: Sequence[Span] = ()
) -> tuple[SkillMatch, ...]:
    """Every skill found in a posting, read as the product reads it (the requirement sections
    and ``contexts`` let ambiguous names such as "Excel" or "Go" count), before any split."""
    return taxonomy.extract(text, contexts=[*skill_contexts(text), *contexts])


def count_posting(
    key: str,
    text: str,
    taxonomy: SkillTaxonomy,
    *,
    contexts: Sequence[Span] = (),
    company: str = "",
) -> PostingCounts:
    """Split one posting with :func:`mlcore.jobtext.posting_requirements` and the baseline.

    A must-have counts as blurb when every span of its evidence (the spans the product keeps)
    lies in a :func:`blurb_paragraphs` paragraph, and as soft when its taxonomy kind is "soft".
    The baseline makes every skill of :func:`baseline_skills` a must-have.
    """
    blurb = blurb_paragraphs(text, company)
    found = posting_requirements(text, taxonomy, contexts)
    must = [r for r in found if r.requirement == "required"]
    baseline = baseline_skills(text, taxonomy, contexts)
    return PostingCounts(
        key=key,
        must=tuple(r.name for r in must),
        nice=tuple(r.name for r in found if r.requirement != "required"),
        must_soft=tuple(r.name for r in must if r.kind == "soft"),
        must_blurb=tuple(r.name for r in must if _inside(r.spans, blurb)),
        baseline_must=tuple(m.name for m in baseline),
        baseline_soft=tuple(m.name for m in baseline if m.kind == "soft"),
        baseline_blurb=tuple(m.name for m in baseline if _inside(m.spans, blurb)),
    )


def _percentile(values: Sequence[int], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    # Nearest rank: the smallest value with at least q of the postings at or below it.
    rank = max(1, -(-len(ordered) * q // 1))
    return float(ordered[int(rank) - 1])


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def summarize(counts: Sequence[PostingCounts]) -> dict:
    """Aggregate figures, the product's and the baseline's side by side."""

    def side(must, soft, blurb, nice=None) -> dict:
        n_must = [len(m) for m in must]
        out = {
            "postings": len(n_must),
            "must_total": sum(n_must),
            "must_median": float(statistics.median(n_must)) if n_must else 0.0,
            "must_p90": _percentile(n_must, 0.9),
            "must_max": max(n_must, default=0),
            "postings_without_must": sum(n == 0 for n in n_must),
            "soft_share_of_must": _share(sum(len(s) for s in soft), sum(n_must)),
            "blurb_share_of_must": _share(sum(len(b) for b in blurb), sum(n_must)),
        }
        if nice is not None:
            out["nice_total"] = sum(len(n) for n in nice)
            out["share_with_nice"] = _share(sum(bool(n) for n in nice), len(n_must))
        return out

    return {
        "product": side(
            [c.must for c in counts],
            [c.must_soft for c in counts],
            [c.must_blurb for c in counts],
            [c.nice for c in counts],
        ),
        "baseline": side(
            [c.baseline_must for c in counts],
            [c.baseline_soft for c in counts],
            [c.baseline_blurb for c in counts],
            [() for _ in counts],
        ),
    }


# Hand labels of extracted must-haves: only "requirement" is a fair must-have.
NOISE_LABELS = ("optional", "soft", "blurb", "misread")


def precision_on_labels(
    counts: Mapping[str, PostingCounts], labels: Mapping[str, Mapping[str, str]]
) -> dict:
    """Precision of must-haves against hand labels ``{posting: {skill: label}}``.

    A label is "requirement" (the posting asks the candidate for it) or one of
    :data:`NOISE_LABELS`. Must-haves with no label are counted as unlabelled, not guessed.
    ``requirements_kept`` is the share of skills labelled "requirement" that are must-haves.
    """
    out = {}
    asked = sum(label == "requirement" for ls in labels.values() for label in ls.values())
    for side in ("must", "baseline_must"):
        good = noise = unlabelled = 0
        by_label: dict[str, int] = {}
        for key, posting_labels in labels.items():
            for name in getattr(counts[key], side):
                label = posting_labels.get(name)
                if label is None:
                    unlabelled += 1
                    continue
                by_label[label] = by_label.get(label, 0) + 1
                good += label == "requirement"
                noise += label != "requirement"
        out["product" if side == "must" else "baseline"] = {
            "postings": len(labels),
            "must_labelled": good + noise,
            "requirement": good,
            "noise": noise,
            "unlabelled": unlabelled,
            "by_label": dict(sorted(by_label.items())),
            "precision": _share(good, good + noise),
            # Share of the skills labelled "requirement" that are must-haves (baseline: 1).
            "requirements_kept": _share(good, asked),
        }
    return out
