"""The category classifier on a small synthetic set, with the hashing embedder (fast)."""

from __future__ import annotations

import numpy as np
import pytest

from mlcore import artifacts
from mlcore.artifacts import ArtifactError
from mlcore.classifiers import (
    CategoryClassifier,
    Prediction,
    choose_threshold,
    coverage_curve,
    document_vectors,
    first_line,
    recent_role,
    view_vectors,
)
from mlcore.classifiers.calibration import fit_temperature, softmax
from mlcore.embeddings import HashingEmbedder, get_embedder

VOCAB = {
    "chef": "kitchen menu sauce restaurant pastry grill recipes catering plating sous",
    "it": "python java servers network database cloud linux deployment kubernetes helpdesk",
    "hr": "recruiting onboarding payroll benefits employee interviews hiring policy retention",
    "teacher": "classroom students lessons curriculum grading parents school literacy tutoring",
}
COMMON = [
    "team", "work", "company", "managed", "responsible",
    "daily", "customers", "reports", "projects", "quality",
]  # fmt: skip
TITLES = {
    "chef": "SOUS CHEF",
    "it": "SYSTEMS ADMINISTRATOR",
    "hr": "HR GENERALIST",
    "teacher": "TEACHER",
}


def synthetic(
    n_per_class: int, *, seed: int, noise: float = 0.5, structured: bool = True
) -> tuple[list[str], list[str]]:
    """Resume-like texts: words of the category mixed with common words (``noise`` is the share
    of common words), with a title line and an experience section when ``structured``."""
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for label, words in VOCAB.items():
        own = words.split()
        for _ in range(n_per_class):
            body = [
                rng.choice(COMMON) if rng.random() < noise else rng.choice(own) for _ in range(60)
            ]
            role = " ".join(rng.choice(own, 4))
            if structured:
                texts.append(f"{TITLES[label]}\nSummary\n{' '.join(body)}\nExperience\n{role}\n")
            else:
                texts.append(" ".join(body))
            labels.append(label)
    return texts, labels


@pytest.fixture(scope="module")
def embedder():
    return HashingEmbedder(dim=64)


@pytest.fixture(scope="module")
def fitted(embedder):
    texts, labels = synthetic(15, seed=0)
    return CategoryClassifier(embedder=embedder, random_state=0).fit(texts, labels)


def test_fit_returns_self_with_learned_attributes_ending_in_underscore(embedder):
    texts, labels = synthetic(6, seed=1)
    clf = CategoryClassifier(embedder=embedder, cv=3)
    assert clf.fit(texts, labels) is clf
    assert list(clf.classes_) == sorted(VOCAB)
    assert clf.coef_.shape == (4, clf.tfidf_.n_features_ + 3 * 64)
    assert clf.embedding_dim_ == 64
    assert clf.embedding_blocks_ == ("document", "title", "role")
    assert clf.embedder_model_id_ == "hashing-v1-64"
    assert clf.temperature_ > 0
    assert not hasattr(CategoryClassifier(), "classes_")


def test_classifier_labels_held_out_texts_of_each_category_correctly(fitted):
    texts, labels = synthetic(10, seed=42)
    predicted = [p.label for p in fitted.predict(texts)]
    accuracy = np.mean([p == y for p, y in zip(predicted, labels, strict=True)])
    assert accuracy >= 0.95


def test_predictions_carry_sorted_top_categories_and_probabilities_sum_to_one(fitted):
    texts, _ = synthetic(2, seed=3)
    proba = fitted.predict_proba(texts)
    assert np.allclose(proba.sum(axis=1), 1.0)
    for pred in fitted.predict(texts):
        assert isinstance(pred, Prediction)
        probs = [p for _, p in pred.top]
        assert len(pred.top) == 3
        assert probs == sorted(probs, reverse=True)
        assert pred.confidence == probs[0]


def test_prediction_below_the_threshold_is_uncertain_not_a_wrong_label(embedder):
    texts, labels = synthetic(10, seed=0, noise=0.9)
    clf = CategoryClassifier(embedder=embedder, uncertain_threshold=0.6, cv=3).fit(texts, labels)
    # Held-out texts made almost only of words every category shares.
    vague, _ = synthetic(5, seed=8, noise=0.99, structured=False)
    preds = clf.predict(vague)
    unsure = [p for p in preds if p.confidence < 0.6]
    assert unsure, "some vague texts should fall under the threshold"
    assert all(p.label is None and p.uncertain for p in unsure)
    assert all(p.label == p.top[0][0] for p in preds if p.confidence >= 0.6)
    assert all(p.top[0][0] in VOCAB for p in unsure)  # best guesses stay visible to a human
    (clear,) = clf.predict(["SOUS CHEF\nkitchen menu sauce pastry grill recipes plating"])
    assert clear.label == "chef"


