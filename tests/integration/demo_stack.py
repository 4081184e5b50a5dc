"""The demo corpus paths and the shared result of ingesting it (imported by conftest and tests)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.config import Settings
from assistant.factory import Stores
from ingestion.pipeline import Ingestor, IngestReport

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_DIR = REPO_ROOT / "data" / "demo"
DEMO_PATHS = [DEMO_DIR / "catalogs", DEMO_DIR / "documents", DEMO_DIR / "tables"]


@dataclass
class DemoIngest:
    settings: Settings
    stores: Stores
    ingestor: Ingestor
    report: IngestReport
    seconds: float
