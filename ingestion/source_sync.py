"""Bring one file's sources into both indexes row by row: only new or changed sources are chunked,
expanded and embedded; the others keep their chunks, vectors and tokens; sources the file no longer
has are deleted.

A source's digest covers everything its chunks are made of: the loaded source (metadata and
sections; not `origin`, which no chunk carries), the chunking policy and the glossary that expands
index texts (`index_salt`). An equal digest means the stores already hold exactly the chunks this run
would make. A source whose digest changed is chunked again, and each of its chunks whose id and index
text are already indexed (only metadata changed: classification, departments, as-of date) keeps its
stored vector and tokens; only new index texts are embedded. The digests live in the manifest entry
of the file (`ManifestEntry.source_digests`); an entry written before digests existed has none, so
its first re-ingest re-chunks every source once, still embedding only index texts it has not seen.

`prepare_sources` does everything that can fail (chunking, embedding) and writes nothing;
`apply_sources` then writes: stale chunks deleted from Chroma and BM25, new ones upserted.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from assistant.glossary import Glossary
from assistant.models import Chunk, LoadedSource
from assistant.stores.keyword_index import BM25KeywordIndex
from assistant.stores.vector_store import ChromaVectorStore
from ingestion.manifest import ManifestEntry

logger = logging.getLogger(__name__)

# Raised when the way chunks are made from a source changes (index_text's layout, chunk metadata,
# search tokens): every source's digest then changes and the next ingest re-chunks everything once
# (re-embedding only index texts that changed). 2: a catalog entry's search tokens are those of its
# title and text plus those of its glossary words and locator, each tokenised on its own.
CHUNK_FORMAT = 2


def index_salt(glossary: Glossary, max_chars: int, overlap: int) -> str:
    """What besides the source decides its chunks: chunking policy, glossary, chunk format."""
    payload = json.dumps([CHUNK_FORMAT, max_chars, overlap, glossary.concepts], ensure_ascii=False)
    return hashlib.blake2b(payload.encode("utf-8"), digest_size=16).hexdigest()


def source_digest(item: LoadedSource, salt: str) -> str:
    content = item.model_dump_json(exclude={"source": {"origin"}})
    return hashlib.blake2b(f"{salt}\n{content}".encode(), digest_size=16).hexdigest()


@dataclass
class PreparedSources:
    """One file's sources, ready to be written."""

    digests: dict[str, str]  # source id -> digest, in the file's order
    chunks: list[Chunk]  # the chunks of the new and changed sources
    vectors: np.ndarray  # one row per chunk
    tokens: list[list[str]]  # search tokens per chunk
    stale_sources: set[str]  # sources whose chunks in the stores are replaced or removed
    removed_sources: list[str]  # sources the file had and has no longer
    embedded: int = 0  # chunks embedded now (the rest of `chunks` kept their stored vectors)
    unchanged_sources: int = 0
    kept_vectors: int = 0  # chunks of changed sources whose index text, hence vector, is unchanged


class ChunkMaker(Protocol):
    """What the ingestor gives `prepare_sources`: how chunks are cut, expanded and embedded."""

    def chunk_sources(self, loaded: list[LoadedSource]) -> list[Chunk]: ...  # index_text still empty
    def index_chunks(self, chunks: list[Chunk]) -> tuple[list[Chunk], list[list[str]]]: ...  # + tokens
    def embed_chunks(self, chunks: list[Chunk]) -> np.ndarray: ...  # one call: a float32 row each


