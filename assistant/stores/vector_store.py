"""Chroma behind a small class: chunks in, permission-filtered nearest chunks out.

We pass our own vectors everywhere: Chroma's default embedding function would try to download a
model, which this deployment never does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.access import access_metadata, chroma_filter_for_user, visible_to
from assistant.models import Chunk, Classification, SourceKind, User

_GET_PAGE = 2000
# Chunks per write: below the largest batch an embedded Chroma takes (5461 with SQLite's limits).
# A search drops hidden chunks itself (no metadata filter in the store) when at most this many are.
_POST_FILTER_MAX_HIDDEN = 256
_WRITE_PAGE = 4000
_EF_SEARCH = 1000


def chroma_client(path: Path | None = None, url: str | None = None, timeout_s: float = 30.0) -> Any:
    """Embedded PersistentClient under `path`, or an HttpClient to a `chroma run` server whose
    requests each take at most `timeout_s` (a server that is down or hung: one clear error)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if url:
        from assistant.stores.chroma_remote import ServerCalls, http_client

        return ServerCalls(http_client(url, timeout_s, settings), url)
    assert path is not None
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


def _metadata(chunk: Chunk) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "source_id": chunk.source_id,
        "kind": chunk.kind.value,
        "title": chunk.title,
        "locator": chunk.locator,
        "url": chunk.url or "",
        "classification": chunk.classification.value,
        "departments": json.dumps(chunk.departments, ensure_ascii=False),
        "as_of": chunk.as_of or "",
        "index_text": chunk.index_text,
    }
    metadata.update(access_metadata(chunk))
    return metadata


def _chunk(chunk_id: str, text: str, metadata: dict[str, Any]) -> Chunk:
    return Chunk(
        chunk_id=chunk_id,
        source_id=metadata["source_id"],
        kind=SourceKind(metadata["kind"]),
        title=metadata["title"],
        text=text,
        locator=metadata.get("locator", ""),
        url=metadata.get("url") or None,
        classification=Classification(metadata["classification"]),
        departments=json.loads(metadata.get("departments") or "[]"),
        as_of=metadata.get("as_of") or None,
        index_text=metadata.get("index_text", ""),
    )


