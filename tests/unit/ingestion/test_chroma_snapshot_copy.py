"""The next generation's Chroma starts from a file snapshot of the served one taken before it was
published (never from the served folder, which servers write to); without a complete snapshot it is
copied through Chroma's API as before. Either way it holds the same chunks and vectors."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.factory import open_stores
from assistant.fakes import FakeHashingEmbedder
from assistant.store_layout import StoreLayout
from ingestion.chroma_snapshot import SNAPSHOT_DIR
from ingestion.generations import GenerationOutcome, ingest_generation
from ingestion.loaders import SourceDefaults

HEADER = ["목록키", "목록유형", "목록명", "목록설명", "기관명", "목록.수정일"]


def write_catalog(path: Path, keys: range, changed: int | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for key in keys:
            text = "바뀐 설명 changed" if key == changed else f"설명 {key}"
            writer.writerow([key, "FILE", f"부산광역시_데이터 {key}", text, "부산광역시", "2024-01-01"])
    return path


def ingest(settings: Settings, paths: list[Path]) -> GenerationOutcome:
    return ingest_generation(
        settings, lambda ingestor: ingestor.ingest(paths, SourceDefaults()), embedder=FakeHashingEmbedder()
    )


def contents(settings: Settings, name: str) -> dict[str, tuple[str, np.ndarray]]:
    stores = open_stores(settings, StoreLayout(settings.home).paths_of(name))
    try:
        chunks = stores.vector_store.get_chunks()
        stored = stores.vector_store.vectors_of([chunk.chunk_id for chunk in chunks])
        return {chunk.chunk_id: (chunk.text, stored[chunk.chunk_id]) for chunk in chunks}
    finally:
        stores.close()


def same(
    left: dict[str, tuple[str, np.ndarray]], right: dict[str, tuple[str, np.ndarray]], exact: bool = True
) -> bool:
    """Equal texts and vectors (`exact=False`: vectors within float32 rounding)."""
    equal = np.array_equal if exact else (lambda a, b: np.allclose(a, b, rtol=0, atol=1e-6))
    return left.keys() == right.keys() and all(
        left[key][0] == right[key][0] and equal(left[key][1], right[key][1]) for key in left
    )


def test_the_next_generation_starts_from_the_snapshot(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, home=tmp_path / "home")  # type: ignore[call-arg]
    layout = StoreLayout(settings.home)
    catalog = write_catalog(tmp_path / "catalogs" / "catalog.csv", range(100, 140))
    assert ingest(settings, [catalog]).generation == "1"
    assert (layout.paths_of("1").root / SNAPSHOT_DIR).is_dir()
    first = contents(settings, "1")

    write_catalog(catalog, range(100, 140), changed=105)
    outcome = ingest(settings, [catalog])

    assert outcome.published and outcome.generation == "2" and outcome.report.chunks_embedded == 1
    second = contents(settings, "2")
    unchanged = {key: value for key, value in first.items() if not key.startswith("catalog:datagokr:105#")}
    assert same(unchanged, {key: second[key] for key in unchanged})
    assert "바뀐 설명 changed" in second["catalog:datagokr:105#0"][0]
    # Only the served generation keeps a snapshot.
    assert (layout.paths_of("2").root / SNAPSHOT_DIR).is_dir()
    assert not (layout.paths_of("1").root / SNAPSHOT_DIR).exists()


def test_without_a_complete_snapshot_chroma_is_copied_through_its_api(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, home=tmp_path / "home")  # type: ignore[call-arg]
    layout = StoreLayout(settings.home)
    catalog = write_catalog(tmp_path / "catalogs" / "catalog.csv", range(100, 120))
    ingest(settings, [catalog])
    first = contents(settings, "1")
    shutil.rmtree(layout.paths_of("1").root / SNAPSHOT_DIR)  # as a home from before snapshots

    write_catalog(catalog, range(100, 121))
    outcome = ingest(settings, [catalog])

    assert outcome.generation == "2" and outcome.report.chunks_embedded == 1
    second = contents(settings, "2")
    # Re-inserted through the API, a vector may come back 1 ulp apart (the file copy is exact).
    assert same(first, {key: second[key] for key in first}, exact=False) and len(second) == 21
    assert (layout.paths_of("2").root / SNAPSHOT_DIR).is_dir()