def test_auto_threshold_is_chosen_to_reach_the_target_accuracy_out_of_fold(embedder):
    # Mostly common words: categories overlap, so some texts must be left uncertain.
    texts, labels = synthetic(25, seed=5, noise=0.97, structured=False)
    clf = CategoryClassifier(embedder=embedder, target_accuracy=0.9, cv=5).fit(texts, labels)
    assert clf.cv_accuracy_ < 0.9
    assert clf.threshold_ > 0
    assert clf.cv_answered_accuracy_ >= 0.9
    assert 0 < clf.cv_coverage_ < 1


def test_text_without_words_gets_no_label(fitted):
    (pred,) = fitted.predict(["  \n ... "])
    assert pred.label is None


def _precomputed(embedder, texts):
    return {
        "document": document_vectors(embedder, texts),
        "title": view_vectors(embedder, [first_line(t) for t in texts]),
        "role": view_vectors(embedder, [recent_role(t) for t in texts]),
    }


def test_precomputed_embeddings_give_the_same_predictions_as_the_embedder(embedder):
    texts, labels = synthetic(8, seed=2)
    a = CategoryClassifier(embedder=embedder, cv=3).fit(texts, labels)
    b = CategoryClassifier(cv=3).fit(texts, labels, embeddings=_precomputed(embedder, texts))
    new, _ = synthetic(2, seed=9)
    assert np.allclose(
        a.predict_proba(new), b.predict_proba(new, embeddings=_precomputed(embedder, new))
    )


def test_missing_embedding_blocks_are_computed_by_the_embedder(embedder):
    texts, labels = synthetic(8, seed=2)
    a = CategoryClassifier(embedder=embedder, cv=3).fit(texts, labels)
    only_doc = document_vectors(embedder, texts)
    b = CategoryClassifier(embedder=embedder, cv=3).fit(texts, labels, embeddings=only_doc)
    assert np.allclose(a.coef_, b.coef_)


def test_embedding_blocks_without_embedder_or_arrays_are_an_error():
    texts, labels = synthetic(4, seed=2)
    with pytest.raises(ValueError, match="needs an embedder"):
        CategoryClassifier(cv=3).fit(texts, labels)


def test_embeddings_of_the_wrong_shape_are_refused(fitted):
    texts, _ = synthetic(1, seed=4)
    with pytest.raises(ValueError, match="dim"):
        fitted.predict(texts, embeddings=np.zeros((len(texts), 32), dtype=np.float32))
    with pytest.raises(ValueError, match="shape"):
        fitted.predict(texts, embeddings=np.zeros((1, 64), dtype=np.float32))


def test_classifier_without_embeddings_needs_no_embedder():
    texts, labels = synthetic(8, seed=6)
    clf = CategoryClassifier(use_embeddings=False, cv=3).fit(texts, labels)
    assert clf.embedding_dim_ == 0
    assert clf.predict(["SOUS CHEF\nkitchen sauce pastry"])[0].top[0][0] == "chef"


def test_fit_refuses_mismatched_labels_and_a_single_category():
    with pytest.raises(ValueError, match="labels"):
        CategoryClassifier(use_embeddings=False).fit(["a b", "c d"], ["x"])
    with pytest.raises(ValueError, match="two distinct"):
        CategoryClassifier(use_embeddings=False).fit(["a b", "c d"], ["x", "x"])


def test_save_and_load_give_identical_predictions(fitted, embedder, tmp_path):
    fitted.save(tmp_path / "clf")
    loaded = CategoryClassifier.load(tmp_path / "clf", embedder=embedder)
    texts, _ = synthetic(3, seed=11)
    texts.append("Summary\nteam work company")
    assert loaded.predict(texts) == fitted.predict(texts)
    assert loaded.get_params(deep=False) | {"embedder": None} == fitted.get_params(deep=False) | {
        "embedder": None
    }
    assert loaded.data_hash_ == fitted.data_hash_


