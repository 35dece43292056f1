"""The hybrid match score: a weighted blend of semantic similarity, shared keywords, must-have
coverage (exact and related), nice-to-have coverage, category agreement and experience fit, on
0-100, with a breakdown whose parts add up to the total. The weights are fitted on labelled pairs
(``mlcore.retrieval.fit``); the model stays additive, so every part is a number of points.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields

__all__ = [
    "DEFAULT_EXCLUDED_CAP",
    "DEFAULT_SIMILARITY_RANGE",
    "KEYWORD_RANGE",
    "PART_NAMES",
    "RELATED_RANGE",
    "REQUIRED_PRIOR",
    "MatchSignals",
    "MatchWeights",
    "ScoreBreakdown",
    "ScoreWeights",
    "part_values",
    "rescale_similarity",
    "score",
]

# all-MiniLM-L6-v2 cosines between a resume and a job sit between 0.15 (unrelated) and 0.65 (a
# very close fit) for 90% of real pairs. They are mapped linearly onto 0..1 over this range and
# clipped, so the semantic part uses its whole scale instead of a narrow band in the middle.
DEFAULT_SIMILARITY_RANGE: tuple[float, float] = (0.15, 0.65)
# Keyword (TF-IDF) cosines of real pairs: 0.01-0.25 for 95% of them.
KEYWORD_RANGE: tuple[float, float] = (0.0, 0.25)
# A must-have's cosine to the closest passage of a resume: 0.2 says nothing, 0.7 says it is there.
RELATED_RANGE: tuple[float, float] = (0.2, 0.7)
# Must-have coverage is shrunk toward this share by this many pseudo-requirements, so that "1 of
# 1" (little evidence) does not beat "8 of 10" (much evidence).
REQUIRED_PRIOR: tuple[float, float] = (0.25, 1.0)
# A candidate who has a skill the job excludes scores at most this much, whatever else fits.
DEFAULT_EXCLUDED_CAP = 40.0

# Order of the parts in every breakdown; "excluded" is zero or negative.
PART_NAMES: tuple[str, ...] = (
    "semantic",
    "keywords",
    "required",
    "related",
    "nice",
    "category",
    "experience",
    "excluded",
)


@dataclass(frozen=True)
class ScoreWeights:
    """Relative weights of the score parts; any non-negative numbers with a positive sum.

    They are normalised to sum to 1 when scoring, so ``(2, 1, ...)`` and ``(0.2, 0.1, ...)``
    give the same scores.
    """

    semantic: float = 0.40
    keywords: float = 0.30
    required: float = 0.10
    related: float = 0.12
    nice: float = 0.02
    category: float = 0.04
    experience: float = 0.02

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(f"Weight {f.name!r} must be a number, got {value!r}.")
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"Weight {f.name!r} must be finite and >= 0, got {value!r}.")
            object.__setattr__(self, f.name, float(value))
        if sum(self.as_dict().values()) <= 0:
            raise ValueError("At least one score weight must be positive.")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, float] | None) -> ScoreWeights:
        """Weights from a mapping such as the ``score.weights`` block of params.yaml.

        Missing keys keep their defaults; an unknown key raises ``ValueError`` so that a typo
        does not silently leave a default in place.
        """
        if not mapping:
            return cls()
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(mapping) - known)
        if unknown:
            raise ValueError(
                f"Unknown score weight(s) {', '.join(unknown)}; expected some of "
                f"{', '.join(sorted(known))}."
            )
        return cls(**dict(mapping))

    def as_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in _WEIGHT_NAMES}

    def normalised(self) -> dict[str, float]:
        """The weights scaled to sum to 1."""
        weights = self.as_dict()
        total = sum(weights.values())
        return {name: value / total for name, value in weights.items()}


_WEIGHT_NAMES = tuple(f.name for f in fields(ScoreWeights))
_DEFAULT_WEIGHTS = ScoreWeights()
# Requirements a person wrote are what the ranking should follow; requirements read out of a
# posting's prose are hints (noisy: company blurb, whole tech stacks). Fitted on judgements.
_DEFAULT_EXPLICIT = ScoreWeights(
    semantic=0.20,
    keywords=0.35,
    required=0.15,
    related=0.25,
    nice=0.0,
    category=0.03,
    experience=0.02,
)


@dataclass(frozen=True)
class MatchWeights:
    """The two weightings of the score: ``extracted`` for jobs whose requirements were read
    out of a posting, ``explicit`` for jobs whose requirements a person wrote."""

    extracted: ScoreWeights = _DEFAULT_WEIGHTS
    explicit: ScoreWeights = _DEFAULT_EXPLICIT

    def for_job(self, explicit: bool) -> ScoreWeights:
        return self.explicit if explicit else self.extracted

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Mapping[str, float]] | None) -> MatchWeights:
        """From ``{"extracted": {...}, "explicit": {...}}`` (params.yaml, a model version)."""
        mapping = mapping or {}
        unknown = sorted(set(mapping) - {"extracted", "explicit"})
        if unknown:
            raise ValueError(
                f"Unknown weighting(s) {', '.join(unknown)}; expected extracted, explicit."
            )
        return cls(
            extracted=ScoreWeights.from_mapping(mapping.get("extracted"))
            if mapping.get("extracted")
            else _DEFAULT_WEIGHTS,
            explicit=ScoreWeights.from_mapping(mapping.get("explicit"))
            if mapping.get("explicit")
            else _DEFAULT_EXPLICIT,
        )

    def as_dict(self) -> dict[str, dict[str, float]]:
        return {"extracted": self.extracted.as_dict(), "explicit": self.explicit.as_dict()}


@dataclass(frozen=True)
class MatchSignals:
    """Everything the score needs about one (resume, job) pair, computed elsewhere
    (``mlcore.retrieval.pairs``).

    Skill names are canonical taxonomy names or free-text terms; ``candidate_skills`` holds
    those the resume proves. They are compared case-insensitively. ``keyword_similarity`` and
    ``related_similarity`` are cosines (TF-IDF; must-haves to the closest resume passages),
    ``None`` when unknown.
    """

    doc_similarity: float
    keyword_similarity: float | None = None
    related_similarities: tuple[float, ...] = ()
    required: tuple[str, ...] = ()
    nice: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    candidate_skills: frozenset[str] = frozenset()
    resume_category: str | None = None
    job_category: str | None = None
    category_confidence: float | None = None
    job_category_confidence: float | None = None
    years_experience: float | None = None
    years_required: float | None = None

    def __post_init__(self) -> None:
        for name in (
            "doc_similarity",
            "keyword_similarity",
            "category_confidence",
            "job_category_confidence",
            "years_experience",
            "years_required",
        ):
            value = getattr(self, name)
            if value is None and name != "doc_similarity":
                continue
            # numbers.Real admits numpy scalars (a cosine is often an np.float32).
            if not isinstance(value, numbers.Real) or not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number, got {value!r}.")
            object.__setattr__(self, name, float(value))
        for name in ("required", "nice", "excluded"):
            value = getattr(self, name)
            if isinstance(value, str):
                raise TypeError(f"{name} must be a sequence of skill names, not a str.")
            object.__setattr__(self, name, tuple(value))
        related = tuple(float(v) for v in self.related_similarities)
        if not all(math.isfinite(v) for v in related):
            raise ValueError("related_similarities must be finite numbers.")
        object.__setattr__(self, "related_similarities", related)
        if isinstance(self.candidate_skills, str):
            raise TypeError("candidate_skills must be a set of skill names, not a str.")
        object.__setattr__(self, "candidate_skills", frozenset(self.candidate_skills))


@dataclass(frozen=True)
class ScoreBreakdown:
    """The score and how it was made.

    ``parts`` maps every name of :data:`PART_NAMES` to its contribution in points, rounded to
    0.01 so that the parts add up to ``total`` exactly in hundredths
    (``sum(round(p * 100) for p in parts.values()) == round(total * 100)``).
    """

    total: float
    parts: Mapping[str, float]
    matched_required: tuple[str, ...] = ()
    missing_required: tuple[str, ...] = ()
    matched_nice: tuple[str, ...] = ()
    missing_nice: tuple[str, ...] = ()
    excluded_present: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "total": self.total,
            "parts": dict(self.parts),
            "matched_required": list(self.matched_required),
            "missing_required": list(self.missing_required),
            "matched_nice": list(self.matched_nice),
            "missing_nice": list(self.missing_nice),
            "excluded_present": list(self.excluded_present),
        }


def rescale_similarity(
    similarity: float, similarity_range: tuple[float, float] = DEFAULT_SIMILARITY_RANGE
) -> float:
    """Map a cosine linearly from ``similarity_range`` onto 0..1, clipping outside values."""
    low, high = similarity_range
    if not high > low:
        raise ValueError(f"similarity_range must be increasing, got {similarity_range!r}.")
    return min(max((similarity - low) / (high - low), 0.0), 1.0)


@functools.lru_cache(maxsize=1 << 16)
def _key(name: str) -> str:
    """Case- and spacing-insensitive key (asked thousands of times a request for the same few
    hundred skill names: cached)."""
    return " ".join(name.casefold().split())


def _unique(names: Iterable[str]) -> list[tuple[str, str]]:
    """``(key, name)`` pairs without blanks or case-insensitive repeats; first spelling kept."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for name in names:
        key = _key(name)
        if key and key not in seen:
            seen.add(key)
            out.append((key, name.strip()))
    return out


