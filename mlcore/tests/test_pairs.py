"""One pair as the scorer sees it: evidence from skills and free-text terms, similarities, and
the job's must-haves compared with the closest resume passages."""

from __future__ import annotations

import numpy as np
import pytest

from mlcore.retrieval.keywords import KeywordModel
from mlcore.retrieval.pairs import JobSide, ResumeSide, pair_evidence, pair_signals
from mlcore.skills import SkillMatch

KW = KeywordModel(min_df=1).fit(["payroll accountant", "nurse patient care", "python developer"])
RESUME_TEXT = "Accountant. Led the month end closing and payroll for 3 entities."


def unit(*values: float) -> np.ndarray:
    v = np.asarray(values, dtype=np.float32)
    return v / np.linalg.norm(v)


def resume(**overrides) -> ResumeSide:
    base = {
        "text": RESUME_TEXT,
        "vector": unit(1, 0, 0),
        "chunks": np.stack([unit(1, 0, 0), unit(0, 1, 0)]),
        "skills": (SkillMatch("Payroll", "domain", ((42, 49),)),),
        "keywords": KW.vector(RESUME_TEXT),
    }
    return ResumeSide(**{**base, **overrides})


def job(**overrides) -> JobSide:
    base = {
        "text": "Accountant: payroll, month-end close",
        "vector": unit(1, 1, 0),
        "required": ("Payroll", "month-end close", "GAAP"),
        "free_text": frozenset({"month-end close", "GAAP"}),
        "keywords": KW.vector("Accountant: payroll, month-end close"),
        "required_vectors": np.stack([unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1)]),
    }
    return JobSide(**{**base, **overrides})


def test_evidence_adds_the_free_text_terms_found_in_the_resume_with_their_spans():
    evidence = pair_evidence(job(), resume())
    names = {m.name: m for m in evidence}
    assert set(names) == {"Payroll", "month-end close"}
    (start, end), *_ = names["month-end close"].spans
    assert RESUME_TEXT[start:end] == "month end closing"
    assert names["month-end close"].kind == "term"


def test_signals_hold_the_cosines_and_the_closeness_of_each_must_have():
    signals = pair_signals(job(), resume())
    assert signals.doc_similarity == pytest.approx(float(unit(1, 1, 0)[0]))
    assert signals.related_similarities == pytest.approx((1.0, 1.0, 0.0))
    assert 0 < signals.keyword_similarity < 1
    assert signals.candidate_skills == {"Payroll", "month-end close"}


def test_without_keyword_vectors_or_must_have_vectors_those_signals_are_absent():
    signals = pair_signals(job(keywords=None, required_vectors=None), resume())
    assert signals.keyword_similarity is None and signals.related_similarities == ()


def test_a_resume_without_chunks_is_compared_through_its_document_vector():
    signals = pair_signals(job(), resume(chunks=np.zeros((0, 3), dtype=np.float32)))
    assert signals.related_similarities == pytest.approx((1.0, 0.0, 0.0))
