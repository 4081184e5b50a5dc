"""A sentence-transformers model run by onnxruntime, for query embeddings without importing torch.

Importing torch and sentence-transformers takes ~5 s, most of a cold `cityqa ask`; onnxruntime and
`tokenizers` (both installed with chromadb) load the same model in ~0.6 s. The model is exported to
ONNX once, by the process that has it loaded in sentence-transformers anyway (an ingest, or a query
falling back to it), into `CITYQA_HOME/models/`; nothing is downloaded. The exported graph is the
whole sentence-transformers model (transformer, pooling, normalisation), traced by torch's own
exporter, so this module only tokenises with the model's `tokenizer.json`. A file is published only
after it agreed with sentence-transformers on probe texts (cosine >= `MIN_AGREEMENT`).

Why not optimum: optimum-onnx (0.1.0) does not install beside the pinned transformers 5 (it wants
transformers<4.58), and its `ORTModel` classes import transformers at query time, part of the cost
this avoids; all it would add here is the export call and a mean pooling the exported graph has.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Any

log = logging.getLogger("cityqa.embeddings")

MODELS_DIR = "models"  # under CITYQA_HOME
MIN_AGREEMENT = 0.9999  # least cosine between an ONNX and a sentence-transformers embedding
ONNX_OPSET = 17
ABANDONED_AFTER_S = 3600  # a temporary export file this old was left by a process that was stopped
# Korean and English, one longer than the model reads (it is truncated), and uneven lengths in one
# batch (padding): what must come out the same as from sentence-transformers before a file is used.
PROBE_TEXTS = (
    "해운대구 인구는?",
    "How many days does an agency have to decide on a public data request?",
    "공공데이터 제공신청은 며칠 안에 결정하나요?  ",
    "부산광역시 구·군별 주민등록인구 (2025년 5월) " * 40,
    "ok",
)
_SOURCE_FILES = ("config.json", "model.safetensors", "tokenizer.json", "sentence_bert_config.json")


def onnx_model_path(models_dir: Path, name: str) -> Path:
    return models_dir / f"{name}.onnx"


def _source_fingerprint(model_path: Path) -> dict[str, list[int]]:
    """Size and modification time of the model's files: a changed model invalidates its export."""
    fingerprint: dict[str, list[int]] = {}
    for file_name in _SOURCE_FILES:
        path = model_path / file_name
        if path.exists():
            stat = path.stat()
            fingerprint[file_name] = [stat.st_size, stat.st_mtime_ns]
    return fingerprint


def _sidecar(onnx_path: Path) -> Path:
    return onnx_path.with_suffix(".json")


