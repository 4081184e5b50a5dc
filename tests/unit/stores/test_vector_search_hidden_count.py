"""A vector search told how many chunks the user may not see drops them itself instead of asking
Chroma to filter: the same nearest chunks, and never a hidden one (even with a wrong count)."""

from __future__ import annotations

from pathlib import Path

from assistant.fakes import FakeHashingEmbedder
from assistant.models import Chunk, Classification, SourceKind, User
from assistant.stores.keyword_index import BM25KeywordIndex
from assistant.stores.vector_store import ChromaVectorStore, chroma_client

USERS = [
    User(),
    User(key_id="internal", clearance=Classification.INTERNAL, department="총무과"),
    User(key_id="restricted", clearance=Classification.RESTRICTED, department="인사과"),
    User(key_id="other", clearance=Classification.RESTRICTED, department="총무과"),
]


def make_chunks() -> list[Chunk]:
    levels = [Classification.PUBLIC] * 6 + [Classification.INTERNAL, Classification.RESTRICTED]
    chunks = []
    for number in range(40):
        classification = levels[number % len(levels)]
        chunks.append(
            Chunk(
                chunk_id=f"doc:{number}#0",
                source_id=f"doc:{number}",
                kind=SourceKind.DOCUMENT,
                title=f"beach report {number}",
                # every text its own mix of words: no two chunks tie in similarity
                text=f"beach visitors report {number} " + "busan " * (number % 7) + "water " * (number // 7),
                classification=classification,
                departments=["인사과"] if classification == Classification.RESTRICTED else [],
                index_text=f"beach visitors water quality report number {number}",
            )
        )
    return chunks


def test_the_same_nearest_chunks_with_or_without_the_stores_filter(tmp_path: Path) -> None:
    embedder = FakeHashingEmbedder()
    chunks = make_chunks()
    store = ChromaVectorStore(chroma_client(path=tmp_path / "chroma"), "chunks")
    store.add_chunks(chunks, embedder.embed_documents([chunk.text for chunk in chunks]))
    index = BM25KeywordIndex()
    index.add(chunks)
    vector = embedder.embed_query("busan beach water quality")

    for user in USERS:
        hidden = index.hidden_from(user)
        expected = sum(not user.may_see(chunk.classification, chunk.departments) for chunk in chunks)
        assert hidden == expected
        filtered = [chunk.chunk_id for chunk, _ in store.search(vector, 10, user)]
        counted = [chunk.chunk_id for chunk, _ in store.search(vector, 10, user, hidden=hidden)]
        assert counted == filtered and len(counted) == 10
        # A count too low returns fewer chunks, never a hidden one.
        for chunk, _ in store.search(vector, 39, user, hidden=0):
            assert user.may_see(chunk.classification, chunk.departments)
