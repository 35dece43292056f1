"""Blind review of ranking results: the candidate as the viewer (a request) may see them, and
explanations whose quotes from the resume are masked (see recruiting.services.blind)."""

from __future__ import annotations

import copy
import dataclasses

from recruiting.models import Resume
from recruiting.services.blind import (
    HIDDEN,
    BlindResume,
    blind_review_on,
    pii_spans,
    resume_for_page,
    spans_masked,
    text_masked,
)

# Explanation keys that quote the job, not the resume: they stay as they are.
_JOB_KEYS = {"job_sentence"}


def _evidence_masked(matched: dict, resume: Resume) -> dict:
    """Mask an evidence line as one line, so nothing is missed at the highlight's edges; a
    highlight that touches hidden text is itself hidden."""
    before, match = matched.get("line_before", ""), matched.get("line_match", "")
    line = before + match + matched.get("line_after", "")
    start, end = len(before), len(before) + len(match)
    spans = pii_spans(line, resume)
    for s, e in spans:
        if s < end and start < e:
            start, end = min(start, s), max(end, e)
    left = [(s, e) for s, e in spans if e <= start]
    right = [(s - end, e - end) for s, e in spans if s >= end]
    hit = any(s < end and start < e for s, e in spans)
    return {
        "line_before": spans_masked(line[:start], left),
        "line_match": HIDDEN if hit else line[start:end],
        "line_after": spans_masked(line[end:], right),
    }


def explanation_masked(explanation: dict | None, resume: Resume) -> dict | None:
    """A copy of an explanation whose resume quotes (evidence lines, sentences, summary) are
    masked; the job's sentences, scores and offsets are left as they are."""
    if explanation is None:
        return None

    def mask(value, key=None):
        if isinstance(value, str):
            return value if key in _JOB_KEYS else text_masked(value, resume)
        if isinstance(value, dict):
            return {k: mask(v, k) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [mask(v, key) for v in value]
        return value

    masked = mask(copy.deepcopy(explanation))
    for original, item in zip(
        explanation.get("matched", []), masked.get("matched", []), strict=True
    ):
        if isinstance(original, dict) and "line_before" in original:
            item.update(_evidence_masked(original, resume))
    return masked


def result_for_page(result, viewer):
    """A MatchResult as the viewer may see it: blind resume and masked explanation."""
    resume = resume_for_page(result.resume, viewer)
    if not isinstance(resume, BlindResume) or resume.revealed:
        return dataclasses.replace(result, resume=resume)
    return dataclasses.replace(
        result, resume=resume, explanation=explanation_masked(result.explanation, result.resume)
    )


def page_for_viewer(page, viewer):
    """A MatchPage with every result as ``result_for_page`` gives it."""
    if not blind_review_on(viewer):
        return page
    return dataclasses.replace(page, results=[result_for_page(r, viewer) for r in page.results])