def usable_export(onnx_path: Path, model_path: Path) -> dict[str, Any] | None:
    """The export's description when `onnx_path` holds an export of the model at `model_path` as it
    is now; None when there is none or it is stale."""
    try:
        description = json.loads(_sidecar(onnx_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not onnx_path.exists():
        return None
    if description.get("source") != str(model_path):
        return None
    if description.get("source_files") != _source_fingerprint(model_path):
        return None
    return description if isinstance(description, dict) else None


class OnnxSentenceEncoder:
    """Tokeniser (the model's `tokenizer.json`, truncated and padded as sentence-transformers does)
    and the exported graph, which returns the normalised sentence embeddings. Loads on first use."""

    def __init__(self, onnx_path: Path, model_path: Path, max_seq_length: int) -> None:
        self.onnx_path = onnx_path
        self.model_path = model_path
        self.max_seq_length = max_seq_length
        self._loaded: tuple[Any, Any] | None = None
        self._lock = threading.Lock()

    def _session_and_tokenizer(self) -> tuple[Any, Any]:
        with self._lock:
            if self._loaded is None:
                import onnxruntime

                session = onnxruntime.InferenceSession(
                    str(self.onnx_path), providers=["CPUExecutionProvider"]
                )
                self._loaded = (session, model_tokenizer(self.model_path, self.max_seq_length))
            return self._loaded

    def encode(self, texts: list[str]) -> Any:
        """float32 array (len(texts), dimensions) of L2-normalised embeddings."""
        session, tokenizer = self._session_and_tokenizer()
        return session.run(["sentence_embedding"], model_inputs(tokenizer, texts))[0]


def model_tokenizer(model_path: Path, max_seq_length: int) -> Any:
    """The model's `tokenizer.json`, truncating and padding as sentence-transformers does."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=max_seq_length)
    padding = tokenizer.padding or {}
    tokenizer.enable_padding(  # to the batch's longest text, not the file's fixed length
        pad_id=padding.get("pad_id", 0), pad_token=padding.get("pad_token", "[PAD]")
    )
    return tokenizer


def model_inputs(tokenizer: Any, texts: list[str]) -> dict[str, Any]:
    """The graph's inputs (int64 arrays) for `texts`; stripped, as sentence-transformers strips them."""
    import numpy as np

    encodings = tokenizer.encode_batch([text.strip() for text in texts])
    return {
        "input_ids": np.array([encoding.ids for encoding in encodings], dtype=np.int64),
        "attention_mask": np.array([encoding.attention_mask for encoding in encodings], dtype=np.int64),
        "token_type_ids": np.array([encoding.type_ids for encoding in encodings], dtype=np.int64),
    }


def encoder_for(models_dir: Path, name: str, model_path: Path) -> OnnxSentenceEncoder | None:
    """The ONNX encoder of the model at `model_path` when `models_dir` holds a current export."""
    onnx_path = onnx_model_path(models_dir, name)
    description = usable_export(onnx_path, model_path)
    if description is None:
        return None
    return OnnxSentenceEncoder(onnx_path, model_path, int(description["max_seq_length"]))


def export_sentence_transformer(model: Any, model_path: Path, models_dir: Path, name: str) -> Path | None:
    """Export a loaded SentenceTransformer to `models_dir/<name>.onnx` (and its description beside
    it), checked against the model on `PROBE_TEXTS`. Written to temporary files and renamed into
    place, so a concurrent reader sees the old export or the new one. None (and a log line) when
    the `onnx` package is missing, the export fails or it disagrees with the model."""
    try:
        import onnx  # noqa: F401  (torch's exporter needs it)
        import torch
    except ImportError as error:
        log.debug("no ONNX export of %s: %s", name, error)
        return None
    onnx_path = onnx_model_path(models_dir, name)
    temporary: Path | None = None
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
        _remove_abandoned_exports(models_dir, name)
        handle, temporary_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".onnx.tmp", dir=models_dir)
        os.close(handle)
        temporary = Path(temporary_name)
        max_seq_length = int(model.max_seq_length)
        _trace_to_onnx(torch, model, model_tokenizer(model_path, max_seq_length), temporary)
        os.chmod(temporary, 0o644)  # mkstemp made it private; the export is no secret
        agreement = _agreement(model, OnnxSentenceEncoder(temporary, model_path, max_seq_length))
        if agreement < MIN_AGREEMENT:
            log.warning("ONNX export of %s not used: cosine %.6f with the model", name, agreement)
            return None
        description = {
            "source": str(model_path),
            "source_files": _source_fingerprint(model_path),
            "max_seq_length": max_seq_length,
            "exported_with": f"torch {torch.__version__}, opset {ONNX_OPSET}",
            "agreement": round(agreement, 7),
        }
        os.replace(temporary, onnx_path)
        sidecar_temporary = _sidecar(temporary)
        sidecar_temporary.write_text(json.dumps(description, indent=1), encoding="utf-8")
        os.replace(sidecar_temporary, _sidecar(onnx_path))
    except Exception:  # an export is an optimisation: never fatal to the ingest or the question
        log.warning("ONNX export of %s failed; queries keep using sentence-transformers", name, exc_info=True)
        return None
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
            _sidecar(temporary).unlink(missing_ok=True)
    log.info("exported %s to %s (query embeddings without torch)", name, onnx_path)
    return onnx_path


def _remove_abandoned_exports(models_dir: Path, name: str) -> None:
    """Temporary files of exports killed midway (an ingest stopped with Ctrl-C): ~90 MB each."""
    for leftover in models_dir.glob(f".{name}.*"):
        try:
            if time.time() - leftover.stat().st_mtime > ABANDONED_AFTER_S:
                leftover.unlink()
        except OSError:
            pass  # gone already, or another process's


def _trace_to_onnx(torch: Any, model: Any, tokenizer: Any, destination: Path) -> None:
    """Trace the whole SentenceTransformer (features in, `sentence_embedding` out) with torch's
    TorchScript exporter (the dynamo one needs onnxscript as well). The example batch holds two texts
    of different lengths, so the traced graph is the one that applies the attention mask."""

    class SentenceEmbeddingGraph(torch.nn.Module):  # type: ignore[name-defined,misc]
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            features = {
                "input_ids": input_ids,
                "attention_mask": attention_mask,
                "token_type_ids": token_type_ids,
            }
            return self.model(features)["sentence_embedding"]

    example = model_inputs(tokenizer, ["a longer example sentence for the trace", "short"])
    inputs = tuple(
        torch.from_numpy(example[key]) for key in ("input_ids", "attention_mask", "token_type_ids")
    )
    axes = {0: "batch", 1: "tokens"}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer notes on Python conditionals the graph does not need
        torch.onnx.export(
            SentenceEmbeddingGraph().eval(),
            inputs,
            str(destination),
            dynamo=False,
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["sentence_embedding"],
            dynamic_axes={
                "input_ids": axes,
                "attention_mask": axes,
                "token_type_ids": axes,
                "sentence_embedding": {0: "batch"},
            },
            opset_version=ONNX_OPSET,
        )


def _agreement(model: Any, encoder: OnnxSentenceEncoder) -> float:
    """Least cosine between the model's and the encoder's embeddings of the probe texts, embedded
    one by one and as one padded batch."""
    import numpy as np

    texts = list(PROBE_TEXTS)
    expected = model.encode(texts, normalize_embeddings=True, show_progress_bar=False)
    one_by_one = np.vstack([encoder.encode([text]) for text in texts])
    batched = encoder.encode(texts)
    return float(min((expected * one_by_one).sum(axis=1).min(), (expected * batched).sum(axis=1).min()))
