"""Who may see what: `User.may_see`, and the Chroma filter that must admit exactly the same chunks."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.access import chroma_filter_for_user, visible_to
from assistant.fakes import FakeHashingEmbedder
from assistant.models import Chunk, Classification, SourceKind, User
from assistant.stores.vector_store import ChromaVectorStore, chroma_client

PUBLIC, INTERNAL, RESTRICTED = Classification.PUBLIC, Classification.INTERNAL, Classification.RESTRICTED
STATS, PERSONNEL = "빅데이터통계과", "인사과"

USERS = {
    "anonymous": User(),
    "public_with_department": User(key_id="p", department=STATS, clearance=PUBLIC),
    "internal_stats": User(key_id="i", department=STATS, clearance=INTERNAL),
    "internal_no_department": User(key_id="i0", clearance=INTERNAL),
    "restricted_stats": User(key_id="rs", department=STATS, clearance=RESTRICTED),
    "restricted_personnel": User(key_id="rp", department=PERSONNEL, clearance=RESTRICTED),
    "restricted_no_department": User(key_id="r0", clearance=RESTRICTED),
}

SOURCES = {
    "public": (PUBLIC, []),
    "public_owned": (PUBLIC, [STATS]),
    "internal": (INTERNAL, []),
    "internal_owned": (INTERNAL, [STATS]),
    "restricted_open": (RESTRICTED, []),
    "restricted_personnel": (RESTRICTED, [PERSONNEL]),
    "restricted_stats_or_personnel": (RESTRICTED, [STATS, PERSONNEL]),
}

# Written out by hand: the rule restated as a table, not derived from the code under test.
VISIBLE = {
    "anonymous": {"public", "public_owned"},
    "public_with_department": {"public", "public_owned"},
    "internal_stats": {"public", "public_owned", "internal", "internal_owned"},
    "internal_no_department": {"public", "public_owned", "internal", "internal_owned"},
    "restricted_stats": {
        "public",
        "public_owned",
        "internal",
        "internal_owned",
        "restricted_open",
        "restricted_stats_or_personnel",
    },
    "restricted_personnel": {
        "public",
        "public_owned",
        "internal",
        "internal_owned",
        "restricted_open",
        "restricted_personnel",
        "restricted_stats_or_personnel",
    },
    "restricted_no_department": {"public", "public_owned", "internal", "internal_owned", "restricted_open"},
}


@pytest.mark.parametrize("user_name", sorted(USERS))
@pytest.mark.parametrize("source_name", sorted(SOURCES))
def test_may_see_matrix(user_name: str, source_name: str) -> None:
    classification, departments = SOURCES[source_name]
    expected = source_name in VISIBLE[user_name]
    assert USERS[user_name].may_see(classification, departments) is expected
    assert USERS[user_name].may_see(classification, tuple(departments)) is expected


def _chunks() -> list[Chunk]:
    chunks = []
    for kind in SourceKind:
        for name, (classification, departments) in SOURCES.items():
            chunks.append(
                Chunk(
                    chunk_id=f"{kind.value}:{name}#0",
                    source_id=f"{kind.value}:{name}",
                    kind=kind,
                    title=f"{kind.value} {name}",
                    text=f"shared words about {name}",
                    classification=classification,
                    departments=departments,
                )
            )
    return chunks


@pytest.fixture(scope="module")
def vector_store(tmp_path_factory: pytest.TempPathFactory) -> ChromaVectorStore:
    path: Path = tmp_path_factory.mktemp("chroma_access")
    store = ChromaVectorStore(chroma_client(path=path), "access")
    chunks = _chunks()
    store.add_chunks(chunks, FakeHashingEmbedder().embed_documents([chunk.text for chunk in chunks]))
    return store


@pytest.mark.parametrize("user_name", sorted(USERS))
def test_chroma_filter_admits_exactly_what_may_see_admits(
    vector_store: ChromaVectorStore, user_name: str
) -> None:
    user = USERS[user_name]
    chunks = _chunks()
    expected = {chunk.chunk_id for chunk in chunks if user.may_see(chunk.classification, chunk.departments)}
    assert expected == {f"{kind.value}:{name}#0" for kind in SourceKind for name in VISIBLE[user_name]}, (
        "the hand-written table and may_see disagree"
    )

    filtered = vector_store.get_chunks(where=chroma_filter_for_user(user))
    assert {chunk.chunk_id for chunk in filtered} == expected

    vector = FakeHashingEmbedder().embed_query("shared words")
    hits = vector_store.search(vector, k=len(chunks), user=user)
    assert {chunk.chunk_id for chunk, _ in hits} == expected
    assert all(visible_to(user, chunk) for chunk, _ in hits)


def test_stored_chunks_keep_their_permission_metadata(vector_store: ChromaVectorStore) -> None:
    stored = {chunk.chunk_id: chunk for chunk in vector_store.get_chunks()}
    for chunk in _chunks():
        assert stored[chunk.chunk_id].classification == chunk.classification
        assert stored[chunk.chunk_id].departments == chunk.departments