def _category_agreement(signals: MatchSignals) -> float:
    """1 when the categories agree, 0 when they differ, 0.5 when either is unknown.

    The classifiers' confidences shrink the verdict toward 0.5 ("don't know"): with resume and
    job confidences c_r and c_j, agreement is ``0.5 + (raw - 0.5) * c_r * c_j``. A missing
    confidence (a category set by hand) counts as 1.
    """
    resume, job = signals.resume_category, signals.job_category
    if not resume or not job or not resume.strip() or not job.strip():
        return 0.5
    raw = 1.0 if _key(resume) == _key(job) else 0.0
    confidence = 1.0
    for value in (signals.category_confidence, signals.job_category_confidence):
        if value is not None:
            confidence *= min(max(value, 0.0), 1.0)
    return 0.5 + (raw - 0.5) * confidence


def _experience_fit(signals: MatchSignals) -> float:
    """1 when the candidate has the years asked for, linear below, 0.5 when either is unknown."""
    years, required = signals.years_experience, signals.years_required
    if years is None or required is None:
        return 0.5
    if required <= 0:
        return 1.0
    return min(max(years, 0.0) / required, 1.0)


def _round_parts(raw: Mapping[str, float]) -> tuple[float, dict[str, float]]:
    """Round parts to 0.01 so that they sum exactly to the rounded total (largest remainder).

    Works in integer hundredths: every part is floored, then the hundredths still missing to
    reach the rounded total go to the parts with the largest remainders (ties: part order).
    """
    cents = {name: value * 100.0 for name, value in raw.items()}
    total_cents = math.floor(sum(cents.values()) + 0.5)
    floors = {name: math.floor(value) for name, value in cents.items()}
    missing = total_cents - sum(floors.values())
    # sorted() is stable: parts with equal remainders keep the PART_NAMES order.
    order = sorted(PART_NAMES, key=lambda name: floors[name] - cents[name])
    step = 1 if missing >= 0 else -1
    i = 0
    while missing != 0:  # at most len(parts) rounds in exact arithmetic; loops guard float noise
        floors[order[i % len(order)]] += step
        missing -= step
        i += 1
    return total_cents / 100.0, {name: floors[name] / 100.0 for name in PART_NAMES}


