"""Shared fixtures: a fully wired cityqa stack over real stores in a temporary folder.

Everything is real except the embedder, which is `FakeHashingEmbedder` behind the `Embeddings`
seam: real Chroma (PersistentClient), real BM25 keyword index, real DuckDB warehouse, real
glossary, real `Ingestor` and `Assistant` wired the way `assistant/factory.py` and
`ingestion/factory.py` wire them.
"""

from __future__ import annotations

import os

# The machine has no network and nothing may ever be fetched from a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

from collections.abc import Callable, Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from assistant.audit import AuditLog
from assistant.compose import AnswerComposer, ExtractiveComposer  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.conversations import SQLiteConversationStore  # noqa: E402
from assistant.fakes import FakeHashingEmbedder  # noqa: E402
from assistant.feedback import FeedbackStore
from assistant.glossary import Glossary  # noqa: E402
from assistant.pipeline import AnswerPolicy, Assistant  # noqa: E402
from assistant.retrieval import HybridRetriever  # noqa: E402
from assistant.sources import SourceCatalog  # noqa: E402
from assistant.sql.generator import SemanticParserGenerator
from assistant.sql.warehouse import DuckDBWarehouse
from assistant.statistics import TableStatisticsAnswerer  # noqa: E402
from assistant.store_layout import StoreLayout  # noqa: E402
from assistant.stores.keyword_index import BM25KeywordIndex  # noqa: E402
from assistant.stores.vector_store import ChromaVectorStore, chroma_client  # noqa: E402
from assistant.users import UserDirectory  # noqa: E402
from ingestion.loaders import SourceDefaults  # noqa: E402
from ingestion.pipeline import ChunkingPolicy, Ingestor, IngestReport, IngestStores  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = REPO_ROOT / "data" / "demo"
DEMO_KEYS_FILE = DEMO_DIR / "api_keys.toml"
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"


@dataclass
class CityQAStack:
    """One wired-up cityqa over stores under `home`."""

    home: Path
    embedder: FakeHashingEmbedder
    vector_store: ChromaVectorStore
    keyword_index: BM25KeywordIndex
    warehouse: DuckDBWarehouse
    glossary: Glossary
    ingestor: Ingestor
    assistant: Assistant
    users: UserDirectory
    sources: SourceCatalog

    @property
    def manifest_path(self) -> Path:
        return StoreLayout(self.home).current().manifest

    @property
    def audit_log_path(self) -> Path:
        return Settings(home=self.home).audit_log_path


StackFactory = Callable[..., CityQAStack]


