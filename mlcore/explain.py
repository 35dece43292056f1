"""Explanations of a match that cite the resume: skills with their spans, the closest sentence
pairs, and a one- or two-sentence summary built from that evidence (no language model).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from mlcore.embeddings.base import Embedder
from mlcore.embeddings.chunking import l2_normalise
from mlcore.retrieval.scorer import ScoreBreakdown
from mlcore.skills import SkillMatch
from mlcore.text import (
    is_list_like,
    line_span,
    normalize_space,
    split_sentences,
    truncate,
    word_count,
)

__all__ = ["Explanation", "MatchedSkill", "SentencePair", "Sentences", "explain", "sentences_of"]

Span = tuple[int, int]

MIN_SENTENCE_WORDS = 4
MAX_SENTENCES = 200
_SUMMARY_QUOTE_CHARS = 70
_SUMMARY_MAX_NAMES = 6


@dataclass(frozen=True)
class MatchedSkill:
    """A job skill the resume has, with the resume spans that prove it.

    ``line`` is the ``(start, end)`` of the resume line around the first span, for
    highlighting. Both are empty/None when the score counted the skill but the given resume
    skills hold no span for it (skills stored without evidence).
    """

    skill: str
    requirement: str  # "required" or "nice"
    spans: tuple[Span, ...]
    line: Span | None
    in_taxonomy: bool = True  # False for a free-text term, found by lexical matching

    def to_dict(self) -> dict:
        return {
            "skill": self.skill,
            "requirement": self.requirement,
            "spans": [list(span) for span in self.spans],
            "line": list(self.line) if self.line is not None else None,
            "in_taxonomy": self.in_taxonomy,
        }


@dataclass(frozen=True)
class SentencePair:
    """A resume sentence and the job sentence closest to it.

    The sentences are whitespace-collapsed; the spans point at them in the original texts.
    """

    resume_sentence: str
    resume_span: Span
    job_sentence: str
    job_span: Span
    similarity: float

    def to_dict(self) -> dict:
        return {
            "resume_sentence": self.resume_sentence,
            "resume_span": list(self.resume_span),
            "job_sentence": self.job_sentence,
            "job_span": list(self.job_span),
            "similarity": self.similarity,
        }


@dataclass(frozen=True)
class Explanation:
    """Why a resume fits a job, in data a page or an API can render as it is."""

    score: float
    parts: Mapping[str, float]
    matched: tuple[MatchedSkill, ...]
    missing_required: tuple[str, ...]
    missing_nice: tuple[str, ...]
    sentence_pairs: tuple[SentencePair, ...]
    summary: str
    excluded_present: tuple[str, ...] = ()
    not_in_taxonomy: tuple[str, ...] = ()  # the job's free-text terms, matched lexically

    def to_dict(self) -> dict:
        """Plain, JSON-ready data (lists, dicts, str, float, None)."""
        return {
            "score": self.score,
            "parts": dict(self.parts),
            "matched": [m.to_dict() for m in self.matched],
            "missing_required": list(self.missing_required),
            "missing_nice": list(self.missing_nice),
            "sentence_pairs": [p.to_dict() for p in self.sentence_pairs],
            "summary": self.summary,
            "excluded_present": list(self.excluded_present),
            "not_in_taxonomy": list(self.not_in_taxonomy),
        }


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def _unique(names: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        key = _key(name)
        if key and key not in seen:
            seen.add(key)
            out.append(name.strip())
    return out


def _valid_spans(spans: Sequence[Span], length: int) -> tuple[Span, ...]:
    """Spans that fit inside a text of ``length`` characters, sorted and without repeats."""
    return tuple(sorted({(int(s), int(e)) for s, e in spans if 0 <= s < e <= length}))


def _matched_skills(
    resume_text: str,
    resume_skills: Sequence[SkillMatch],
    required: list[str],
    nice: list[str],
    breakdown: ScoreBreakdown,
) -> tuple[list[MatchedSkill], list[str], list[str]]:
    """Split the job's skills into matched (with evidence) and missing.

    A skill is matched when the resume skills hold it or the score counted it as matched; the
    latter keeps the explanation consistent with the score when skills were stored without
    spans. A skill listed as both required and nice counts as required only.
    """
    evidence: dict[str, tuple[Span, ...]] = {}
    free_text: set[str] = set()
    for match in resume_skills:
        spans = _valid_spans(match.spans, len(resume_text))
        key = _key(match.name)
        evidence[key] = tuple(sorted(set(evidence.get(key, ()) + spans)))
        if match.kind == "term":
            free_text.add(key)
    scored = {_key(n) for n in breakdown.matched_required + breakdown.matched_nice}

    matched: list[MatchedSkill] = []
    missing: dict[str, list[str]] = {"required": [], "nice": []}
    for requirement, names in (("required", required), ("nice", nice)):
        for name in names:
            key = _key(name)
            if key not in evidence and key not in scored:
                missing[requirement].append(name)
                continue
            spans = evidence.get(key, ())
            line = line_span(resume_text, spans[0][0]) if spans else None
            matched.append(
                MatchedSkill(
                    skill=name,
                    requirement=requirement,
                    spans=spans,
                    line=line,
                    in_taxonomy=key not in free_text,
                )
            )
    return matched, missing["required"], missing["nice"]


@dataclass(frozen=True, eq=False)
class Sentences:
    """A text's sentences as :func:`sentences_of` finds them, with one unit vector each.

    Computed ahead of time (at ingestion, for resumes) so that an explanation does not run the
    model on the text; both sides of a pair must be in the same space (see
    ``mlcore.embeddings.codec``).
    """

    items: tuple[tuple[str, Span], ...]
    vectors: np.ndarray


def sentences_of(text: str) -> list[tuple[str, Span]]:
    """The sentences an explanation may quote: see ``_sentences``."""
    return _sentences(text)


def _sentences(text: str) -> list[tuple[str, Span]]:
    """Sentences of at least four words, the first 200 in reading order.

    List-like lines ("Skills: Python, Django, SQL") are left out: they would pair with any
    job that names the same skills, which the matched skills already show.
    """
    out = []
    for start, end in split_sentences(text):
        sentence = normalize_space(text[start:end])
        if word_count(sentence) >= MIN_SENTENCE_WORDS and not is_list_like(sentence):
            out.append((sentence, (start, end)))
            if len(out) == MAX_SENTENCES:
                break
    return out


def _sentence_pairs(
    resume_text: str,
    job_text: str,
    embedder: Embedder | None,
    max_pairs: int,
    resume_given: Sentences | None = None,
    job_given: Sentences | None = None,
) -> list[SentencePair]:
    """The ``max_pairs`` most similar (resume, job) sentence pairs, no sentence used twice.

    Greedy on cosine, highest first; ties go to the earlier resume sentence, then the earlier
    job sentence. Pairs with a cosine of 0 or less say nothing and are left out. Sentences
    given with their vectors are used as they are; the others are encoded with ``embedder``.
    """
    if max_pairs <= 0:
        return []
    if resume_given is not None and job_given is not None:
        resume_sentences, job_sentences = list(resume_given.items), list(job_given.items)
        if not resume_sentences or not job_sentences:
            return []
        similarity = (
            l2_normalise(resume_given.vectors, np.float64)
            @ l2_normalise(job_given.vectors, np.float64).T
        )
    else:
        resume_sentences = _sentences(resume_text)
        job_sentences = _sentences(job_text)
        if not resume_sentences or not job_sentences:
            return []
        if embedder is None:
            raise ValueError("An embedder is needed for sentences without vectors.")
        vectors = embedder.encode([s for s, _ in resume_sentences] + [s for s, _ in job_sentences])
        vectors = l2_normalise(vectors, np.float64)
        n_resume = len(resume_sentences)
        similarity = vectors[:n_resume] @ vectors[n_resume:].T
    rows, cols = np.nonzero(similarity > 0)
    # Rounded for the ordering only, so that float noise between BLAS code paths cannot swap
    # two practically equal pairs; lexsort's last key is the primary one.
    rounded = np.round(similarity[rows, cols], 6)
    order = np.lexsort((cols, rows, -rounded))
    pairs: list[SentencePair] = []
    used_resume: set[int] = set()
    used_job: set[int] = set()
    for i, j in zip(rows[order].tolist(), cols[order].tolist(), strict=True):
        if i in used_resume or j in used_job:
            continue
        used_resume.add(i)
        used_job.add(j)
        pairs.append(
            SentencePair(
                resume_sentence=resume_sentences[i][0],
                resume_span=resume_sentences[i][1],
                job_sentence=job_sentences[j][0],
                job_span=job_sentences[j][1],
                similarity=round(float(similarity[i, j]), 4),
            )
        )
        if len(pairs) == max_pairs:
            break
    return pairs


def _name_list(names: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C", "A, B, ... and 3 more"."""
    names = list(names)
    if len(names) > _SUMMARY_MAX_NAMES:
        shown = names[: _SUMMARY_MAX_NAMES - 1]
        return ", ".join(shown) + f" and {len(names) - len(shown)} more"
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _summary(
    required: list[str],
    nice: list[str],
    matched: list[MatchedSkill],
    missing_required: list[str],
    pairs: list[SentencePair],
    excluded_present: tuple[str, ...],
) -> str:
    """At most two sentences: skill coverage (and excluded skills), then the closest pair."""
    sentences: list[str] = []
    have_required = [m.skill for m in matched if m.requirement == "required"]
    have_nice = [m.skill for m in matched if m.requirement == "nice"]
    if required:
        if not have_required:
            skills = f"Covers none of the {len(required)} required skills"
        elif not missing_required:
            count = (
                "the required skill"
                if len(required) == 1
                else f"all {len(required)} required skills"
            )
            skills = f"Covers {count} ({_name_list(have_required)})"
        else:
            skills = (
                f"Covers {len(have_required)} of {len(required)} required skills "
                f"({_name_list(have_required)})"
            )
        if missing_required:
            skills += f"; missing {_name_list(missing_required)}"
        if nice:
            skills += f"; {len(have_nice)} of {len(nice)} nice-to-have"
    elif nice:
        listed = f" ({_name_list(have_nice)})" if have_nice else ""
        skills = f"Has {len(have_nice)} of {len(nice)} nice-to-have skills{listed}"
    else:
        skills = ""
    if excluded_present:
        noun = "skill" if len(excluded_present) == 1 else "skills"
        excluded = f"has excluded {noun} {_name_list(list(excluded_present))}"
        skills = f"{skills}; {excluded}" if skills else excluded[0].upper() + excluded[1:]
    if skills:
        sentences.append(skills + ".")
    if pairs:
        best = pairs[0]
        resume_quote = truncate(best.resume_sentence, _SUMMARY_QUOTE_CHARS).rstrip(".!?;:")
        job_quote = truncate(best.job_sentence, _SUMMARY_QUOTE_CHARS).rstrip(".!?;:")
        sentences.append(f"Strongest overlap: '{resume_quote}' ↔ '{job_quote}'.")
    if not sentences:
        return "No skills were listed for this job and no sentences overlap enough to compare."
    return " ".join(sentences)


