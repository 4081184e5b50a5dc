"""Cold start (issue 11): queries are embedded by the model's ONNX export, without torch, and agree
with sentence-transformers; without a current export they go through sentence-transformers.

The agreement tests use the real packaged model (exported once per module); the choice between
export and model is checked with doubles."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant import embeddings, onnx_embeddings
from assistant.embeddings import (
    PACKAGED_MINILM,
    QueryOnnxEmbedder,
    SentenceTransformerEmbedder,
    embedder_for,
    packaged_minilm_path,
)
from assistant.onnx_embeddings import (
    MIN_AGREEMENT,
    encoder_for,
    export_sentence_transformer,
    model_inputs,
    model_tokenizer,
    onnx_model_path,
    usable_export,
)

NAME = "all-MiniLM-L6-v2"
TEXTS = [
    "해운대구 인구는?",
    "2025년 5월 부산진구와 동래구의 인구 합계는?",
    "해운대해수욕장 방문객 데이터는 어디에 있나요?",
    "How many days does an agency have to decide on a public data request?",
    "What was the registered population of Haeundae-gu in May 2025?",
    "  Which dataset has Haeundae beach visitor numbers?\n",
    "공공데이터 제공신청 절차 안내 " * 60,  # past the model's 256 tokens: truncated the same way
    "",
]


@dataclass
class Exported:
    model: SentenceTransformerEmbedder
    models_dir: Path


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exported]:
    model = SentenceTransformerEmbedder(packaged_minilm_path())
    models_dir = tmp_path_factory.mktemp("home") / "models"
    path = export_sentence_transformer(model._loaded_model(), Path(model.model_path), models_dir, NAME)
    assert path == onnx_model_path(models_dir, NAME)
    yield Exported(model, models_dir)


def _onnx_embedder(exported: Exported) -> QueryOnnxEmbedder:
    # a fresh documents embedder: the queries must not need its (torch) model
    documents = SentenceTransformerEmbedder(exported.model.model_path)
    return QueryOnnxEmbedder(documents, exported.models_dir, NAME)


@pytest.mark.integration
def test_onnx_query_embeddings_agree_with_sentence_transformers(exported: Exported) -> None:
    onnx = _onnx_embedder(exported)
    for text in TEXTS:
        expected = np.array(exported.model.embed_query(text))
        got = np.array(onnx.embed_query(text))
        assert got.shape == expected.shape == (384,)
        assert float(got @ expected) >= MIN_AGREEMENT, text[:40]
    assert onnx.documents._model is None  # torch was never needed for a query


@pytest.mark.integration
def test_a_padded_batch_agrees_too(exported: Exported) -> None:
    encoder = encoder_for(exported.models_dir, NAME, Path(exported.model.model_path))
    assert encoder is not None
    batched = encoder.encode(TEXTS)
    expected = np.array(exported.model.embed_documents(TEXTS))
    assert (batched * expected).sum(axis=1).min() >= MIN_AGREEMENT


@pytest.mark.integration
def test_the_tokens_are_those_sentence_transformers_feeds_the_model(exported: Exported) -> None:
    model = exported.model._loaded_model()
    preprocess = getattr(model, "preprocess", None) or model.tokenize
    expected = preprocess(TEXTS)
    got = model_inputs(model_tokenizer(Path(exported.model.model_path), model.max_seq_length), TEXTS)
    for key in ("input_ids", "attention_mask", "token_type_ids"):
        assert got[key].tolist() == expected[key].tolist(), key


@pytest.mark.integration
def test_the_export_describes_its_source(exported: Exported) -> None:
    onnx_path = onnx_model_path(exported.models_dir, NAME)
    description = usable_export(onnx_path, Path(exported.model.model_path))
    assert description is not None
    assert description["max_seq_length"] == 256
    assert description["agreement"] >= MIN_AGREEMENT
    assert usable_export(onnx_path, Path(exported.model.model_path).parent) is None  # another model


# --- which embedder answers a query (doubles, no model) ---------------------------------------------


class RecordingDocuments(SentenceTransformerEmbedder):
    """sentence-transformers as far as the wrapper can tell, without loading anything."""

    def __init__(self, model_path: Path) -> None:
        super().__init__(str(model_path))
        self.queries: list[str] = []
        self.documents: list[list[str]] = []

    def _loaded_model(self) -> Any:
        self._model = object()
        return self._model

    def embed_query(self, text: str) -> list[float]:
        self.queries.append(text)
        return [1.0, 0.0]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.documents.append(texts)
        return [[1.0, 0.0] for _ in texts]


@pytest.fixture
def exports(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Records export attempts instead of exporting."""
    calls: list[Path] = []

    def export(model: Any, model_path: Path, models_dir: Path, name: str) -> Path | None:
        calls.append(models_dir)
        return None

    monkeypatch.setattr(embeddings, "export_sentence_transformer", export)
    return calls