def prepare_sources(
    loaded: list[LoadedSource],
    previous: ManifestEntry | None,
    salt: str,
    keyword_index: BM25KeywordIndex,
    vector_store: ChromaVectorStore,
    maker: ChunkMaker,
    group_size: int,
) -> PreparedSources:
    """Chunk and embed what changed since `previous` (the file's manifest entry, if indexed before).

    The chunks go through in groups of `group_size`, longest first (as sentence-transformers orders
    one `encode` call, so each group pads as little as one call over all texts would): a group is
    expanded and tokenised (Kiwi), then embedded. Tokenising the next group in a thread while one is
    embedded was measured no faster (the model keeps both of the machine's 2 cores busy) and cost
    more CPU. Nothing is written here."""
    digests = {item.source.source_id: source_digest(item, salt) for item in loaded}
    old_digests = previous.source_digests if previous is not None else {}
    changed = [
        item for item in loaded if old_digests.get(item.source.source_id) != digests[item.source.source_id]
    ]
    chunks = maker.chunk_sources(changed)
    position = {chunk.chunk_id: number for number, chunk in enumerate(chunks)}
    longest_first = sorted(chunks, key=lambda chunk: -(len(chunk.title) + len(chunk.text)))
    groups = [longest_first[start : start + group_size] for start in range(0, len(chunks), group_size)]
    done: list[tuple[Chunk, np.ndarray, list[str]]] = []
    embedded_count = kept = 0
    for plain in groups:
        group, tokens = maker.index_chunks(plain)
        indexed = keyword_index.indexed([chunk.chunk_id for chunk in group])
        same_text = [
            chunk.chunk_id
            for chunk in group
            if chunk.chunk_id in indexed and indexed[chunk.chunk_id][0].index_text == chunk.index_text
        ]
        stored = vector_store.vectors_of(same_text) if same_text else {}
        to_embed = [chunk for chunk in group if chunk.chunk_id not in stored]
        fresh = maker.embed_chunks(to_embed) if to_embed else np.zeros((0, 0), dtype=np.float32)
        rows = dict(zip((chunk.chunk_id for chunk in to_embed), fresh, strict=True))
        rows.update(stored)
        done.extend(
            (chunk, rows[chunk.chunk_id], indexed[chunk.chunk_id][1] if chunk.chunk_id in stored else words)
            for chunk, words in zip(group, tokens, strict=True)
        )
        embedded_count += len(to_embed)
        kept += len(stored)
        if len(groups) > 1:
            logger.info("embedded %d of %d chunks", embedded_count, len(chunks) - kept)
    done.sort(key=lambda item: position[item[0].chunk_id])  # back in the file's order
    previous_ids = previous.source_ids if previous is not None else []
    removed = [source_id for source_id in previous_ids if source_id not in digests]
    return PreparedSources(
        digests=digests,
        chunks=[chunk for chunk, _, _ in done],
        vectors=np.stack([vector for _, vector, _ in done]) if done else np.zeros((0, 0), dtype=np.float32),
        tokens=[words for _, _, words in done],
        stale_sources={item.source.source_id for item in changed} | set(removed),
        removed_sources=removed,
        embedded=embedded_count,
        unchanged_sources=len(loaded) - len(changed),
        kept_vectors=kept,
    )


def apply_sources(
    prepared: PreparedSources, keyword_index: BM25KeywordIndex, vector_store: ChromaVectorStore
) -> None:
    """Delete the stale chunks from both indexes, then upsert the prepared ones."""
    new_ids = {chunk.chunk_id for chunk in prepared.chunks}
    stale = [
        chunk.chunk_id
        for source_id in prepared.stale_sources
        for chunk in keyword_index.chunks_of_source(source_id)
        if chunk.chunk_id not in new_ids
    ]
    vector_store.delete_chunks(stale)
    keyword_index.delete_chunks(stale)
    vector_store.add_chunks(prepared.chunks, prepared.vectors)
    keyword_index.add(prepared.chunks, prepared.tokens)


def delete_sources(
    source_ids: list[str], keyword_index: BM25KeywordIndex, vector_store: ChromaVectorStore
) -> None:
    """Remove every chunk of these sources from both indexes."""
    wanted = set(source_ids)
    stale = [chunk.chunk_id for source_id in wanted for chunk in keyword_index.chunks_of_source(source_id)]
    vector_store.delete_chunks(stale)
    keyword_index.delete_chunks(stale)
