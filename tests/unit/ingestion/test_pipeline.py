"""The ingestion pipeline over real stores (fake embedder): idempotence, updates, pruning, failures,
table cards, duplicate source ids."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

from assistant.models import Classification, User
from ingestion.loaders import SourceDefaults
from ingestion.manifest import Manifest, file_key

DEMO_TABLES = Path(__file__).resolve().parents[3] / "data" / "demo" / "tables"


def _paths(corpus: Path) -> list[Path]:
    return [corpus / "documents", corpus / "catalogs"]


def _chroma_ids(stack) -> list[str]:
    return [chunk.chunk_id for chunk in stack.vector_store.get_chunks()]


def _keyword_ids(stack) -> list[str]:
    return [chunk.chunk_id for chunk in stack.keyword_index.chunks()]


def _texts_of(stack, source_id: str) -> tuple[str, str]:
    dense = " ".join(chunk.text for chunk in stack.vector_store.chunks_of_source(source_id))
    keyword = " ".join(c.text for c in stack.keyword_index.chunks() if c.source_id == source_id)
    return dense, keyword


def test_re_ingesting_is_idempotent(make_stack, corpus_dir: Path) -> None:
    stack = make_stack()
    first = stack.ingestor.ingest(_paths(corpus_dir), SourceDefaults())
    assert first.failed == []
    assert len(first.indexed) == 6 and first.unchanged == []
    ids_before = _chroma_ids(stack)
    assert len(ids_before) == first.chunks_indexed
    assert sorted(ids_before) == sorted(_keyword_ids(stack))
    manifest_before = stack.manifest_path.read_text("utf-8")

    second = stack.ingestor.ingest(_paths(corpus_dir), SourceDefaults())

    assert second.indexed == [] and second.failed == [] and second.removed == []
    assert sorted(second.unchanged) == sorted(path for path, _ in first.indexed)
    ids_after = _chroma_ids(stack)
    assert sorted(ids_after) == sorted(ids_before)
    assert sorted(_keyword_ids(stack)) == sorted(ids_before)
    assert not [chunk_id for chunk_id, count in Counter(ids_after).items() if count > 1]
    assert stack.vector_store.count() == len(stack.keyword_index) == first.chunks_indexed
    assert stack.manifest_path.read_text("utf-8") == manifest_before


def test_a_new_process_sees_the_same_index(make_stack, corpus_dir: Path, tmp_path: Path) -> None:
    first = make_stack()
    report = first.ingestor.ingest(_paths(corpus_dir), SourceDefaults())
    reopened = make_stack(home=first.home)
    assert len(reopened.keyword_index) == report.chunks_indexed
    again = reopened.ingestor.ingest(_paths(corpus_dir), SourceDefaults())
    assert again.indexed == [] and len(again.unchanged) == len(report.indexed)


def test_a_changed_file_replaces_its_chunks(make_stack, corpus_dir: Path) -> None:
    stack = make_stack()
    stack.ingestor.ingest(_paths(corpus_dir), SourceDefaults())
    document = corpus_dir / "documents" / "request_procedure.md"
    document.write_text(
        document.read_text("utf-8").replace("within 10 days", "within 14 calendar days"), "utf-8"
    )

    report = stack.ingestor.ingest(_paths(corpus_dir), SourceDefaults())

    assert [path for path, _ in report.indexed] == [str(document)]
    assert len(report.unchanged) == 5
    for text in _texts_of(stack, "doc:request_procedure.md"):
        assert "14 calendar days" in text
        assert "within 10 days" not in text
    hits = stack.keyword_index.search(["calendar"], 5, User())
    assert [chunk.source_id for chunk, _ in hits] == ["doc:request_procedure.md"]
    assert sorted(_chroma_ids(stack)) == sorted(_keyword_ids(stack))


def test_a_shrinking_file_leaves_no_stale_chunks(make_stack, corpus_dir: Path) -> None:
    stack = make_stack(max_chars=200)
    document = corpus_dir / "documents" / "long.md"
    document.write_text(
        "# Long\n\n" + "\n\n".join(f"Paragraph {n} mentions capybara number {n}." * 3 for n in range(12)),
        "utf-8",
    )
    stack.ingestor.ingest(_paths(corpus_dir), SourceDefaults())
    many = len(stack.vector_store.chunks_of_source("doc:long.md"))
    assert many > 2
    document.write_text("# Long\n\nNow only one short paragraph about capybaras.\n", "utf-8")
    stack.ingestor.ingest(_paths(corpus_dir), SourceDefaults())
    assert len(stack.vector_store.chunks_of_source("doc:long.md")) == 1
    assert len([c for c in stack.keyword_index.chunks() if c.source_id == "doc:long.md"]) == 1


def test_a_sidecar_change_re_indexes_the_file(make_stack, corpus_dir: Path) -> None:
    stack = make_stack()
    stack.ingestor.ingest(_paths(corpus_dir), SourceDefaults())
    assert stack.sources.get_for_user("doc:request_procedure.md", User()) is not None

    sidecar = corpus_dir / "documents" / "request_procedure.md.meta.yaml"
    sidecar.write_text("classification: internal\ntitle: Renamed Procedure\n", "utf-8")
    report = stack.ingestor.ingest(_paths(corpus_dir), SourceDefaults())

    assert [path for path, _ in report.indexed] == [str(corpus_dir / "documents" / "request_procedure.md")]
    assert str(sidecar) not in {path for path, _ in report.failed}
    chunks = stack.vector_store.chunks_of_source("doc:request_procedure.md")
    assert chunks and all(chunk.classification == Classification.INTERNAL for chunk in chunks)
    assert all(chunk.title == "Renamed Procedure" for chunk in chunks)
    assert stack.sources.get_for_user("doc:request_procedure.md", User()) is None
    insider = User(key_id="i", clearance=Classification.INTERNAL)
    assert stack.sources.get_for_user("doc:request_procedure.md", insider) is not None


def test_prune_removes_a_deleted_files_sources(make_stack, corpus_dir: Path) -> None:
    stack = make_stack()
    stack.ingestor.ingest(_paths(corpus_dir), SourceDefaults())
    deleted = corpus_dir / "documents" / "internal_review.md"
    deleted.unlink()

    kept = stack.ingestor.ingest(_paths(corpus_dir), SourceDefaults())
    assert kept.removed == []
    assert "doc:internal_review.md" in stack.sources.all_source_ids(), "without --prune nothing is removed"

    pruned = stack.ingestor.ingest(_paths(corpus_dir), SourceDefaults(), prune=True)

    assert pruned.removed == [file_key(deleted)]
    assert "doc:internal_review.md" not in stack.sources.all_source_ids()
    assert stack.vector_store.chunks_of_source("doc:internal_review.md") == []
    assert file_key(deleted) not in Manifest.load(stack.manifest_path).files
    assert "doc:request_procedure.md" in stack.sources.all_source_ids()


def test_bad_files_are_each_listed_with_a_reason_and_good_files_are_indexed(
    make_stack, corpus_dir: Path
) -> None:
    bad = corpus_dir / "bad"
    bad.mkdir()
    files = {
        "empty.md": b"",
        "blank.txt": b"  \n\n ",
        "corrupt.pdf": b"%PDF-1.7\n this is not really a pdf \x00\x01\x02",
        "undecodable.txt": b"\xef\xbb\xbfvalid start \xff\xfe\xfa invalid utf-8",
        "strange.xyz": b"some content",
        "not_a_catalog.csv": b"name,value\nalpha,1\nbeta,2\n",
    }
    for name, data in files.items():
        (bad / name).write_bytes(data)
    stack = make_stack()

    report = stack.ingestor.ingest([*_paths(corpus_dir), bad, corpus_dir / "missing"], SourceDefaults())

    failed = dict(report.failed)
    assert set(failed) == {str(bad / name) for name in files} | {str(corpus_dir / "missing")}
    assert all(reason.strip() for reason in failed.values())
    assert "empty" in failed[str(bad / "empty.md")]
    assert "pdf" in failed[str(bad / "corrupt.pdf")].lower()
    assert "decode" in failed[str(bad / "undecodable.txt")]
    assert ".xyz" in failed[str(bad / "strange.xyz")]
    assert "catalog" in failed[str(bad / "not_a_catalog.csv")]
    assert len(report.indexed) == 6
    assert "doc:request_procedure.md" in stack.sources.all_source_ids()
    assert not any(source_id.startswith("doc:bad") for source_id in stack.sources.all_source_ids())
    # a failed file is not recorded, so fixing it later indexes it
    (bad / "empty.md").write_text("# Now\n\nThe file has content about armadillos.\n", "utf-8")
    again = stack.ingestor.ingest([bad], SourceDefaults())
    assert [path for path, _ in again.indexed] == [str(bad / "empty.md")]


def test_a_table_card_loads_the_warehouse_and_indexes_a_table_source(make_stack, tmp_path: Path) -> None:
    tables = tmp_path / "tables"
    tables.mkdir()
    for name in ("district_land_area.yaml", "district_land_area.csv"):
        shutil.copy(DEMO_TABLES / name, tables / name)
    stack = make_stack()

    report = stack.ingestor.ingest([tables], SourceDefaults())

    assert report.failed == []
    assert [path for path, _ in report.indexed] == [str(tables / "district_land_area.yaml")]
    assert "district_land_area" in stack.warehouse.tables()
    assert "land_area_km2" in stack.warehouse.tables()["district_land_area"]
    result = stack.warehouse.run_readonly(
        "SELECT COUNT(*), SUM(admin_dong_count) FROM district_land_area",
        timeout_ms=2000,
        max_rows=10,
        tables=["district_land_area"],
    )
    assert result.rows[0][0] == 16
    source = stack.sources.get_for_user("table:district_land_area", User())
    assert source is not None and source.kind.value == "table"
    assert stack.vector_store.chunks_of_source("table:district_land_area")

    # the data file is part of the card's hash: changing it reloads the table
    data = tables / "district_land_area.csv"
    lines = data.read_text("utf-8").splitlines()
    data.write_text("\n".join(lines[:-1]) + "\n", "utf-8")
    changed = stack.ingestor.ingest([tables], SourceDefaults())
    assert [path for path, _ in changed.indexed] == [str(tables / "district_land_area.yaml")]
    count = stack.warehouse.run_readonly(
        "SELECT COUNT(*) FROM district_land_area", 2000, 10, tables=["district_land_area"]
    )
    assert count.rows[0][0] == 15


def test_a_duplicate_document_source_id_from_two_files_is_refused(make_stack, tmp_path: Path) -> None:
    first_root, second_root = tmp_path / "first", tmp_path / "second"
    for root, text in ((first_root, "First copy about herons."), (second_root, "Second copy about egrets.")):
        root.mkdir()
        (root / "policy.md").write_text(f"# Policy\n\n{text}\n", "utf-8")
    stack = make_stack()

    report = stack.ingestor.ingest([first_root, second_root], SourceDefaults())

    assert [path for path, _ in report.indexed] == [str(first_root / "policy.md")]
    assert len(report.failed) == 1
    path, reason = report.failed[0]
    assert path == str(second_root / "policy.md")
    assert "doc:policy.md" in reason and "already provided" in reason
    dense, keyword = _texts_of(stack, "doc:policy.md")
    assert "herons" in dense and "herons" in keyword
    assert "egrets" not in dense and "egrets" not in keyword


def test_a_catalog_entry_in_two_files_is_indexed_once_from_the_first(make_stack, corpus_dir: Path) -> None:
    """The same dataset key in two catalog files is one dataset: the file indexed first keeps it, the
    other leaves the row to it and says so (tests/unit/ingestion/test_catalog_row_sync.py has more)."""
    catalogs = corpus_dir / "catalogs"
    shutil.copy(catalogs / "catalog.csv", catalogs / "catalog_copy.csv")
    stack = make_stack()

    report = stack.ingestor.ingest([catalogs], SourceDefaults())

    first_count = dict(report.indexed)[str(catalogs / "catalog.csv")]
    assert first_count > 0 and dict(report.indexed)[str(catalogs / "catalog_copy.csv")] == 0
    assert report.failed == []
    [(path, reason)] = [item for item in report.skipped if item[0] == str(catalogs / "catalog_copy.csv")]
    assert "left to other files that already provide the same dataset" in reason and "catalog.csv" in reason
    ids = _chroma_ids(stack)
    assert len(ids) == len(set(ids)) == len(stack.keyword_index) == first_count


def test_cli_defaults_classify_files_without_metadata(make_stack, tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "note.txt").write_text("A note about the lighthouse keeper schedule.\n", "utf-8")
    stack = make_stack()
    defaults = SourceDefaults(classification=Classification.RESTRICTED, departments=["인사과"])
    stack.ingestor.ingest([folder], defaults)
    chunks = stack.vector_store.chunks_of_source("doc:note.txt")
    assert chunks and chunks[0].classification == Classification.RESTRICTED
    assert chunks[0].departments == ["인사과"]
    assert stack.sources.get_for_user("doc:note.txt", User()) is None