def test_without_an_export_queries_use_sentence_transformers_and_say_so(
    tmp_path: Path, exports: list[Path], caplog: pytest.LogCaptureFixture
) -> None:
    documents = RecordingDocuments(tmp_path / "model")
    embedder = QueryOnnxEmbedder(documents, tmp_path / "models", NAME)
    with caplog.at_level(logging.DEBUG, logger="cityqa.embeddings"):
        assert embedder.embed_query("해운대구 인구는?") == [1.0, 0.0]
        assert embedder.embed_query("and afterwards?") == [1.0, 0.0]
    assert documents.queries == ["해운대구 인구는?", "and afterwards?"]
    assert any(
        record.levelno == logging.DEBUG and "queries use sentence-transformers" in record.getMessage()
        for record in caplog.records
    )
    assert exports == [tmp_path / "models"]  # exported once, for the processes after this one


def test_documents_always_use_sentence_transformers_and_an_ingest_exports(
    tmp_path: Path, exports: list[Path]
) -> None:
    documents = RecordingDocuments(tmp_path / "model")
    embedder = QueryOnnxEmbedder(documents, tmp_path / "models", NAME)
    embedder.embed_documents([])
    assert exports == []  # nothing embedded, nothing loaded
    embedder.embed_documents(["a"])
    embedder.embed_documents(["b", "c"])
    assert documents.documents == [[], ["a"], ["b", "c"]]
    assert exports == [tmp_path / "models"]


def _fake_export(model_dir: Path, models_dir: Path) -> Path:
    model_dir.mkdir()
    for name in ("config.json", "model.safetensors", "tokenizer.json"):
        (model_dir / name).write_text(name, encoding="utf-8")
    models_dir.mkdir()
    onnx_path = onnx_model_path(models_dir, NAME)
    onnx_path.write_bytes(b"onnx")
    description = {
        "source": str(model_dir),
        "source_files": onnx_embeddings._source_fingerprint(model_dir),
        "max_seq_length": 256,
    }
    onnx_path.with_suffix(".json").write_text(json.dumps(description), encoding="utf-8")
    return onnx_path


def test_an_export_of_a_changed_model_is_not_used(tmp_path: Path) -> None:
    model_dir, models_dir = tmp_path / "model", tmp_path / "models"
    onnx_path = _fake_export(model_dir, models_dir)
    assert usable_export(onnx_path, model_dir) is not None
    assert encoder_for(models_dir, NAME, model_dir) is not None

    (model_dir / "model.safetensors").write_text("other weights", encoding="utf-8")
    assert usable_export(onnx_path, model_dir) is None
    assert encoder_for(models_dir, NAME, model_dir) is None


def test_an_export_without_its_description_is_not_used(tmp_path: Path) -> None:
    model_dir, models_dir = tmp_path / "model", tmp_path / "models"
    onnx_path = _fake_export(model_dir, models_dir)
    onnx_path.with_suffix(".json").write_text("{not json", encoding="utf-8")
    assert usable_export(onnx_path, model_dir) is None
    onnx_path.with_suffix(".json").unlink()
    assert usable_export(onnx_path, model_dir) is None


def test_with_a_current_export_queries_never_touch_sentence_transformers(
    tmp_path: Path, exports: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    model_dir, models_dir = tmp_path / "model", tmp_path / "models"
    _fake_export(model_dir, models_dir)

    class FixedEncoder:
        def __init__(self, onnx_path: Path, model_path: Path, max_seq_length: int) -> None:
            assert max_seq_length == 256

        def encode(self, texts: list[str]) -> Any:
            return np.array([[0.6, 0.8]] * len(texts), dtype=np.float32)

    monkeypatch.setattr(onnx_embeddings, "OnnxSentenceEncoder", FixedEncoder)
    documents = RecordingDocuments(model_dir)
    embedder = QueryOnnxEmbedder(documents, models_dir, NAME)
    vector = embedder.embed_query("해운대구 인구는?")
    assert vector == pytest.approx([0.6, 0.8]) and all(type(value) is float for value in vector)
    assert documents.queries == [] and documents._model is None and exports == []


def test_embedder_for_uses_the_export_only_with_a_home(tmp_path: Path) -> None:
    assert isinstance(embedder_for(PACKAGED_MINILM, 8), SentenceTransformerEmbedder)
    with_home = embedder_for(PACKAGED_MINILM, 8, home=tmp_path)
    assert isinstance(with_home, QueryOnnxEmbedder)
    assert with_home.models_dir == tmp_path / "models"
    assert isinstance(embedder_for(str(tmp_path), 8, home=tmp_path), SentenceTransformerEmbedder)


def test_temporary_files_of_an_export_killed_midway_are_removed_by_the_next_export(tmp_path: Path) -> None:
    abandoned = tmp_path / f".{NAME}.x1y2.onnx.tmp"
    in_progress = tmp_path / f".{NAME}.z3w4.onnx.tmp"
    abandoned.write_bytes(b"half an export")
    in_progress.write_bytes(b"another process is writing this")
    long_ago = abandoned.stat().st_mtime - onnx_embeddings.ABANDONED_AFTER_S - 60
    os.utime(abandoned, (long_ago, long_ago))
    onnx_embeddings._remove_abandoned_exports(tmp_path, NAME)
    assert not abandoned.exists() and in_progress.exists()