def build_stack(
    home: Path,
    *,
    composer: AnswerComposer | None = None,
    allow_anonymous: bool = True,
    keys_file: Path | None = DEMO_KEYS_FILE,
    glossary_file: Path | None = None,
    policy: AnswerPolicy | None = None,
    max_chars: int = 900,
) -> CityQAStack:
    """Wire every seam like the factories do, with the fake embedder and stores under `home`."""
    paths = StoreLayout(home).current()  # the same store layout as the product
    settings = Settings(home=home)
    embedder = FakeHashingEmbedder()
    vector_store = ChromaVectorStore(chroma_client(path=paths.chroma), settings.collection)
    keyword_index = BM25KeywordIndex.open(paths.keyword_index)
    warehouse = DuckDBWarehouse(paths.warehouse)
    glossary = Glossary.load(glossary_file)
    ingestor = Ingestor(
        IngestStores(
            embedder=embedder,
            vector_store=vector_store,
            keyword_index=keyword_index,
            warehouse=warehouse,
            glossary=glossary,
            manifest_path=paths.manifest,
        ),
        ChunkingPolicy(max_chars=max_chars, overlap=min(120, max_chars // 4), embedding_batch_size=16),
    )
    assistant = Assistant(
        retriever=HybridRetriever(
            embedder=embedder, vector_store=vector_store, keyword_index=keyword_index, glossary=glossary
        ),
        composer=composer or ExtractiveComposer(),
        audit_log=AuditLog(settings.audit_log_path),
        conversations=SQLiteConversationStore(settings.state_path),
        policy=policy or AnswerPolicy(),
        statistics=TableStatisticsAnswerer(
            warehouse, SemanticParserGenerator(), timeout_ms=2000, max_rows=200
        ),
        feedback=FeedbackStore(settings.feedback_path),
    )
    return CityQAStack(
        home=home,
        embedder=embedder,
        vector_store=vector_store,
        keyword_index=keyword_index,
        warehouse=warehouse,
        glossary=glossary,
        ingestor=ingestor,
        assistant=assistant,
        users=UserDirectory.from_file(keys_file, allow_anonymous=allow_anonymous),
        sources=SourceCatalog(keyword_index),
    )


@pytest.fixture
def make_stack(tmp_path: Path) -> Iterator[StackFactory]:
    """Build a stack under tmp_path (or a given sub-folder); extra keyword arguments go to build_stack."""
    built: list[CityQAStack] = []

    def make(home: Path | None = None, **options: object) -> CityQAStack:
        stack = build_stack(home or tmp_path / "home", **options)  # type: ignore[arg-type]
        built.append(stack)
        return stack

    yield make
    for stack in built:
        stack.warehouse.close()


# --- a small corpus with every classification -------------------------------------------------

PUBLIC_DOC = """---
title: Public Data Request Procedure
classification: public
as_of: "2025-04-15"
---

# Public Data Request Procedure

## Deadline

The agency must decide on a public data request within 10 days of receiving it.
An extension of another 10 days is allowed once, with notice to the applicant.
"""

INTERNAL_DOC = """---
title: Internal Review Guideline
classification: internal
departments: [빅데이터통계과]
as_of: "2025-03-10"
---

# Internal Review Guideline

## Reviews

Internal datasets are reviewed by the quarterly zebracrossing committee every quarter.
"""

RESTRICTED_PERSONNEL_DOC = """---
title: Personnel Records Policy
classification: restricted
departments: [인사과]
as_of: "2025-02-10"
---

# Personnel Records Policy

## Retention

Personnel records are kept in the walrusvault archive for 5 years after retirement.
"""

RESTRICTED_COMPLAINTS_DOC = """---
title: Complaints Data Policy
classification: restricted
departments: [민원담당관]
as_of: "2025-01-20"
---

# Complaints Data Policy

## Retention

Complaint records are kept in the pelicanledger archive for 3 years after closing.
"""

RESTRICTED_NO_DEPARTMENT_DOC = """---
title: Security Incident Register
classification: restricted
---

# Security Incident Register

Security incidents are logged in the ostrichbook register by the security office.
"""


def write_corpus(folder: Path) -> Path:
    """Write documents of every classification (folder/documents) and a data.go.kr catalog sample
    (folder/catalogs). Ingest the two sub-folders as separate paths so ids are `doc:<file name>`."""
    (folder / "documents").mkdir(parents=True)
    (folder / "catalogs").mkdir()
    for name, text in CORPUS_DOCUMENTS.items():
        (folder / "documents" / name).write_text(text, encoding="utf-8")
    sample = FIXTURES_DIR / "ingestion" / "datagokr_catalog_sample.csv"
    (folder / "catalogs" / "catalog.csv").write_bytes(sample.read_bytes())
    return folder


CORPUS_DOCUMENTS = {
    "request_procedure.md": PUBLIC_DOC,
    "internal_review.md": INTERNAL_DOC,
    "personnel_policy.md": RESTRICTED_PERSONNEL_DOC,
    "complaints_policy.md": RESTRICTED_COMPLAINTS_DOC,
    "security_register.md": RESTRICTED_NO_DEPARTMENT_DOC,
}


@pytest.fixture(scope="session")
def stack_builder() -> Callable[..., CityQAStack]:
    """`build_stack` for fixtures wider than one test (they pass their own home folder)."""
    return build_stack


@pytest.fixture(scope="session")
def corpus_writer() -> Callable[[Path], Path]:
    return write_corpus


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """Documents of every classification plus a data.go.kr catalog sample."""
    return write_corpus(tmp_path / "corpus")


def ingest_corpus(stack: CityQAStack, corpus: Path) -> IngestReport:
    report = stack.ingestor.ingest([corpus / "documents", corpus / "catalogs"], SourceDefaults())
    assert report.failed == [], report.failed
    return report


@pytest.fixture(scope="session")
def corpus_ingester() -> Callable[[CityQAStack, Path], IngestReport]:
    return ingest_corpus


def build_corpus_stack(
    folder: Path, tables: tuple[str, ...] = ("district_land_area",), **options: Any
) -> CityQAStack:
    """A stack under folder/home with the small corpus (folder/corpus) and the named demo tables
    (card + CSV from data/demo/tables) ingested; `options` as for `build_stack`."""
    stack = build_stack(folder / "home", **options)
    ingest_corpus(stack, write_corpus(folder / "corpus"))
    cards = [DEMO_DIR / "tables" / f"{name}.yaml" for name in tables]
    report = stack.ingestor.ingest(cards, SourceDefaults())
    assert report.failed == [], report.failed
    return stack


@pytest.fixture(scope="session")
def corpus_stack_builder() -> Callable[..., CityQAStack]:
    return build_corpus_stack


@pytest.fixture
def ingested_stack(make_stack: StackFactory, corpus_dir: Path) -> CityQAStack:
    """A stack with the small corpus ingested (documents and catalog)."""
    stack = make_stack()
    ingest_corpus(stack, corpus_dir)
    return stack
