"""Chroma behind a small class: chunks in, permission-filtered nearest chunks out.

We pass our own vectors everywhere: Chroma's default embedding function would try to download a
model, which this deployment never does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.access import access_metadata, chroma_filter_for_user
from assistant.models import Chunk, Classification, SourceKind, User

_GET_PAGE = 2000
_EF_SEARCH = 1000


def chroma_client(path: Path | None = None, url: str | None = None) -> Any:
    """Embedded PersistentClient under `path`, or an HttpClient to a `chroma run` server."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if url:
        from urllib.parse import urlparse

        parsed = urlparse(url)
        return chromadb.HttpClient(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 8000,
            ssl=parsed.scheme == "https",
            settings=settings,
        )
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

    def __init__(self, client: Any, collection_name: str) -> None:
        self._client = client
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

    def close(self) -> None:
        """Release the client (an embedded store's files and memory are freed with the last one)."""
        close = getattr(self._client, "close", None)
        if close is not None:
            close()

    def add_chunks(self, chunks: list[Chunk], vectors: list[list[float]]) -> None:
        if not chunks:
            return
        self._collection.upsert(
            ids=[chunk.chunk_id for chunk in chunks],
            embeddings=vectors,
            documents=[chunk.text for chunk in chunks],
            metadatas=[_metadata(chunk) for chunk in chunks],
        )

    def delete_source(self, source_id: str) -> None:
        self._collection.delete(where={"source_id": source_id})

    def count(self) -> int:
        return int(self._collection.count())

    def search(self, vector: list[float], k: int, user: User) -> list[tuple[Chunk, float]]:
        """Nearest chunks the user may see, with cosine similarity (filtered inside the store)."""
        if self.count() == 0:
            return []
        result = self._collection.query(
            query_embeddings=[vector],
            n_results=k,
            where=chroma_filter_for_user(user),
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
