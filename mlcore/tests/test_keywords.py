"""The keyword part: word weights from a reference corpus, stable per pair, stored compactly,
saved and verified like every artifact."""

from __future__ import annotations

import numpy as np
import pytest

from mlcore.artifacts import ArtifactError
from mlcore.retrieval.keywords import KeywordModel, KeywordVector, keyword_tokens

CORPUS = [
    "Staff accountant: reconciliations, general ledger, month-end close",
    "Accountant with payroll and reconciliations",
    "Registered nurse in the ICU, patient care",
    "Nurse practitioner, patient care and charting",
    "Software engineer, Python and Django",
]


@pytest.fixture
def model() -> KeywordModel:
    return KeywordModel(min_df=1).fit(CORPUS)


def test_tokens_fold_plurals_and_drop_stop_words_and_numbers():
    assert keyword_tokens("The Reconciliations of 2021 policies") == ["reconciliation", "policy"]


def test_a_shared_rare_word_weighs_more_than_a_shared_common_one(model):
    job = model.vector("payroll accountant")
    rare = model.vector("payroll")
    common = model.vector("accountant")
    assert job.similarity(rare) > job.similarity(common) > 0


def test_similarity_is_a_cosine_in_0_to_1_and_symmetric(model):
    a, b = model.vector(CORPUS[0]), model.vector(CORPUS[1])
    assert 0 < a.similarity(b) < 1
    assert a.similarity(b) == pytest.approx(b.similarity(a))
    assert a.similarity(a) == pytest.approx(1.0, abs=1e-5)
    assert model.vector("").similarity(a) == 0.0


def test_words_outside_the_vocabulary_still_match_each_other(model):
    assert model.vector("zeekscript").similarity(model.vector("Zeekscripts")) == pytest.approx(
        1.0, abs=1e-5
    )


def test_the_shared_words_explain_the_similarity_largest_first(model):
    job = model.vector("payroll accountant reconciliations")
    shared = job.shared(model.vector(CORPUS[1]))
    assert [w for w, _ in shared][:1] == ["payroll"]
    assert sum(c for _, c in shared) == pytest.approx(job.similarity(model.vector(CORPUS[1])))


def test_a_vector_survives_its_bytes_and_damaged_bytes_are_refused(model):
    vector = model.vector(CORPUS[0])
    back = KeywordVector.from_bytes(vector.to_bytes())
    assert back.similarity(vector) == pytest.approx(1.0, abs=1e-5)
    with pytest.raises(ValueError):
        KeywordVector.from_bytes(b"\x00" * 13)
    with pytest.raises(ValueError, match="without its words"):
        back.shared(vector)


def test_a_saved_model_loads_the_same_and_a_tampered_one_is_refused(model, tmp_path):
    model.save(tmp_path / "kw")
    loaded = KeywordModel.load(tmp_path / "kw")
    assert loaded.fingerprint_ == model.fingerprint_
    assert loaded.similarity(CORPUS[0], CORPUS[1]) == pytest.approx(
        model.similarity(CORPUS[0], CORPUS[1])
    )
    idf = tmp_path / "kw" / "idf.npy"
    idf.write_bytes(idf.read_bytes()[:-4] + b"\x00\x00\x00\x00")
    with pytest.raises(ArtifactError, match="sha256"):
        KeywordModel.load(tmp_path / "kw")


def test_an_unfitted_or_empty_model_says_so():
    with pytest.raises(ValueError, match="not fitted"):
        KeywordModel().vector("x")
    with pytest.raises(ValueError, match="at least one"):
        KeywordModel().fit([])
    assert np.isfinite(KeywordModel(min_df=1).fit(["a b"]).unseen_idf_)
