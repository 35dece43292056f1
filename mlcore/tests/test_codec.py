"""Compact sentence vectors: what an explanation chooses with them is what it chooses with the
full vectors, they survive storage, and a codec of another shape or a tampered one is refused."""

from __future__ import annotations

import numpy as np
import pytest

from mlcore.artifacts import ArtifactError
from mlcore.embeddings import HashingEmbedder
from mlcore.embeddings.codec import EncodedSentences, SentenceCodec
from mlcore.explain import Sentences, explain, sentences_of
from mlcore.retrieval.scorer import MatchSignals, score

RNG = np.random.default_rng(0)
# Sentences live near a low-dimensional subspace, as real sentence vectors do.
BASIS = RNG.normal(size=(12, 64))


def unit_rows(n: int, dim: int = 64) -> np.ndarray:
    rows = RNG.normal(size=(n, 12)) @ BASIS[:, :dim] + 0.05 * RNG.normal(size=(n, dim))
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def codec() -> SentenceCodec:
    return SentenceCodec(dims=16).fit(unit_rows(400))


def test_compact_vectors_keep_the_cosines_close(codec):
    a, b = unit_rows(30), unit_rows(20)
    exact = a @ b.T
    compact = codec.decode(codec.encode(a)) @ codec.project(b).T
    assert np.abs(compact - exact).mean() < 0.05
    assert np.argmax(compact) == np.argmax(exact)


def test_encoded_sentences_survive_their_bytes_and_damage_is_refused(codec):
    encoded = codec.encode(unit_rows(5))
    back = EncodedSentences.from_bytes(encoded.to_bytes())
    assert np.array_equal(back.codes, encoded.codes) and np.allclose(back.scales, encoded.scales)
    assert len(encoded.to_bytes()) == 8 + 5 * (16 + 4)
    with pytest.raises(ValueError, match="size"):
        EncodedSentences.from_bytes(encoded.to_bytes()[:-1])
    empty = codec.encode(np.zeros((0, 64), np.float32))
    assert EncodedSentences.from_bytes(empty.to_bytes()).codes.shape[0] == 0


def test_codes_of_another_codec_shape_are_refused(codec):
    other = SentenceCodec(dims=8).fit(unit_rows(100))
    with pytest.raises(ValueError, match="dimensions"):
        codec.decode(other.encode(unit_rows(3)))


def test_a_saved_codec_loads_the_same_and_a_tampered_one_is_refused(codec, tmp_path):
    codec.save(tmp_path / "codec")
    loaded = SentenceCodec.load(tmp_path / "codec")
    assert loaded.fingerprint_ == codec.fingerprint_
    (tmp_path / "codec" / "projection.npy").write_bytes(b"\x93NUMPY")
    with pytest.raises(ArtifactError):
        SentenceCodec.load(tmp_path / "codec")


RESUME = "Built ETL pipelines in Python for billing data. Managed a team of four analysts daily."
JOB = "You will build data pipelines in Python for our billing platform. You lead analysts."


def test_an_explanation_from_precomputed_sentences_runs_no_model_and_quotes_the_same_pairs():
    embedder = HashingEmbedder()
    breakdown = score(MatchSignals(0.5))
    plain = explain(
        resume_text=RESUME,
        resume_skills=(),
        job_text=JOB,
        required=(),
        nice=(),
        breakdown=breakdown,
        embedder=embedder,
    )

    def given(text: str) -> Sentences:
        items = tuple(sentences_of(text))
        return Sentences(items, embedder.encode([s for s, _ in items]))

    precomputed = explain(
        resume_text=RESUME,
        resume_skills=(),
        job_text=JOB,
        required=(),
        nice=(),
        breakdown=breakdown,
        embedder=None,
        resume_sentences=given(RESUME),
        job_sentences=given(JOB),
    )
    assert precomputed.sentence_pairs == plain.sentence_pairs