def explain(
    *,
    resume_text: str,
    resume_skills: Sequence[SkillMatch],
    job_text: str,
    required: Sequence[str],
    nice: Sequence[str],
    breakdown: ScoreBreakdown,
    embedder: Embedder | None,
    max_pairs: int = 3,
    free_text: Sequence[str] = (),
    resume_sentences: Sentences | None = None,
    job_sentences: Sentences | None = None,
) -> Explanation:
    """Explain one match with evidence from the resume.

    Parameters
    ----------
    resume_text, job_text : str
        The texts that were matched; every span in the result points into ``resume_text``
        (or ``job_text`` for the job side of a sentence pair).
    resume_skills : sequence of SkillMatch
        Skills extracted from ``resume_text``; spans outside the text are ignored.
    required, nice : sequence of str
        The job's canonical skill names; compared case-insensitively.
    breakdown : ScoreBreakdown
        The score to explain; its total and parts are copied as they are.
    embedder : Embedder or None
        Encodes sentences (at most 200 of at least four words per side) for the pairs, unless
        both sides come with their vectors (``resume_sentences``, ``job_sentences``).
    max_pairs : int
        How many sentence pairs to return, best first, no sentence used twice.
    free_text : sequence of str
        The job's terms that the skills taxonomy does not know (listed as such; a matched one
        needs a ``SkillMatch`` of kind "term" in ``resume_skills``).
    resume_sentences, job_sentences : Sentences, optional
        Precomputed sentences with vectors in one space; with both, nothing is encoded.

    Returns
    -------
    Explanation
        Same inputs give the same explanation. Empty texts or no skills give empty lists and a
        summary that says so, never an error.
    """
    resume_text = resume_text or ""
    job_text = job_text or ""
    required_names = _unique(list(required or ()))
    required_keys = {_key(name) for name in required_names}
    nice_names = [name for name in _unique(list(nice or ())) if _key(name) not in required_keys]
    matched, missing_required, missing_nice = _matched_skills(
        resume_text, resume_skills or (), required_names, nice_names, breakdown
    )
    pairs = _sentence_pairs(
        resume_text, job_text, embedder, max_pairs, resume_sentences, job_sentences
    )
    summary = _summary(
        required_names, nice_names, matched, missing_required, pairs, breakdown.excluded_present
    )
    return Explanation(
        score=breakdown.total,
        parts=dict(breakdown.parts),
        matched=tuple(matched),
        missing_required=tuple(missing_required),
        missing_nice=tuple(missing_nice),
        sentence_pairs=tuple(pairs),
        summary=summary,
        excluded_present=tuple(breakdown.excluded_present),
        not_in_taxonomy=tuple(_unique(list(free_text))),
    )
