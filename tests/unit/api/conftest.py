"""The stack the API tests serve: the small corpus of every classification and one curated table."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.loaders import SourceDefaults

DEMO_TABLES = Path(__file__).resolve().parents[3] / "data" / "demo" / "tables"


@pytest.fixture(scope="module")
def stack(tmp_path_factory, stack_builder, corpus_writer, corpus_ingester):
    home = tmp_path_factory.mktemp("api")
    built = stack_builder(home / "home")
    corpus_ingester(built, corpus_writer(home / "corpus"))
    # One real curated table (card + CSV) so /api/sql has something to query.
    report = built.ingestor.ingest([DEMO_TABLES / "district_land_area.yaml"], SourceDefaults())
    assert report.failed == [], report.failed
    yield built
    built.warehouse.close()