def test_saved_classifier_holds_no_pickle(fitted, tmp_path):
    manifest = fitted.save(tmp_path / "clf")
    assert {e.encoding for e in manifest.files.values()} == {"npy", "bytes"}
    assert all(name.endswith((".npy", ".json")) for name in manifest.files)


def test_loading_with_an_embedder_of_another_model_is_refused(fitted, tmp_path):
    fitted.save(tmp_path / "clf")
    with pytest.raises(ArtifactError, match="hashing-v1-64"):
        CategoryClassifier.load(tmp_path / "clf", embedder=HashingEmbedder(dim=32))


def test_tampered_classifier_artifact_is_refused_and_nothing_is_deserialised(
    fitted, tmp_path, monkeypatch
):
    fitted.save(tmp_path / "clf")
    coef = tmp_path / "clf" / "coef.npy"
    data = bytearray(coef.read_bytes())
    data[200] ^= 0xFF
    coef.write_bytes(bytes(data))
    calls = []
    monkeypatch.setattr(artifacts, "_deserialise", lambda *a: calls.append(a[0]))
    with pytest.raises(ArtifactError, match=r"coef\.npy fails its sha256 check"):
        CategoryClassifier.load(tmp_path / "clf")
    assert calls == []


def test_another_artifact_kind_is_not_loaded_as_a_classifier(tmp_path):
    artifacts.save_artifact(tmp_path / "pca", {"x.npy": np.zeros(3)}, kind="pca", params={})
    with pytest.raises(ArtifactError, match="not a 'category-classifier'"):
        CategoryClassifier.load(tmp_path / "pca")


def test_first_line_and_recent_role_read_the_title_and_the_latest_job():
    text = "\n  SENIOR ACCOUNTANT \nSummary\nNumbers.\nProfessional Experience\nStaff Accountant\n"
    assert first_line(text) == "SENIOR ACCOUNTANT"
    assert recent_role(text) == "Staff Accountant"
    assert recent_role("Summary\nExperience with SAP and Oracle\nSkills") == ""
    assert first_line("   \n  ") == ""


def test_temperature_fit_recovers_the_temperature_that_made_the_labels():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(4000, 3)) * 3
    proba = softmax(scores, 2.0)
    y = np.array([rng.choice(3, p=p) for p in proba])
    assert fit_temperature(scores, y) == pytest.approx(2.0, rel=0.15)


def test_choose_threshold_answers_the_most_items_that_keep_the_target_accuracy():
    conf = np.array([0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1])
    correct = np.array([1, 1, 1, 1, 1, 0, 1, 0, 0, 0], dtype=bool)
    assert choose_threshold(conf, correct, target_accuracy=1.0) == 0.6
    assert choose_threshold(conf, correct, target_accuracy=0.85) == 0.4
    assert choose_threshold(conf, correct, target_accuracy=0.5) == 0.0
    # Unreachable target: the most accurate threshold that still answers enough items.
    mixed = np.array([0, 1, 1, 1, 0, 0, 0, 0, 0, 0], dtype=bool)
    assert choose_threshold(conf, mixed, target_accuracy=1.0, min_coverage=0.3) == 0.7


def test_coverage_curve_reports_share_answered_and_their_accuracy():
    conf = np.array([0.9, 0.8, 0.3, 0.2])
    correct = np.array([True, False, True, False])
    (half,) = [p for p in coverage_curve(conf, correct) if p.threshold == 0.5]
    assert half.coverage == 0.5
    assert half.accuracy == 0.5
    assert half.answered == 2


@pytest.mark.slow
def test_real_model_classifier_sorts_new_texts_and_survives_a_round_trip(tmp_path):

    minilm = get_embedder("minilm")
    texts, labels = synthetic(6, seed=0)
    clf = CategoryClassifier(embedder=minilm, cv=3).fit(texts, labels)
    new = [
        "HEAD CHEF\nExperience\nRan the kitchen of a busy restaurant, wrote the menu and sauces",
        "TEACHER\nExperience\nTaught literacy lessons to school students and graded their work",
    ]
    assert [p.top[0][0] for p in clf.predict(new)] == ["chef", "teacher"]
    clf.save(tmp_path / "clf")
    loaded = CategoryClassifier.load(tmp_path / "clf", embedder=minilm)
    assert loaded.embedder_model_id_ == minilm.model_id
    assert np.allclose(loaded.predict_proba(new), clf.predict_proba(new))
