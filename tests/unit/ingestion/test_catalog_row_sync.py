"""Row-level re-ingest of a changed catalog: only new and changed rows are embedded; unchanged rows
keep their vectors; removed rows leave Chroma, BM25 and the manifest; a dataset listed by two files
is indexed once, and taken over by the other file when the first stops listing it.

Real Chroma, BM25 and manifest (the conftest stack); the embedder is a counting double around the
hashing fake, behind the same `Embeddings` interface."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.fakes import FakeHashingEmbedder
from assistant.models import Classification, User
from ingestion.loaders import SourceDefaults
from ingestion.manifest import Manifest, file_key

HEADER = ["목록키", "목록유형", "목록명", "목록설명", "분류체계", "기관명", "목록.등록일", "목록.수정일"]


class CountingEmbedder(Embeddings):
    """The hashing fake, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        self.inner = FakeHashingEmbedder()
        self.texts: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.texts.extend(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def row(key: int, description: str | None = None) -> list[str]:
    return [
        str(key),
        "FILE",
        f"부산광역시_시험 데이터 {key}",
        description or f"시험용 데이터셋 {key}번의 설명입니다. dataset number {key}",
        "공공행정",
        "부산광역시",
        "2024-01-02",
        "2024-03-04",
    ]


def write_catalog(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def counted_stack(make_stack):  # type: ignore[no-untyped-def]
    stack = make_stack()
    embedder = CountingEmbedder()
    stack.ingestor.stores.embedder = embedder
    return stack, embedder


def vectors(stack, chunk_ids: list[str]) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    return stack.vector_store.vectors_of(chunk_ids)


def sid(key: int) -> str:
    return f"catalog:datagokr:{key}"


def test_only_changed_and_new_rows_are_embedded(make_stack, tmp_path: Path) -> None:
    stack, embedder = counted_stack(make_stack)
    rows = [row(key) for key in range(1000, 1030)]
    catalog = write_catalog(tmp_path / "catalogs" / "national.csv", rows)
    first = stack.ingestor.ingest([catalog], SourceDefaults())
    assert first.failed == [] and first.chunks_embedded == 30 and len(embedder.texts) == 30
    unchanged_ids = [f"{sid(key)}#0" for key in range(1002, 1030)]
    before = vectors(stack, unchanged_ids)

    embedder.texts.clear()
    rows[0] = row(1000, "바뀐 설명: 해수욕장 방문객 lighthouse visitors")  # changed
    del rows[1]  # removed: 1001
    rows.append(row(1030))  # new
    write_catalog(catalog, rows)
    second = stack.ingestor.ingest([catalog], SourceDefaults())

    assert second.indexed == [(str(catalog), 30)] and second.chunks_embedded == 2
    assert len(embedder.texts) == 2
    assert sorted("lighthouse visitors" in text for text in embedder.texts) == [False, True]
    assert sorted("시험 데이터 1030" in text for text in embedder.texts) == [False, True]
    after = vectors(stack, unchanged_ids)
    assert all(np.array_equal(before[chunk_id], after[chunk_id]) for chunk_id in unchanged_ids)
    # The changed row is searchable by its new words only, in both indexes.
    [changed] = stack.vector_store.chunks_of_source(sid(1000))
    assert "lighthouse visitors" in changed.text
    hits = stack.keyword_index.search(["lighthous"], 5, User())
    assert [chunk.source_id for chunk, _ in hits] == [sid(1000)]
    # The removed row is gone from Chroma, BM25 and the manifest.
    assert stack.vector_store.chunks_of_source(sid(1001)) == []
    assert sid(1001) not in {chunk.source_id for chunk in stack.keyword_index.chunks()}
    entry = Manifest.load(stack.manifest_path).files[file_key(catalog)]
    assert sid(1001) not in entry.source_ids and sid(1001) not in entry.source_digests
    assert sid(1030) in entry.source_ids and entry.chunks == 30
    assert stack.vector_store.count() == len(stack.keyword_index) == 30


def test_unchanged_file_and_unchanged_rows_embed_nothing(make_stack, tmp_path: Path) -> None:
    stack, embedder = counted_stack(make_stack)
    rows = [row(key) for key in range(2000, 2010)]
    catalog = write_catalog(tmp_path / "catalogs" / "national.csv", rows)
    stack.ingestor.ingest([catalog], SourceDefaults())
    embedder.texts.clear()

    again = stack.ingestor.ingest([catalog], SourceDefaults())
    assert again.unchanged == [str(catalog)] and embedder.texts == []

    write_catalog(catalog, list(reversed(rows)))  # the file's bytes changed, no row did
    reordered = stack.ingestor.ingest([catalog], SourceDefaults())
    assert reordered.indexed == [(str(catalog), 10)] and embedder.texts == []
    assert reordered.chunks_embedded == 0


def test_a_metadata_only_change_keeps_the_vectors(make_stack, tmp_path: Path) -> None:
    """New ingest defaults change every row's classification, not its text: no row is embedded, and
    both indexes carry the new classification."""
    stack, embedder = counted_stack(make_stack)
    catalog = write_catalog(tmp_path / "catalogs" / "national.csv", [row(key) for key in range(3000, 3005)])
    stack.ingestor.ingest([catalog], SourceDefaults())
    before = vectors(stack, [f"{sid(3000)}#0"])
    embedder.texts.clear()

    report = stack.ingestor.ingest([catalog], SourceDefaults(classification=Classification.INTERNAL))

    assert report.indexed == [(str(catalog), 5)] and embedder.texts == []
    [chunk] = stack.vector_store.chunks_of_source(sid(3000))
    assert chunk.classification == Classification.INTERNAL
    assert all(c.classification == Classification.INTERNAL for c in stack.keyword_index.chunks())
    assert np.array_equal(before[f"{sid(3000)}#0"], vectors(stack, [f"{sid(3000)}#0"])[f"{sid(3000)}#0"])
    assert stack.keyword_index.search(["시험"], 5, User()) == []  # public users no longer see them


def test_a_row_in_two_catalogs_is_indexed_once_and_taken_over(make_stack, tmp_path: Path) -> None:
    """The Busan subset and the national file share dataset keys: the file indexed first keeps a
    shared dataset; when it stops listing it, the other file's row takes over (embedded then)."""
    stack, embedder = counted_stack(make_stack)
    busan_rows = [row(key) for key in range(4000, 4005)]
    busan = write_catalog(tmp_path / "demo" / "busan.csv", busan_rows)
    national = write_catalog(tmp_path / "shared" / "national.csv", [row(key) for key in range(4000, 4010)])
    stack.ingestor.ingest([busan], SourceDefaults())
    embedder.texts.clear()

    report = stack.ingestor.ingest([national], SourceDefaults())

    assert report.indexed == [(str(national), 5)] and len(embedder.texts) == 5
    [(_, reason)] = [item for item in report.skipped if item[0] == str(national)]
    assert reason.startswith("5 of 10 catalog rows left to other files that already provide the same dataset")
    assert "busan.csv" in reason
    ids = [chunk.chunk_id for chunk in stack.vector_store.get_chunks()]
    assert len(ids) == len(set(ids)) == 10 == len(stack.keyword_index)
    manifest = Manifest.load(stack.manifest_path)
    assert manifest.owners()[sid(4000)] == file_key(busan)
    assert set(manifest.files[file_key(national)].deferred) == {sid(key) for key in range(4000, 4005)}

    # The Busan file drops a row: the national file's row takes it over in the same run.
    embedder.texts.clear()
    write_catalog(busan, busan_rows[1:])
    again = stack.ingestor.ingest([busan], SourceDefaults())
    assert sorted(path for path, _ in again.indexed) == sorted([str(busan), str(national)])
    assert len(embedder.texts) == 1 and "시험 데이터 4000" in embedder.texts[0]
    assert Manifest.load(stack.manifest_path).owners()[sid(4000)] == file_key(national)
    assert len(stack.vector_store.chunks_of_source(sid(4000))) == 1

    # The Busan file is deleted and pruned: every dataset it had stays, now from the national file.
    embedder.texts.clear()
    busan.unlink()
    pruned = stack.ingestor.ingest([tmp_path / "demo"], SourceDefaults(), prune=True)
    assert pruned.removed == [file_key(busan)] and len(embedder.texts) == 4
    manifest = Manifest.load(stack.manifest_path)
    assert set(manifest.files) == {file_key(national)} and manifest.files[file_key(national)].deferred == {}
    assert {chunk.source_id for chunk in stack.keyword_index.chunks()} == {
        sid(key) for key in range(4000, 4010)
    }
    assert stack.vector_store.count() == 10


def test_a_removed_catalog_file_is_pruned_from_both_indexes(make_stack, tmp_path: Path) -> None:
    stack, _ = counted_stack(make_stack)
    catalog = write_catalog(tmp_path / "catalogs" / "national.csv", [row(key) for key in range(5000, 5040)])
    stack.ingestor.ingest([catalog], SourceDefaults())
    catalog.unlink()

    report = stack.ingestor.ingest([tmp_path / "catalogs"], SourceDefaults(), prune=True)

    assert report.removed == [file_key(catalog)]
    assert stack.vector_store.count() == 0 and len(stack.keyword_index) == 0
    assert Manifest.load(stack.manifest_path).files == {}


def test_rows_go_through_in_groups_and_stay_in_file_order(make_stack, tmp_path: Path) -> None:
    """With one text per embedding batch a group holds 32 chunks: 70 rows take three groups."""
    stack, embedder = counted_stack(make_stack)
    stack.ingestor.policy.embedding_batch_size = 1
    rows = [row(key, "짧은 설명" if key % 3 else "긴 설명 " * (key % 7 + 1)) for key in range(6000, 6070)]
    catalog = write_catalog(tmp_path / "catalogs" / "national.csv", rows)

    first = stack.ingestor.ingest([catalog], SourceDefaults())

    assert first.chunks_embedded == 70 and len(embedder.texts) == 70
    assert [chunk.source_id for chunk in stack.keyword_index.chunks()] == [
        sid(key) for key in range(6000, 6070)
    ]
    stored = vectors(stack, [f"{sid(key)}#0" for key in range(6000, 6070)])
    assert len(stored) == 70
    for chunk in stack.keyword_index.chunks():  # each vector is its own chunk's
        expected = embedder.inner.embed_documents([chunk.index_text])[0]
        assert np.allclose(stored[chunk.chunk_id], expected, atol=1e-6)

    embedder.texts.clear()
    for number in (5, 40, 69):
        rows[number] = row(6000 + number, f"바뀐 설명 {number}")
    write_catalog(catalog, rows)
    second = stack.ingestor.ingest([catalog], SourceDefaults())
    assert second.chunks_embedded == 3 and len(embedder.texts) == 3
