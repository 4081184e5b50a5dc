"""BM25 keyword index (bm25s) over Korean and English search tokens.

bm25s has no incremental updates, so the index keeps its chunks and rebuilds the sparse matrix
when they change (a few seconds for thousands of chunks). `save` writes the matrix next to the chunks
with a fingerprint of the chunk file, and `open` loads it instead of rebuilding; a matrix whose
fingerprint does not match the chunks (an older save, an interrupted one) is rebuilt. Permission
filtering happens inside the scoring through a weight mask, so hidden chunks never enter the ranking.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from assistant.access import visible_to
from assistant.models import Chunk, User
from assistant.tokens import search_tokens_many

_CHUNKS_FILE = "chunks.jsonl"
_MODEL_DIR = "bm25"
# Written last into the model folder: the chunk file's fingerprint and the layout's version.
_MODEL_META_FILE = "cityqa.json"
_DOCUMENT_FREQUENCIES_FILE = "document_frequencies.npy"
_MODEL_FORMAT = 1

ModelOrigin = Literal["loaded", "built"]


class KeywordIndex(Protocol):
    def add(self, chunks: list[Chunk]) -> None: ...
    def delete_source(self, source_id: str) -> None: ...
    def search(self, query_tokens: list[str], k: int, user: User) -> list[tuple[Chunk, float]]: ...


class BM25KeywordIndex:
    """Chunks plus their BM25 model, persisted in a folder."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._chunks: dict[str, Chunk] = {}
        self._tokens: dict[str, list[str]] = {}
        self._model: Any = None
        self._order: list[str] = []
        self._dirty = False
        self._document_frequencies: list[int] = []
        self._lock = threading.Lock()
        self._model_origin: ModelOrigin | None = None
        self._by_source: dict[str, list[str]] | None = None  # built on first use, reset by changes
        # Which chunks of `_order` each kind of user may see (clearance, department): computed once
        # per kind by the access rule itself, not for every chunk on every search (74k chunks with
        # the national catalog: ~40 ms a search). Reset whenever `_order` is set.
        self._masks: dict[tuple[str, str | None], np.ndarray] = {}

    @classmethod
    def open(cls, path: Path) -> BM25KeywordIndex:
        """Load the index saved at `path` (an empty index when nothing was saved yet)."""
        index = cls(path)
        chunks_file = path / _CHUNKS_FILE
        if chunks_file.exists():
            content = chunks_file.read_bytes()
            for line in content.split(b"\n"):  # bytes: a U+2028 inside a text is no line break
                if not line.strip():
                    continue
                row = json.loads(line)
                chunk = Chunk.model_validate(row["chunk"])
                index._chunks[chunk.chunk_id] = chunk
                index._tokens[chunk.chunk_id] = row["tokens"]
            index._dirty = True
            index._load_saved_model(_fingerprint(content))
        return index

    @property
    def model_origin(self) -> ModelOrigin | None:
        """Where the BM25 matrix in use came from: "loaded" (read from the save), "built" (from the
        tokens), None (not yet, or no chunks)."""
        return self._model_origin

    def _load_saved_model(self, fingerprint: str) -> None:
        """Use the saved matrix when it was saved for exactly these chunks (else it is rebuilt later)."""
        assert self.path is not None
        folder = self.path / _MODEL_DIR
        try:
            meta = json.loads((folder / _MODEL_META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # never saved, or an interrupted save: rebuilt on first use
        if meta.get("format") != _MODEL_FORMAT or meta.get("fingerprint") != fingerprint or not self._chunks:
            return
        import bm25s

        model = bm25s.BM25.load(folder, mmap=False, show_progress=False)
        frequencies = np.load(folder / _DOCUMENT_FREQUENCIES_FILE, allow_pickle=False)
        self._model, self._order, self._masks = model, list(self._chunks), {}
        self._document_frequencies = [int(frequency) for frequency in frequencies]
        self._model_origin, self._dirty = "loaded", False

    def __len__(self) -> int:
        return len(self._chunks)

    def add(self, chunks: list[Chunk], token_lists: list[list[str]] | None = None) -> None:
        """Index `chunks` (replacing chunks of the same ids); `token_lists`: their search tokens when
        known (an ingest keeps the tokens of a chunk whose index text did not change)."""
        if token_lists is None:
            token_lists = search_tokens_many([chunk.index_text or chunk.text for chunk in chunks])
        with self._lock:
            for chunk, tokens in zip(chunks, token_lists, strict=True):
                self._chunks[chunk.chunk_id] = chunk
                self._tokens[chunk.chunk_id] = tokens
            self._dirty = True
            self._by_source = None

    def delete_source(self, source_id: str) -> None:
        self.delete_sources({source_id})

    def delete_sources(self, source_ids: set[str]) -> None:
        """Remove every chunk of these sources (one pass, however many sources)."""
        self.delete_chunks([cid for cid, chunk in self._chunks.items() if chunk.source_id in source_ids])

    def delete_chunks(self, chunk_ids: list[str]) -> None:
        with self._lock:
            for chunk_id in chunk_ids:
                if self._chunks.pop(chunk_id, None) is not None:
                    del self._tokens[chunk_id]
            self._dirty = True
            self._by_source = None

    def indexed(self, chunk_ids: list[str]) -> dict[str, tuple[Chunk, list[str]]]:
        """The indexed chunk and its tokens for each of these ids that is in the index."""
        return {cid: (self._chunks[cid], self._tokens[cid]) for cid in chunk_ids if cid in self._chunks}

    def save(self) -> None:
        """Write chunks and tokens, then the BM25 matrix with the chunk file's fingerprint."""
        if self.path is None:
            return
        self.path.mkdir(parents=True, exist_ok=True)
        self._ensure_model()
        with self._lock:
            content = "".join(
                json.dumps(
                    {"chunk": chunk.model_dump(mode="json"), "tokens": self._tokens[chunk_id]},
                    ensure_ascii=False,
                )
                + "\n"
                for chunk_id, chunk in self._chunks.items()
            ).encode("utf-8")
            # The old matrix goes first, so a crash between the two writes leaves chunks without a
            # matrix (rebuilt on open), never chunks with a matrix of other chunks.
            shutil.rmtree(self.path / _MODEL_DIR, ignore_errors=True)
            temporary = self.path / (_CHUNKS_FILE + ".tmp")
            temporary.write_bytes(content)
            temporary.replace(self.path / _CHUNKS_FILE)
            if self._model is not None and self._order == list(self._chunks):
                self._save_model(_fingerprint(content))

    def _save_model(self, fingerprint: str) -> None:
        assert self.path is not None
        temporary = self.path / (_MODEL_DIR + ".tmp")
        shutil.rmtree(temporary, ignore_errors=True)
        self._model.save(temporary, show_progress=False)
        np.save(
            temporary / _DOCUMENT_FREQUENCIES_FILE,
            np.asarray(self._document_frequencies, dtype=np.int64),
            allow_pickle=False,
        )
        meta = {"format": _MODEL_FORMAT, "fingerprint": fingerprint}
        (temporary / _MODEL_META_FILE).write_text(json.dumps(meta), encoding="utf-8")
        temporary.replace(self.path / _MODEL_DIR)

    def _ensure_model(self) -> None:
        with self._lock:
            if not self._dirty:
                return
            import bm25s

            self._order, self._masks = list(self._chunks), {}
            if self._order:
                model = bm25s.BM25()
                token_lists = [self._tokens[chunk_id] for chunk_id in self._order]
                model.index(token_lists, show_progress=False)
                self._model = model
                frequencies = [0] * len(model.vocab_dict)
                for tokens in token_lists:
                    for token in set(tokens):
                        frequencies[model.vocab_dict[token]] += 1
                self._document_frequencies = frequencies
                self._model_origin = "built"
            else:
                self._model, self._model_origin = None, None
            self._dirty = False

    def warm_up(self) -> None:
        """Have the BM25 matrix ready (loaded or built) before the first search."""
        self._ensure_model()

    def search(self, query_tokens: list[str], k: int, user: User) -> list[tuple[Chunk, float]]:
        """Best-scoring chunks the user may see, with their BM25 scores (zero scores dropped)."""
        self._ensure_model()
        if self._model is None:
            return []
        known = [token for token in query_tokens if token in self._model.vocab_dict]
        if not known:
            return []
        scores = np.asarray(self._model.get_scores(known), dtype=float)
        scores = np.where(self._mask_for(user), scores, 0.0)
        top = np.argsort(-scores)[:k]
        return [(self._chunks[self._order[i]], float(scores[i])) for i in top if scores[i] > 0]

    def _mask_for(self, user: User) -> np.ndarray:
        """`visible_to(user, chunk)` for every chunk in `_order` (`User.may_see` reads only the
        clearance and the department, so users alike in both share one mask)."""
        key = (user.clearance.value, user.department)
        mask = self._masks.get(key)
        if mask is None or len(mask) != len(self._order):
            mask = np.fromiter(
                (visible_to(user, self._chunks[chunk_id]) for chunk_id in self._order),
                dtype=bool,
                count=len(self._order),
            )
            self._masks[key] = mask
        return mask

    def hidden_from(self, user: User) -> int:
        """How many indexed chunks the user may not see."""
        self._ensure_model()
        return len(self._order) - int(np.count_nonzero(self._mask_for(user))) if self._order else 0

    def chunks(self) -> list[Chunk]:
        return list(self._chunks.values())

    def tokens_of(self, chunk: Chunk) -> set[str]:
        """The indexed tokens of a chunk (its text plus glossary expansion)."""
        tokens = self._tokens.get(chunk.chunk_id)
        if tokens is None:
            tokens = search_tokens_many([chunk.index_text or chunk.text])[0]
        return set(tokens)

    def chunks_of_source(self, source_id: str) -> list[Chunk]:
        """A source's chunks, in index order."""
        by_source = self._by_source
        if by_source is None:
            by_source = {}
            for chunk_id, chunk in self._chunks.items():
                by_source.setdefault(chunk.source_id, []).append(chunk_id)
            self._by_source = by_source
        return [self._chunks[chunk_id] for chunk_id in by_source.get(source_id, [])]

    def tokens_of_source(self, source_id: str) -> set[str]:
        """The indexed tokens of all of a source's chunks."""
        tokens: set[str] = set()
        for chunk in self.chunks_of_source(source_id):
            tokens.update(self._tokens[chunk.chunk_id])
        return tokens

    def vocabulary(self) -> Mapping[str, int]:
        """Every indexed token (a spelling dictionary for the corpus's own words); the same object
        until the index changes."""
        self._ensure_model()
        return self._model.vocab_dict if self._model is not None else {}

    def document_frequency(self, token: str) -> int:
        """How many chunks contain the token."""
        self._ensure_model()
        if self._model is None:
            return 0
        column = self._model.vocab_dict.get(token)
        if column is None:
            return 0
        return self._document_frequencies[column]


def _fingerprint(chunk_file_content: bytes) -> str:
    return hashlib.sha256(chunk_file_content).hexdigest()
