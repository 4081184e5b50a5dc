"""Build an Ingestor from Settings (the ingestion side of assistant/factory.py)."""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

from assistant.config import Settings
from assistant.embeddings import embedder_for
from assistant.factory import Stores, open_stores
from assistant.glossary import Glossary
from assistant.store_layout import StoreLayout, StorePaths
from ingestion.pipeline import ChunkingPolicy, Ingestor, IngestStores


def build_ingestor(
    settings: Settings,
    stores: Stores | None = None,
    paths: StorePaths | None = None,
    *,
    embedder: Embeddings | None = None,
) -> Ingestor:
    """The Ingestor writing `stores`, the stores at `paths` (by default the home's current ones),
    embedding with `embedder` when given (tests) instead of the model settings name.

    It writes in place: right for a new generation (`ingestion.generations`, what `cityqa ingest`
    uses) or a home no server reads (tests, benchmarks)."""
    paths = paths or StoreLayout(settings.home).current()
    stores = stores or open_stores(settings, paths)
    return Ingestor(
        IngestStores(
            embedder=embedder
            or embedder_for(settings.embedding_model, settings.embedding_batch_size, home=settings.home),
            vector_store=stores.vector_store,
            keyword_index=stores.keyword_index,
            warehouse=stores.warehouse,
            glossary=Glossary.load(settings.glossary_file, for_index=True),
            manifest_path=paths.manifest,
            sql_examples_path=paths.sql_examples,
        ),
        ChunkingPolicy(
            max_chars=settings.chunk_size,
            overlap=settings.chunk_overlap,
            embedding_batch_size=settings.embedding_batch_size,
        ),
    )