class ChromaVectorStore:
    """One Chroma collection of chunks with cosine similarity."""

    def __init__(self, client: Any, collection_name: str, *, create: bool = True) -> None:
        """`create`: make the collection when missing; else, on a Chroma server, a missing one is an
        error (the collection of a published generation: the server lost it or runs elsewhere)."""
        self._client = client
        server_url = getattr(client, "server_url", None)  # a chroma_remote.ServerCalls client
        if server_url and not create:
            from assistant.stores.chroma_remote import require_collection

            require_collection(client, collection_name, server_url)
        self._collection = client.get_or_create_collection(
            name=collection_name,
            configuration={
                "hnsw": {
                    "space": "cosine",
                    "ef_construction": 200,
                    "max_neighbors": 32,
                    "ef_search": _EF_SEARCH,
                }
            },
            embedding_function=None,
        )
        # HNSW is approximate, more so under a permission filter: with a small search beam the
        # 20th-40th candidates came and went between runs. A wide beam keeps the candidate list
        # exact at city scale for a few milliseconds. (Collections made earlier are widened too.)
        if self._collection.configuration_json.get("hnsw", {}).get("ef_search") != _EF_SEARCH:
            self._collection.modify(configuration={"hnsw": {"ef_search": _EF_SEARCH}})
        if server_url:
            from assistant.stores.chroma_remote import ServerCalls

            self._collection = ServerCalls(self._collection, server_url)

    def close(self) -> None:
        """Release the client (an embedded store's files and memory are freed with the last one)."""
        close = getattr(self._client, "close", None)
        if close is not None:
            close()

    def add_chunks(self, chunks: list[Chunk], vectors: Sequence[Sequence[float]] | np.ndarray) -> None:
        """Upsert chunks with their vectors (rows of a float array or lists), in pages Chroma accepts."""
        for start in range(0, len(chunks), _WRITE_PAGE):
            page = chunks[start : start + _WRITE_PAGE]
            self._collection.upsert(
                ids=[chunk.chunk_id for chunk in page],
                embeddings=vectors[start : start + _WRITE_PAGE],
                documents=[chunk.text for chunk in page],
                metadatas=[_metadata(chunk) for chunk in page],
            )

    def delete_source(self, source_id: str) -> None:
        self._collection.delete(where={"source_id": source_id})

    def delete_chunks(self, chunk_ids: list[str]) -> None:
        for start in range(0, len(chunk_ids), _WRITE_PAGE):
            self._collection.delete(ids=chunk_ids[start : start + _WRITE_PAGE])

    def vectors_of(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """The stored vector of each of these chunks that is in the collection."""
        vectors: dict[str, np.ndarray] = {}
        for start in range(0, len(chunk_ids), _WRITE_PAGE):
            page = self._collection.get(ids=chunk_ids[start : start + _WRITE_PAGE], include=["embeddings"])
            for chunk_id, vector in zip(page["ids"], page["embeddings"], strict=True):
                vectors[chunk_id] = np.asarray(vector, dtype=np.float32)
        return vectors

    def count(self) -> int:
        return int(self._collection.count())

    def search(
        self, vector: list[float], k: int, user: User, hidden: int | None = None
    ) -> list[tuple[Chunk, float]]:
        """Nearest chunks the user may see, with cosine similarity, filtered inside the store.

        `hidden`: how many chunks of the collection the caller knows this user may not see (the
        keyword index holds the same chunks). When they are few, the store is asked for the k +
        `hidden` nearest chunks without a filter and the hidden ones are dropped here, before
        anything leaves this method: the same k chunks, without Chroma's metadata pre-filter, which
        costs ~350 ms a query at 61k chunks against ~10 ms (BENCHMARKS.md, "National catalog")."""
        if hidden is not None and hidden <= _POST_FILTER_MAX_HIDDEN:
            return [hit for hit in self._nearest(vector, k + hidden, None) if visible_to(user, hit[0])][:k]
        if self.count() == 0:
            return []
        return self._nearest(vector, k, chroma_filter_for_user(user))

    def _nearest(
        self, vector: list[float], k: int, where: dict[str, Any] | None
    ) -> list[tuple[Chunk, float]]:
        result = self._collection.query(
            query_embeddings=[vector],
            n_results=k,
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        hits = []
        for chunk_id, text, metadata, distance in zip(
            result["ids"][0],
            result["documents"][0],
            result["metadatas"][0],
            result["distances"][0],
            strict=True,
        ):
            hits.append((_chunk(chunk_id, text, metadata), 1.0 - float(distance)))
        return hits

    def get_chunks(self, where: dict[str, Any] | None = None) -> list[Chunk]:
        """All chunks (optionally filtered), paged so large collections do not load in one call."""
        chunks: list[Chunk] = []
        offset = 0
        while True:
            page = self._collection.get(
                where=where, include=["documents", "metadatas"], limit=_GET_PAGE, offset=offset
            )
            for chunk_id, text, metadata in zip(
                page["ids"], page["documents"], page["metadatas"], strict=True
            ):
                chunks.append(_chunk(chunk_id, text, metadata))
            if len(page["ids"]) < _GET_PAGE:
                return chunks
            offset += _GET_PAGE

    def pages_with_vectors(
        self, page_size: int = _GET_PAGE
    ) -> Iterator[tuple[list[Chunk], list[list[float]]]]:
        """Every chunk with its stored vector, a page at a time (to copy a collection)."""
        offset = 0
        while True:
            page = self._collection.get(
                include=["documents", "metadatas", "embeddings"], limit=page_size, offset=offset
            )
            chunks = [
                _chunk(chunk_id, text, metadata)
                for chunk_id, text, metadata in zip(
                    page["ids"], page["documents"], page["metadatas"], strict=True
                )
            ]
            if chunks:
                yield chunks, [[float(value) for value in vector] for vector in page["embeddings"]]
            if len(chunks) < page_size:
                return
            offset += page_size

    def chunks_of_source(self, source_id: str) -> list[Chunk]:
        chunks = self.get_chunks(where={"source_id": source_id})
        return sorted(chunks, key=lambda chunk: _chunk_order(chunk.chunk_id))


def _chunk_order(chunk_id: str) -> int:
    _, _, number = chunk_id.rpartition("#")
    return int(number) if number.isdigit() else 0
