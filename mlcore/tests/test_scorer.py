"""The hybrid scorer: weights, each signal's mapping, redistribution, the excluded cap, and
parts that always add up to the total."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlcore.retrieval.scorer import (
    PART_NAMES,
    MatchSignals,
    ScoreWeights,
    part_values,
    rescale_similarity,
    score,
)

# Round weights for tests that check points: parts are 100 * weight * value.
EVEN = ScoreWeights(
    semantic=0.3,
    keywords=0.2,
    required=0.2,
    related=0.1,
    nice=0.1,
    category=0.05,
    experience=0.05,
)


def signals(**overrides) -> MatchSignals:
    base = {
        "doc_similarity": 0.4,
        "keyword_similarity": 0.125,
        "related_similarities": (0.45, 0.45, 0.45, 0.45),
        "required": ("Python", "Django", "PostgreSQL", "Docker"),
        "nice": ("AWS", "Terraform"),
        "excluded": (),
        "candidate_skills": frozenset({"Python", "Django", "AWS"}),
        "resume_category": "engineering",
        "job_category": "engineering",
        "category_confidence": None,
        "years_experience": 5.0,
        "years_required": 3.0,
    }
    return MatchSignals(**{**base, **overrides})


def cents(value: float) -> int:
    return round(value * 100)


def assert_parts_add_up(breakdown) -> None:
    assert set(breakdown.parts) == set(PART_NAMES)
    assert sum(cents(p) for p in breakdown.parts.values()) == cents(breakdown.total)
    assert math.isclose(sum(breakdown.parts.values()), breakdown.total, abs_tol=1e-9)
    for part in breakdown.parts.values():
        assert cents(part) == pytest.approx(part * 100, abs=1e-6)  # whole hundredths


# --- weights ----------------------------------------------------------------------------------


def test_default_weights_are_the_documented_ones_and_normalise_to_one():
    weights = ScoreWeights()
    assert weights.as_dict() == {
        "semantic": 0.40,
        "keywords": 0.30,
        "required": 0.10,
        "related": 0.12,
        "nice": 0.02,
        "category": 0.04,
        "experience": 0.02,
    }
    assert math.isclose(sum(weights.normalised().values()), 1.0)


def test_scaled_weights_give_the_same_score():
    assert score(signals(), EVEN) == score(signals(), ScoreWeights(6, 4, 4, 2, 2, 1, 1))


@pytest.mark.parametrize(
    "bad",
    [{"semantic": -0.1}, {"keywords": float("nan")}, {"nice": float("inf")}],
)
def test_negative_or_non_finite_weights_are_refused(bad):
    with pytest.raises(ValueError):
        ScoreWeights(**bad)


def test_all_zero_weights_are_refused():
    with pytest.raises(ValueError, match="positive"):
        ScoreWeights(0, 0, 0, 0, 0, 0, 0)


def test_weights_from_params_mapping_keep_defaults_for_missing_keys():
    weights = ScoreWeights.from_mapping({"semantic": 0.5, "required": 1})
    assert weights.semantic == 0.5
    assert weights.required == 1.0
    assert weights.keywords == 0.30
    assert ScoreWeights.from_mapping(None) == ScoreWeights()


def test_an_unknown_weight_name_is_refused_rather_than_ignored():
    with pytest.raises(ValueError, match="semantik"):
        ScoreWeights.from_mapping({"semantik": 0.5})


# --- signals ----------------------------------------------------------------------------------


def test_similarity_rescale_is_linear_between_0_15_and_0_65_and_clipped():
    assert rescale_similarity(0.15) == 0.0
    assert rescale_similarity(0.65) == 1.0
    assert math.isclose(rescale_similarity(0.4), 0.5)
    assert rescale_similarity(-0.3) == 0.0
    assert rescale_similarity(0.95) == 1.0


def test_each_part_value_is_on_0_to_1_before_weighting():
    values = part_values(signals())
    assert values["semantic"] == pytest.approx(0.5)
    assert values["keywords"] == pytest.approx(0.5)  # 0.125 over 0..0.25
    # 2 of 4 must-haves, shrunk toward 25% by one pseudo-requirement: (2 + 0.25) / 5
    assert values["required"] == pytest.approx(0.45)
    assert values["related"] == pytest.approx(0.5)  # 0.45 over 0.2..0.7
    assert values["nice"] == pytest.approx(0.5)
    assert values["category"] == 1.0
    assert values["experience"] == 1.0


def test_a_perfect_match_scores_100_and_a_hopeless_one_0():
    perfect = score(
        signals(
            doc_similarity=0.9,
            keyword_similarity=0.5,
            required=(),
            related_similarities=(),
            candidate_skills=frozenset({"aws", "terraform"}),
        )
    )
    hopeless = score(
        signals(
            doc_similarity=0.0,
            keyword_similarity=0.0,
            related_similarities=(0.1,),
            candidate_skills=frozenset(),
            resume_category="nursing",
            years_experience=0.0,
        )
    )
    assert perfect.total == 100.0
    assert hopeless.total == pytest.approx(
        100 * ScoreWeights().normalised()["required"] * 0.25 / 5, abs=0.01
    )  # only the prior of the must-have coverage is left


def test_must_have_coverage_is_shrunk_so_one_of_one_does_not_beat_eight_of_ten():
    one_of_one = part_values(signals(required=("Python",), candidate_skills=frozenset({"Python"})))
    names = tuple(f"S{i}" for i in range(10))
    eight_of_ten = part_values(signals(required=names, candidate_skills=frozenset(names[:8])))
    assert one_of_one["required"] == pytest.approx(0.625)
    assert eight_of_ten["required"] == pytest.approx(8.25 / 11)
    assert eight_of_ten["required"] > one_of_one["required"]


def test_skill_coverage_is_matched_over_listed_and_ignores_case():
    breakdown = score(signals(candidate_skills=frozenset({"PYTHON", "django", "aws"})), EVEN)
    assert breakdown.matched_required == ("Python", "Django")
    assert breakdown.missing_required == ("PostgreSQL", "Docker")
    assert breakdown.matched_nice == ("AWS",)
    assert breakdown.missing_nice == ("Terraform",)
    assert breakdown.parts["required"] == pytest.approx(20.0 * 0.45, abs=0.01)
    assert breakdown.parts["nice"] == pytest.approx(10.0 * 0.5, abs=0.01)


def test_without_must_haves_their_weight_goes_to_the_other_parts():
    breakdown = score(signals(required=(), related_similarities=()), EVEN)
    assert breakdown.parts["required"] == 0.0 and breakdown.parts["related"] == 0.0
    # semantic: 0.3 / 0.7 of the points, at half scale.
    assert breakdown.parts["semantic"] == pytest.approx(100 * 0.3 / 0.7 * 0.5, abs=0.01)
    # Every candidate of a job without must-haves can still reach 100.
    best = score(
        signals(
            required=(),
            related_similarities=(),
            doc_similarity=1.0,
            keyword_similarity=1.0,
            candidate_skills=frozenset({"AWS", "Terraform"}),
        )
    )
    assert best.total == 100.0


def test_without_a_keyword_similarity_its_weight_goes_to_the_other_parts():
    breakdown = score(signals(keyword_similarity=None), EVEN)
    assert breakdown.parts["keywords"] == 0.0
    assert breakdown.parts["semantic"] == pytest.approx(100 * 0.3 / 0.8 * 0.5, abs=0.01)


def test_related_is_the_mean_closeness_of_the_must_haves_to_the_resume():
    values = part_values(signals(related_similarities=(0.7, 0.2, 0.95, 0.45)))
    assert values["related"] == pytest.approx((1.0 + 0.0 + 1.0 + 0.5) / 4)


def test_a_skill_listed_as_required_and_nice_counts_once_as_required():
    breakdown = score(signals(required=("Python",), nice=("python", "AWS")))
    assert breakdown.matched_required == ("Python",)
    assert breakdown.matched_nice == ("AWS",)
    assert breakdown.missing_nice == ()


@pytest.mark.parametrize(
    ("resume", "job", "confidence", "job_confidence", "expected"),
    [
        ("engineering", "Engineering", None, None, 1.0),
        ("engineering", "sales", None, None, 0.0),
        (None, "sales", None, None, 0.5),
        ("engineering", None, 0.9, None, 0.5),
        ("engineering", "engineering", 0.6, None, 0.8),
        ("engineering", "sales", 0.6, None, 0.2),
        ("engineering", "engineering", 0.6, 0.5, 0.65),
    ],
)
def test_category_agreement(resume, job, confidence, job_confidence, expected):
    breakdown = score(
        signals(
            resume_category=resume,
            job_category=job,
            category_confidence=confidence,
            job_category_confidence=job_confidence,
        ),
        EVEN,
    )
    assert breakdown.parts["category"] == pytest.approx(5.0 * expected, abs=0.01)


@pytest.mark.parametrize(
    ("years", "required", "expected"),
    [
        (5, 3, 1.0),
        (3, 3, 1.0),
        (1.5, 3, 0.5),
        (0, 3, 0.0),
        (2, 0, 1.0),
        (None, 3, 0.5),
        (4, None, 0.5),
    ],
)
def test_experience_fit(years, required, expected):
    breakdown = score(signals(years_experience=years, years_required=required), EVEN)
    assert breakdown.parts["experience"] == pytest.approx(5.0 * expected, abs=0.01)


def test_an_excluded_skill_caps_the_total_with_a_negative_part():
    free = score(signals(doc_similarity=0.8, keyword_similarity=0.3))
    capped = score(
        signals(
            doc_similarity=0.8,
            keyword_similarity=0.3,
            excluded=("php",),
            candidate_skills=frozenset({"Python", "Django", "AWS", "PHP"}),
        ),
        excluded_cap=40.0,
    )
    assert free.total > 40.0
    assert capped.total == 40.0
    assert capped.excluded_present == ("php",)
    assert capped.parts["excluded"] == pytest.approx(40.0 - free.total, abs=0.02)
    assert_parts_add_up(capped)


def test_an_excluded_skill_the_candidate_lacks_changes_nothing():
    assert score(signals(excluded=("PHP",))).parts == score(signals()).parts


def test_numpy_scalars_are_accepted_as_similarities():
    breakdown = score(
        signals(
            doc_similarity=np.float32(0.4),
            keyword_similarity=np.float64(0.125),
            related_similarities=tuple(np.full(4, 0.45, dtype=np.float32)),
        )
    )
    assert breakdown == score(signals())


def test_non_finite_similarity_is_refused():
    with pytest.raises(ValueError, match="doc_similarity"):
        signals(doc_similarity=float("nan"))
    with pytest.raises(ValueError, match="keyword_similarity"):
        signals(keyword_similarity=float("inf"))
    with pytest.raises(ValueError, match="related_similarities"):
        signals(related_similarities=(0.3, float("nan")))


def test_a_string_instead_of_a_skill_list_is_refused():
    with pytest.raises(TypeError):
        signals(required="Python")


def test_breakdown_to_dict_is_plain_data():
    data = score(signals()).to_dict()
    assert data["matched_required"] == ["Python", "Django"]
    assert set(data["parts"]) == set(PART_NAMES)


# --- properties over random signals -----------------------------------------------------------

_SKILLS = ["Python", "Django", "SQL", "Go", "AWS", "Docker", "Excel", "React"]
_similarity = st.floats(min_value=-1.0, max_value=1.0, allow_nan=False)
_maybe_years = st.none() | st.floats(min_value=0.0, max_value=40.0, allow_nan=False)
_weight = st.floats(min_value=0.0, max_value=10.0, allow_nan=False)


@st.composite
def random_signals(draw) -> MatchSignals:
    return MatchSignals(
        doc_similarity=draw(_similarity),
        keyword_similarity=draw(st.none() | st.floats(min_value=0.0, max_value=1.0)),
        related_similarities=tuple(draw(st.lists(_similarity, max_size=5))),
        required=tuple(draw(st.lists(st.sampled_from(_SKILLS), max_size=5))),
        nice=tuple(draw(st.lists(st.sampled_from(_SKILLS), max_size=4))),
        excluded=tuple(draw(st.lists(st.sampled_from(_SKILLS), max_size=2))),
        candidate_skills=frozenset(
            s.lower() if draw(st.booleans()) else s for s in draw(st.sets(st.sampled_from(_SKILLS)))
        ),
        resume_category=draw(st.sampled_from([None, "it", "sales", "IT"])),
        job_category=draw(st.sampled_from([None, "it", "sales"])),
        category_confidence=draw(st.none() | st.floats(min_value=0.0, max_value=1.0)),
        job_category_confidence=draw(st.none() | st.floats(min_value=0.0, max_value=1.0)),
        years_experience=draw(_maybe_years),
        years_required=draw(_maybe_years),
    )


@st.composite
def random_weights(draw) -> ScoreWeights:
    values = [draw(_weight) for _ in range(7)]
    if sum(values) <= 0:
        values[0] = 1.0
    return ScoreWeights(*values)


@settings(max_examples=300, deadline=None)
@given(random_signals(), random_weights(), st.floats(min_value=0.0, max_value=100.0))
def test_parts_always_add_up_to_a_total_within_0_and_100(sig, weights, cap):
    breakdown = score(sig, weights, excluded_cap=cap)
    assert 0.0 <= breakdown.total <= 100.0
    assert_parts_add_up(breakdown)
    assert breakdown.parts["excluded"] <= 0.0
    if breakdown.excluded_present:
        assert breakdown.total <= round(cap, 2) + 0.01
    else:
        assert breakdown.parts["excluded"] == 0.0
    assert all(part >= 0.0 for name, part in breakdown.parts.items() if name != "excluded")


@settings(max_examples=50, deadline=None)
@given(random_signals(), random_weights())
def test_scoring_is_deterministic(sig, weights):
    assert score(sig, weights) == score(sig, weights)


@settings(max_examples=100, deadline=None)
@given(random_signals())
def test_matched_and_missing_skills_partition_the_listed_ones(sig):
    breakdown = score(sig)
    listed = {s.lower() for s in sig.required}
    assert {s.lower() for s in breakdown.matched_required + breakdown.missing_required} == listed
    assert not set(breakdown.matched_required) & set(breakdown.missing_required)
