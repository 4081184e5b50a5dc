"""The BM25 matrix is saved beside the chunks and loaded on open, not rebuilt (issue 11, warm start);
a save that does not match the chunks is rebuilt."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.models import Chunk, Classification, SourceKind, User
from assistant.stores.keyword_index import BM25KeywordIndex

OFFICIAL = User(key_id="k", name="official", clearance=Classification.INTERNAL)
QUERIES = [["해운대", "인구"], ["beach", "visitor"], ["deadline"], ["예산"], ["zebra"]]


def _chunk(n: int, text: str, classification: Classification = Classification.PUBLIC) -> Chunk:
    return Chunk(
        chunk_id=f"doc:{n}#0",
        source_id=f"doc:{n}",
        kind=SourceKind.DOCUMENT,
        title=f"Document {n}",
        text=text,
        classification=classification,
    )


CHUNKS = [
    _chunk(1, "해운대구 인구는 2025년 5월 기준으로 집계되었다."),
    _chunk(2, "Beach visitors at Haeundae beach, counted by month."),
    _chunk(3, "The agency must decide within 10 days: the deadline for a public data request."),
    _chunk(4, "해운대 해수욕장 방문객 수와 예산 집행 현황", Classification.INTERNAL),
    _chunk(5, "예산 편성 기준과 인구 추계"),
]


def _results(index: BM25KeywordIndex) -> list[list[tuple[str, float]]]:
    return [
        [(chunk.chunk_id, round(score, 9)) for chunk, score in index.search(tokens, 5, OFFICIAL)]
        for tokens in QUERIES
    ]


def _saved_index(path: Path) -> BM25KeywordIndex:
    index = BM25KeywordIndex.open(path)
    index.add(CHUNKS)
    index.save()
    return index


def test_a_saved_index_is_loaded_on_open_with_identical_results(tmp_path: Path) -> None:
    saved = _saved_index(tmp_path / "keyword")
    assert saved.model_origin == "built"
    expected = _results(saved)
    assert any(expected), "the queries must find something for the comparison to mean anything"

    loaded = BM25KeywordIndex.open(tmp_path / "keyword")

    assert loaded.model_origin == "loaded"  # the saved matrix, before any search
    assert _results(loaded) == expected
    assert loaded.model_origin == "loaded"  # searching did not rebuild it
    assert dict(loaded.vocabulary()) == dict(saved.vocabulary())
    for token in ("해운대", "인구", "예산", "beach", "missing"):
        assert loaded.document_frequency(token) == saved.document_frequency(token)
    assert loaded.chunks() == saved.chunks()
    assert loaded.tokens_of(CHUNKS[0]) == saved.tokens_of(CHUNKS[0])


def test_a_changed_index_is_rebuilt_and_its_new_save_loaded(tmp_path: Path) -> None:
    _saved_index(tmp_path / "keyword")
    index = BM25KeywordIndex.open(tmp_path / "keyword")
    index.delete_source("doc:5")
    index.add([_chunk(6, "인구 이동 통계")])

    expected = _results(index)
    assert "doc:6#0" in {chunk_id for chunk_id, _ in expected[0]}
    assert index.model_origin == "built"
    index.save()

    reopened = BM25KeywordIndex.open(tmp_path / "keyword")
    assert reopened.model_origin == "loaded"
    assert _results(reopened) == expected
    assert "doc:5#0" not in {chunk.chunk_id for chunk in reopened.chunks()}


def test_a_save_that_does_not_match_the_chunks_is_rebuilt(tmp_path: Path) -> None:
    folder = tmp_path / "keyword"
    expected = _results(_saved_index(folder))
    # The chunk file changed after the matrix was saved (a crash between writes, an older cityqa).
    chunks_file = folder / "chunks.jsonl"
    rows = chunks_file.read_text(encoding="utf-8").splitlines()
    chunks_file.write_text("\n".join(reversed(rows)) + "\n", encoding="utf-8")

    stale = BM25KeywordIndex.open(folder)

    assert stale.model_origin is None
    # the same chunks and scores (the order of equal scores may follow the new chunk order)
    assert [sorted(result) for result in _results(stale)] == [sorted(result) for result in expected]
    assert stale.model_origin == "built"


def test_a_save_without_its_fingerprint_is_rebuilt(tmp_path: Path) -> None:
    folder = tmp_path / "keyword"
    expected = _results(_saved_index(folder))
    (folder / "bm25" / "cityqa.json").write_text(json.dumps({"format": 1}), encoding="utf-8")

    index = BM25KeywordIndex.open(folder)

    assert index.model_origin is None
    assert _results(index) == expected
    assert index.model_origin == "built"


def test_chunks_saved_by_an_older_cityqa_without_a_matrix_still_open(tmp_path: Path) -> None:
    folder = tmp_path / "keyword"
    expected = _results(_saved_index(folder))
    for saved_file in (folder / "bm25").iterdir():
        saved_file.unlink()
    (folder / "bm25").rmdir()

    index = BM25KeywordIndex.open(folder)

    assert _results(index) == expected
    assert index.model_origin == "built"


def test_an_emptied_index_saves_no_matrix(tmp_path: Path) -> None:
    folder = tmp_path / "keyword"
    index = _saved_index(folder)
    for chunk in CHUNKS:
        index.delete_source(chunk.source_id)
    index.save()

    reopened = BM25KeywordIndex.open(folder)

    assert len(reopened) == 0
    assert reopened.search(["인구"], 5, OFFICIAL) == []
    assert not (folder / "bm25").exists()


def test_a_text_with_a_unicode_line_separator_round_trips(tmp_path: Path) -> None:
    folder = tmp_path / "keyword"
    index = BM25KeywordIndex.open(folder)
    index.add([_chunk(7, "첫 줄\u2028둘째 줄 인구")])
    index.save()

    reopened = BM25KeywordIndex.open(folder)

    assert [chunk.text for chunk in reopened.chunks()] == ["첫 줄\u2028둘째 줄 인구"]
    assert reopened.model_origin == "loaded"
