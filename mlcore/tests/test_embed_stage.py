"""The embed stage's blocks: a view that is the whole text reuses the document vector."""

from __future__ import annotations

import numpy as np

from mlcore.embeddings import get_embedder
from mlcore.pipelines.embed import embedding_blocks


class CountingEmbedder:
    """The hashing embedder, counting the short texts it is asked to encode."""

    def __init__(self):
        self.base = get_embedder("hashing")
        self.model_id, self.dim = self.base.model_id, self.base.dim
        self.encoded: list[str] = []

    def encode(self, texts, *, batch_size=32):
        self.encoded += list(texts)
        return self.base.encode(texts, batch_size=batch_size)

    def encode_documents(self, texts, *, batch_size=32):
        return self.base.encode_documents(texts, batch_size=batch_size)


def test_a_title_alone_reuses_its_document_vector_and_a_posting_title_is_encoded():
    embedder = CountingEmbedder()
    texts = ["Registered Nurse", "Staff Accountant\nClose the books every month."]
    blocks = embedding_blocks(embedder, texts)
    assert embedder.encoded == ["Staff Accountant"]
    assert np.array_equal(blocks["title"][0], blocks["document"][0])
    assert np.allclose(blocks["title"][1], embedder.base.encode(["Staff Accountant"])[0])
    assert not blocks["role"].any()  # no experience section: zeros
    assert {b.shape for b in blocks.values()} == {(2, embedder.dim)}
