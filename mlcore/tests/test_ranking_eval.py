"""The ranking evaluation: metric functions on hand-computed cases, lexical fusion, the whole
evaluation on a tiny synthetic set, and the real evaluation on the public labelled sets."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest

from mlcore.embeddings import HashingEmbedder, get_embedder
from mlcore.jobtext import years_required_of
from mlcore.pipelines.rank_metrics import (
    average_precision,
    bootstrap_indices,
    dcg_at_k,
    lexical_blend,
    lexical_fusion,
    ndcg_at_k,
    roc_auc,
    spearman,
)
from mlcore.pipelines.ranking import (
    METHODS,
    SET_FILES,
    evaluate_ranking,
    job_side,
    taxonomy_from_fixture,
)
from mlcore.pipelines.ranking_sets import JobText, load_hr_terms, load_postings, load_vanetik
from mlcore.retrieval.fusion import reciprocal_rank_fusion
from mlcore.retrieval.keywords import KeywordModel
from mlcore.retrieval.scorer import MatchWeights
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


def test_auc_is_the_share_of_relevant_irrelevant_pairs_in_order_with_ties_as_half():
    assert roc_auc([True, False, True, False], [0.9, 0.8, 0.7, 0.1]) == pytest.approx(0.75)
    assert roc_auc([True, False], [0.5, 0.5]) == pytest.approx(0.5)
    assert math.isnan(roc_auc([True, True], [0.1, 0.2]))


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
KEYWORDS = KeywordModel(min_df=1).fit(
    [
        "Python Django PostgreSQL web developer",
        "Java Spring Boot Kafka payment services",
        "Accounting payroll Excel finance team",
        "Docker services on PostgreSQL",
    ]
)


def _side(job: JobText):
    doc = HashingEmbedder().encode_documents([job.full_text])[0]
    return job_side(job, doc, taxonomy=TAXONOMY, keyword_model=KEYWORDS, embedder=HashingEmbedder())


def test_skills_under_a_nice_to_have_heading_are_nice_and_the_rest_required():
    job = JobText(
        id="1",
        title="Backend developer",
        text="Requirements\nPython and Django.\nNice to have\nDocker, Kafka\n",
    )
    side = _side(job)
    assert (side.required, side.nice) == (("Python", "Django"), ("Docker", "Kafka"))
    assert side.explicit is False and side.required_vectors.shape == (2, HashingEmbedder().dim)


def test_a_job_given_as_a_list_of_terms_has_explicit_requirements_known_or_not():
    side = _side(JobText(id="2", title="", text="Python, month-end close, ServSafe"))
    assert side.required == ("Python", "month-end close", "ServSafe")
    assert side.free_text == {"month-end close", "ServSafe"}
    assert side.explicit is True


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


def _cvs() -> list[dict]:
    return [
        {"id": cv, "text": t, "sections": _sections(t), "years_experience": 3.0}
        for cv, t in CVS.items()
    ]


@pytest.fixture
def synthetic_sets(tmp_path: Path) -> Path:
    _write(tmp_path, "vanetik_cvs.jsonl", _cvs())
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
    # hr_terms: two JDs as term lists, each with its own graded resumes.
    _write(tmp_path, "hr_terms_resumes.jsonl", _cvs())
    _write(
        tmp_path,
        "hr_terms_jobs.jsonl",
        [
            {"id": "j1", "title": "", "text": "Python, Django, web apps"},
            {"id": "j2", "title": "", "text": "payroll, Excel, month-end accounting"},
        ],
    )
    grades = {"j1": {"1": 7, "4": 5, "2": 2}, "j2": {"3": 7, "1": 1, "2": 1}}
    _write(
        tmp_path,
        "hr_terms_judgements.jsonl",
        [
            {"job_id": j, "resume_id": r, "grade": g}
            for j, rs in grades.items()
            for r, g in rs.items()
        ],
    )
    # postings: every posting for two resumes, the unlisted ones are 0.
    _write(tmp_path, "postings_resumes.jsonl", _cvs()[:3])
    _write(
        tmp_path,
        "postings_jobs.jsonl",
        [{"id": i, "title": title, "text": text} for i, title, text in VACANCIES],
    )
    _write(
        tmp_path,
        "postings_judgements.jsonl",
        [
            {"resume_id": "1", "job_id": "10", "grade": 2},
            {"resume_id": "2", "job_id": "20", "grade": 2},
            {"resume_id": "3", "job_id": "30", "grade": 1},
        ],
    )
    return tmp_path


def _evaluate(folder: Path, **kwargs) -> dict:
    return evaluate_ranking(
        folder,
        embedder=HashingEmbedder(),
        taxonomy=TAXONOMY,
        keyword_model=KEYWORDS,
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


def test_hr_terms_leave_ungraded_pairs_out_and_postings_count_unlisted_ones_as_zero(
    synthetic_sets,
):
    hr = load_hr_terms(synthetic_sets)
    assert hr.direction == "resumes_for_job" and hr.relevance.shape == (4, 2)
    assert np.isnan(hr.relevance[2, 0]) and hr.relevance[0, 0] == 7.0
    assert hr.relevant[0, 0] and not hr.relevant[1, 1]
    postings = load_postings(synthetic_sets)
    assert postings.direction == "jobs_for_resume"
    assert postings.relevance.tolist() == [[2, 0, 0], [0, 2, 0], [0, 0, 1]]


def test_the_evaluation_reports_every_method_on_every_set(synthetic_sets):
    report = _evaluate(synthetic_sets)
    assert set(report["sets"]) == set(SET_FILES)
    for result in report["sets"].values():
        assert set(METHODS) <= set(result["methods"])
        for metrics in result["methods"].values():
            for stats in metrics.values():
                lo, hi = stats["ci"]
                assert lo <= hi
        assert set(result["vs"]) == {"bm25", "hybrid"}
    assert report["sets"]["match150"]["n_judged_pairs"] == 5  # the unlabelled one is out
    assert report["sets"]["hr_terms"]["n_queries"] == 2
    assert "auc" in report["sets"]["postings"]["metrics"]
    assert "spearman" not in report["sets"]["match150"]["methods"]["random"]  # undefined
    assert set(report["fitted"]["all_sets"]) == {"extracted", "explicit"}
    json.dumps(report)  # JSON-ready


def test_the_hybrid_ranks_clear_cut_synthetic_matches_right(synthetic_sets):
    report = _evaluate(synthetic_sets)
    sets = report["sets"]
    assert sets["hr_terms"]["methods"]["hybrid"]["ndcg@5"]["mean"] == 1.0
    assert sets["postings"]["methods"]["hybrid"]["auc"]["mean"] == 1.0
    assert sets["match150"]["methods"]["hybrid"]["spearman"]["mean"] > 0.5


def test_the_evaluation_is_deterministic(synthetic_sets):
    assert _evaluate(synthetic_sets) == _evaluate(synthetic_sets)


def test_an_unknown_weight_is_refused(synthetic_sets):
    with pytest.raises(ValueError, match="semantik"):
        _evaluate(synthetic_sets, weights={"extracted": {"semantik": 0.5}})
    with pytest.raises(ValueError, match="nonsense"):
        MatchWeights.from_mapping({"nonsense": {}})


def test_missing_exported_files_name_the_export_command(tmp_path):
    with pytest.raises(FileNotFoundError, match="export_ranking_sets"):
        _evaluate(tmp_path, sets=("match150",))


# -- the real evaluation -----------------------------------------------------------------------
def _exported_sets(tmp_path_factory) -> Path:
    """The sets the bench exported, or a fresh labelled-only export when there are none."""
    exported = REPO_ROOT / "data" / "raw" / "ranking"
    if all((exported / f).is_file() for files in SET_FILES.values() for f in files):
        return exported
    for folder in (
        "vanetik_vacancy_resume_matching",
        "resume_jd_match_percentage_150pdf",
        "livecareer_resumes",
        "linkedin_postings_sample500",
    ):
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
def test_the_real_evaluation_runs_on_the_labelled_sets_with_minilm(tmp_path_factory):

    folder = _exported_sets(tmp_path_factory)
    report = evaluate_ranking(
        folder,
        embedder=get_embedder("minilm"),
        taxonomy=taxonomy_from_fixture(REPO_ROOT / "fixtures" / "skills.json"),
        keyword_model=KeywordModel.load(REPO_ROOT / "data" / "reference" / "keywords"),
        sets=("match150", "hr_terms"),
        n_resamples=200,
    )
    match, hr = report["sets"]["match150"], report["sets"]["hr_terms"]
    assert match["n_judged_pairs"] == 90 and hr["n_queries"] == 32
    # The hybrid's order agrees with the judgements beyond what chance would give.
    assert match["methods"]["hybrid"]["spearman"]["mean"] > 0.3
    assert hr["methods"]["hybrid"]["ndcg@5"]["ci"][0] > hr["methods"]["random"]["ndcg@5"]["mean"]