def _coverage(signals: MatchSignals, names: tuple[str, ...]) -> tuple[int, int]:
    have = {_key(name) for name in signals.candidate_skills}
    keys = [key for key, _ in _unique(names)]
    return sum(key in have for key in keys), len(keys)


def part_values(
    signals: MatchSignals,
    *,
    similarity_range: tuple[float, float] = DEFAULT_SIMILARITY_RANGE,
) -> dict[str, float | None]:
    """Every part's value on 0..1 before weighting, ``None`` where there is no evidence:

    - ``semantic``: the document cosine, rescaled (:func:`rescale_similarity`);
    - ``keywords``: the TF-IDF cosine, rescaled over :data:`KEYWORD_RANGE`;
    - ``required``: must-haves the resume proves / must-haves listed, shrunk toward
      :data:`REQUIRED_PRIOR` for short lists;
    - ``related``: the mean, over must-haves, of the cosine to the closest resume passage,
      rescaled over :data:`RELATED_RANGE` (how close the resume comes to each must-have);
    - ``nice``: nice-to-haves proved / listed (a skill listed as both counts as required);
    - ``category``: see ``_category_agreement``; ``experience``: see ``_experience_fit``.

    These are the features a fitted weighting learns from.
    """
    required = tuple(signals.required)
    required_keys = {key for key, _ in _unique(required)}
    nice = tuple(n for n in signals.nice if _key(n) not in required_keys)
    matched_required, n_required = _coverage(signals, required)
    matched_nice, n_nice = _coverage(signals, nice)
    prior, prior_weight = REQUIRED_PRIOR
    related = signals.related_similarities
    return {
        "semantic": rescale_similarity(signals.doc_similarity, similarity_range),
        "keywords": None
        if signals.keyword_similarity is None
        else rescale_similarity(signals.keyword_similarity, KEYWORD_RANGE),
        "required": (matched_required + prior * prior_weight) / (n_required + prior_weight)
        if n_required
        else None,
        "related": sum(rescale_similarity(v, RELATED_RANGE) for v in related) / len(related)
        if related
        else None,
        "nice": matched_nice / n_nice if n_nice else None,
        "category": _category_agreement(signals),
        "experience": _experience_fit(signals),
    }


