"""The ranking evaluation: metric functions on hand-computed cases, lexical fusion, the whole
evaluation on a tiny synthetic set, and the real evaluation on the public labelled sets."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest

from mlcore.embeddings import HashingEmbedder
from mlcore.pipelines.ranking import (
    METHODS,
    SET_FILES,
    JobText,
    average_precision,
    bootstrap_indices,
    dcg_at_k,
    evaluate_ranking,
    job_requirements,
    lexical_blend,
    lexical_fusion,
    load_vanetik,
    ndcg_at_k,
    spearman,
    taxonomy_from_fixture,
    years_required_of,
)
from mlcore.retrieval.fusion import reciprocal_rank_fusion
from mlcore.skills import SkillEntry, SkillTaxonomy

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"

TAXONOMY = SkillTaxonomy.from_entries(
    SkillEntry(name, aliases, kind)
    for name, aliases, kind in [
        ("Python", (), "technical"),
        ("Django", (), "technical"),
        ("PostgreSQL", ("Postgres",), "technical"),
        ("Java", (), "technical"),
        ("Spring Boot", (), "technical"),
        ("Kafka", (), "technical"),
        ("Accounting", (), "domain"),
        ("Payroll", (), "domain"),
        ("Excel", (), "tool"),
        ("Docker", (), "tool"),
    ]
)


# -- metrics -----------------------------------------------------------------------------------
def test_ndcg_of_a_perfect_ranking_is_one():
    assert ndcg_at_k([3, 2, 1, 0], [0.9, 0.5, 0.2, 0.1]) == pytest.approx(1.0)


def test_ndcg_of_a_reversed_ranking_matches_the_hand_computed_value():
    # Reversed order puts gains 0, 1, 2, 3 at positions 1..4.
    dcg = 0 / math.log2(2) + 1 / math.log2(3) + 2 / math.log2(4) + 3 / math.log2(5)
    ideal = 3 / math.log2(2) + 2 / math.log2(3) + 1 / math.log2(4) + 0 / math.log2(5)
    assert dcg_at_k([3, 2, 1, 0], [1, 2, 3, 4]) == pytest.approx(dcg)
    assert ndcg_at_k([3, 2, 1, 0], [1, 2, 3, 4]) == pytest.approx(dcg / ideal)
    assert dcg / ideal == pytest.approx(0.6138, abs=1e-4)


def test_ndcg_at_k_only_counts_the_first_k_places():
    # Top-2 by score: gains 1 then 3; the ideal top-2 is 3 then 2.
    expected = (1 + 3 / math.log2(3)) / (3 + 2 / math.log2(3))
    assert ndcg_at_k([3, 2, 1], [0.5, 0.1, 0.9], k=2) == pytest.approx(expected)
    assert ndcg_at_k([3, 2, 1], [0.5, 0.1, 0.9], k=1) == pytest.approx(1 / 3)


def test_tied_scores_get_the_average_of_their_orders_whatever_the_input_order():
    # One relevant and one irrelevant item tied: half the time each is first.
    expected = 0.5 * 1.0 + 0.5 / math.log2(3)
    assert ndcg_at_k([1, 0], [0.5, 0.5]) == pytest.approx(expected)
    assert ndcg_at_k([0, 1], [0.5, 0.5]) == pytest.approx(expected)


def test_constant_scores_give_the_expected_ndcg_of_a_random_order():
    rel = np.array([4.0, 0.0, 2.0, 1.0])
    discounts = 1 / np.log2(np.arange(2, 6))
    random_expectation = rel.mean() * discounts.sum() / (np.sort(rel)[::-1] * discounts).sum()
    assert ndcg_at_k(rel, np.zeros(4)) == pytest.approx(random_expectation)


def test_ndcg_is_undefined_without_any_gain_and_refuses_negative_gains():
    assert math.isnan(ndcg_at_k([0, 0, 0], [1, 2, 3]))
    with pytest.raises(ValueError, match="relevance"):
        ndcg_at_k([1, -1], [1, 2])
    with pytest.raises(ValueError, match="scores"):
        ndcg_at_k([1, 2], [1, 2, 3])


def test_spearman_matches_the_hand_computed_value_with_ties():
    # Ranks of y: 1, 2, 3.5, 5, 3.5 -> sum(dx*dy) = 8, sum(dx^2) = 10, sum(dy^2) = 9.5.
    assert spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) == pytest.approx(8 / math.sqrt(95))
    assert spearman([1, 2, 3], [30, 20, 10]) == pytest.approx(-1.0)
    assert spearman([1, 5, 9], [2, 3, 100]) == pytest.approx(1.0)
    assert math.isnan(spearman([1, 1, 1], [1, 2, 3]))


def test_average_precision_matches_the_hand_computed_value():
    assert average_precision([1, 0, 1, 0], [4, 3, 2, 1]) == pytest.approx((1 + 2 / 3) / 2)
    assert average_precision([0, 0, 1], [3, 2, 1]) == pytest.approx(1 / 3)
    assert math.isnan(average_precision([0, 0], [1, 2]))


def test_average_precision_with_ties_does_not_depend_on_the_input_order():
    # Half the time the relevant item is first (AP 1), half the time second (AP 1/2).
    assert average_precision([1, 0], [0.5, 0.5]) == pytest.approx(0.75)
    assert average_precision([0, 1], [0.5, 0.5]) == pytest.approx(0.75)
    # A relevant leader, then three tied items of which two are relevant: the non-relevant one
    # is third, fourth or second with equal chance.
    expected = ((1 + 1 + 1) / 3 + (1 + 1 + 3 / 4) / 3 + (1 + 2 / 3 + 3 / 4) / 3) / 3
    assert average_precision([1, 1, 0, 1], [9, 5, 5, 5]) == pytest.approx(expected)


def test_bootstrap_indices_are_reproducible_from_the_seed():
    a = bootstrap_indices(7, n_resamples=5, seed=3)
    assert a.shape == (5, 7)
    assert np.array_equal(a, bootstrap_indices(7, n_resamples=5, seed=3))
    assert not np.array_equal(a, bootstrap_indices(7, n_resamples=5, seed=4))


# -- fusion ------------------------------------------------------------------------------------
def test_lexical_fusion_equals_reciprocal_rank_fusion_when_nothing_ties():
    hybrid = np.array([70.0, 40.0, 55.0, 10.0])
    bm25 = np.array([1.0, 9.0, 3.0, 2.0])
    fused = lexical_fusion(hybrid, bm25, k=60)
    rankings = [list(np.argsort(-hybrid)), list(np.argsort(-bm25))]
    expected = dict(reciprocal_rank_fusion(rankings, k=60))
    assert fused == pytest.approx([expected[i] for i in range(4)])


def test_lexical_fusion_gives_tied_candidates_the_same_score():
    fused = lexical_fusion([50.0, 50.0, 20.0], [0.0, 0.0, 0.0])
    assert fused[0] == fused[1] > fused[2]


def test_lexical_blend_keeps_the_hybrid_order_without_lexical_evidence():
    hybrid = np.array([30.0, 80.0, 55.0])
    blended = lexical_blend(hybrid, np.zeros(3), lexical_weight=0.3)
    assert list(np.argsort(-blended)) == [1, 2, 0]
    assert lexical_blend(hybrid, [5.0, 1.0, 2.0], lexical_weight=0.0) == pytest.approx(hybrid / 100)
    # All the weight on BM25: its order wins.
    assert list(np.argsort(-lexical_blend(hybrid, [5.0, 1.0, 2.0], lexical_weight=1.0))) == [
        0,
        2,
        1,
    ]
    with pytest.raises(ValueError, match="lexical_weight"):
        lexical_blend(hybrid, np.zeros(3), lexical_weight=1.5)


# -- job requirements mirror the app -----------------------------------------------------------
def test_skills_under_a_nice_to_have_heading_are_nice_and_the_rest_required():
    job = JobText(
        id="1",
        title="Backend developer",
        text="Requirements\nPython and Django.\nNice to have\nDocker, Kafka\n",
    )
    assert job_requirements(job, TAXONOMY) == (("Python", "Django"), ("Docker", "Kafka"))


def test_years_required_are_the_fewest_years_asked_for():
    assert years_required_of("3+ years of Python, 5 years overall") == 3.0
    assert years_required_of("no experience needed") is None


# -- the whole evaluation on a tiny synthetic set ----------------------------------------------
CVS = {
    "1": "Skills\nPython, Django, PostgreSQL\nExperience\nBuilt Django web apps in Python.",
    "2": "Skills\nJava, Spring Boot, Kafka\nExperience\nJava services with Spring Boot and Kafka.",
    "3": "Skills\nAccounting, Payroll, Excel\nExperience\nRan payroll and month-end accounting.",
    "4": "Skills\nPython, Postgres, Docker\nExperience\nPython data services on PostgreSQL.",
}
VACANCIES = [
    ("10", "Python developer", "We need Python, Django and PostgreSQL for our web platform."),
    ("20", "Java engineer", "Java, Spring Boot and Kafka for payment services."),
    ("30", "Accountant", "Accounting, payroll and Excel for a growing finance team."),
]
RESUMES = {
    "c1": ("Python, Django, PostgreSQL, Docker: Python web developer.", 80.0),
    "c2": ("Python and Django developer.", 60.0),
    "c3": ("Java developer with Spring Boot.", 30.0),
    "c4": ("Payroll and accounting clerk, Excel.", 10.0),
    "c5": ("Python scripting, some Excel.", 40.0),
    "c6": ("Shop assistant.", None),
}


def _write(folder: Path, name: str, rows: list[dict]) -> None:
    (folder / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _sections(text: str) -> list:
    start = text.index("Skills")
    return [["skills", start, text.index("Experience")]]


@pytest.fixture
def synthetic_sets(tmp_path: Path) -> Path:
    _write(
        tmp_path,
        "vanetik_cvs.jsonl",
        [
            {"id": cv, "text": t, "sections": _sections(t), "years_experience": 3.0}
            for cv, t in CVS.items()
        ],
    )
    _write(
        tmp_path,
        "vanetik_vacancies.jsonl",
        [{"id": i, "title": title, "text": text} for i, title, text in VACANCIES],
    )
    best_first = {"1": ["10", "20", "30"], "2": ["20", "10", "30"], "3": ["30", "10", "20"]}
    best_first["4"] = ["10", "20", "30"]
    judgements = [
        {"cv_id": cv, "annotator": 1, "ranking": r, "valid": True} for cv, r in best_first.items()
    ]
    judgements += [
        {"cv_id": "1", "annotator": 2, "ranking": ["10", "30", "20"], "valid": True},
        {"cv_id": "2", "annotator": 2, "ranking": ["20", "20", "10"], "valid": False},
    ]
    _write(tmp_path, "vanetik_judgements.jsonl", judgements)
    _write(
        tmp_path,
        "match150_resumes.jsonl",
        [
            {"id": cid, "text": t, "sections": [], "match_percentage": pct}
            for cid, (t, pct) in RESUMES.items()
        ],
    )
    _write(
        tmp_path,
        "match150_jd.jsonl",
        [{"id": "jd", "title": "Python developer", "text": "Python, Django and PostgreSQL."}],
    )
    return tmp_path


def _evaluate(folder: Path, **kwargs) -> dict:
    return evaluate_ranking(
        folder,
        embedder=HashingEmbedder(),
        taxonomy=TAXONOMY,
        weights={"semantic": 0.35, "chunk": 0.15, "required": 0.25, "nice": 0.1},
        n_resamples=50,
        **kwargs,
    )


def test_the_synthetic_vanetik_set_drops_slips_and_averages_the_annotators(synthetic_sets):
    rset = load_vanetik(synthetic_sets)
    assert [r.id for r in rset.resumes] == ["1", "2", "3", "4"]
    assert rset.notes["dropped_arrays"] == 1
    # CV 1: annotator 1 gives 2, 1, 0 points; annotator 2 gives 2, 0, 1.
    assert rset.relevance[0].tolist() == [2.0, 0.5, 0.5]
    assert rset.relevant[0].tolist() == [True, True, True]  # ties at second place count
    assert np.isnan(rset.targets["a2"][1]).all()


def test_the_evaluation_reports_every_method_on_both_sets(synthetic_sets):
    report = _evaluate(synthetic_sets)
    vanetik, match = report["sets"]["vanetik"], report["sets"]["match150"]
    assert set(METHODS) <= set(vanetik["methods"]) and set(METHODS) <= set(match["methods"])
    assert "presentation_order" in vanetik["methods"]
    assert (vanetik["n_queries"], vanetik["n_candidates"]) == (4, 3)
    assert (match["n_queries"], match["n_candidates"]) == (1, 5)  # the unlabelled one is out
    for result in (vanetik, match):
        for metrics in result["methods"].values():
            for stats in metrics.values():
                lo, hi = stats["ci"]
                assert lo <= hi
    assert "spearman" not in match["methods"]["random"]  # undefined for constant scores
    assert set(vanetik["vs"]) == {"bm25", "hybrid"}
    json.dumps(report)  # JSON-ready


def test_the_hybrid_ranks_clear_cut_synthetic_matches_right(synthetic_sets):
    report = _evaluate(synthetic_sets)
    vanetik, match = report["sets"]["vanetik"], report["sets"]["match150"]
    assert vanetik["methods"]["hybrid"]["ndcg@1"]["mean"] == 1.0
    assert (
        vanetik["methods"]["hybrid"]["ndcg@3"]["mean"]
        > vanetik["methods"]["random"]["ndcg@3"]["mean"]
    )
    assert match["methods"]["hybrid"]["spearman"]["mean"] > 0.5


def test_the_evaluation_is_deterministic_and_runs_weight_variants(synthetic_sets):
    variants = {"no_chunk": {"chunk": 0.0}, "blend": {"lexical_weight": 0.5}}
    first = _evaluate(synthetic_sets, variants=variants)
    assert first == _evaluate(synthetic_sets, variants=variants)
    assert "variant:no_chunk" in first["sets"]["match150"]["methods"]
    assert "variant:blend" in first["sets"]["vanetik"]["vs"]["hybrid"]


def test_an_unknown_variant_weight_is_refused(synthetic_sets):
    with pytest.raises(ValueError, match="Unknown score weight"):
        _evaluate(synthetic_sets, variants={"typo": {"semantik": 0.5}})


def test_missing_exported_files_name_the_export_command(tmp_path):
    with pytest.raises(FileNotFoundError, match="export_ranking_sets"):
        _evaluate(tmp_path, sets=("match150",))


# -- the real evaluation -----------------------------------------------------------------------
def _exported_sets(tmp_path_factory) -> Path:
    """The sets the bench exported, or a fresh labelled-only export when there are none."""
    exported = REPO_ROOT / "data" / "raw" / "ranking"
    if all((exported / f).is_file() for files in SET_FILES.values() for f in files):
        return exported
    for folder in ("vanetik_vacancy_resume_matching", "resume_jd_match_percentage_150pdf"):
        if not (SHARED_DATA / folder).is_dir():
            pytest.skip(f"shared data folder {SHARED_DATA / folder} is missing")
    spec = importlib.util.spec_from_file_location(
        "export_ranking_sets", REPO_ROOT / "scripts" / "export_ranking_sets.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path_factory.mktemp("ranking")
    module.run(SHARED_DATA, out, labelled_only=True)
    return out


@pytest.mark.shared_data
@pytest.mark.slow
def test_the_real_evaluation_runs_on_the_public_sets_with_minilm(tmp_path_factory):
    from mlcore.embeddings import get_embedder

    folder = _exported_sets(tmp_path_factory)
    report = evaluate_ranking(
        folder,
        embedder=get_embedder("minilm"),
        taxonomy=taxonomy_from_fixture(REPO_ROOT / "fixtures" / "skills.json"),
        weights=None,
        n_resamples=200,
    )
    vanetik, match = report["sets"]["vanetik"], report["sets"]["match150"]
    assert (vanetik["n_queries"], vanetik["n_candidates"]) == (29, 5)
    assert vanetik["notes"]["dropped_arrays"] == 2
    assert match["n_candidates"] == 90
    hybrid = match["methods"]["hybrid"]
    # The hybrid's order agrees with the match percentages beyond what chance would give.
    assert hybrid["spearman"]["ci"][0] > 0
    assert hybrid["ndcg@10"]["mean"] > match["methods"]["random"]["ndcg@10"]["mean"]