def score(
    signals: MatchSignals,
    weights: ScoreWeights | None = None,
    *,
    similarity_range: tuple[float, float] = DEFAULT_SIMILARITY_RANGE,
    excluded_cap: float = DEFAULT_EXCLUDED_CAP,
) -> ScoreBreakdown:
    """Score one (resume, job) pair on 0-100 and say where every point came from.

    Each part is ``100 * weight * value`` with the weights normalised to sum to 1 and values on
    0..1 (see :func:`part_values`). A part without evidence (a job that lists no must-haves, no
    keyword similarity) has no value either way, so its weight is shared among the other parts
    in proportion to their weights, rather than handing every candidate free points or docking
    them all.

    If the candidate has any skill in ``excluded``, the total is capped at ``excluded_cap``:
    the ``excluded`` part is the (negative) difference, so the parts still add up. Otherwise
    it is 0. If every part with a positive weight is without evidence (say, all the weight is
    on required skills and the job lists none), every part and the total are 0.
    Deterministic: the same signals and weights always give the same breakdown.
    """
    weights = weights or _DEFAULT_WEIGHTS
    if not 0.0 <= excluded_cap <= 100.0:
        raise ValueError(f"excluded_cap must be within 0..100, got {excluded_cap!r}.")
    have = {_key(name) for name in signals.candidate_skills}
    required = _unique(signals.required)
    required_keys = {key for key, _ in required}
    nice = [(key, name) for key, name in _unique(signals.nice) if key not in required_keys]
    matched_required = [name for key, name in required if key in have]
    missing_required = [name for key, name in required if key not in have]
    matched_nice = [name for key, name in nice if key in have]
    missing_nice = [name for key, name in nice if key not in have]
    excluded_present = [name for key, name in _unique(signals.excluded) if key in have]

    values = part_values(signals, similarity_range=similarity_range)
    weight_of = weights.as_dict()
    active = {name: weight_of[name] for name, value in values.items() if value is not None}
    active_sum = sum(active.values())
    raw: dict[str, float] = dict.fromkeys(PART_NAMES, 0.0)
    if active_sum > 0:
        for name, weight in active.items():
            raw[name] = 100.0 * weight / active_sum * values[name]
    before_cap = sum(raw.values())
    if excluded_present and before_cap > excluded_cap:
        raw["excluded"] = excluded_cap - before_cap

    total, parts = _round_parts(raw)
    return ScoreBreakdown(
        total=total,
        parts=parts,
        matched_required=tuple(matched_required),
        missing_required=tuple(missing_required),
        matched_nice=tuple(matched_nice),
        missing_nice=tuple(missing_nice),
        excluded_present=tuple(excluded_present),
    )
