"""Build an Ingestor from Settings (the ingestion side of assistant/factory.py)."""

from __future__ import annotations

from assistant.config import Settings
from assistant.embeddings import embedder_for
from assistant.factory import Stores, open_stores
from assistant.glossary import Glossary
from ingestion.pipeline import ChunkingPolicy, Ingestor, IngestStores


def build_ingestor(settings: Settings, stores: Stores | None = None) -> Ingestor:
    stores = stores or open_stores(settings)
    return Ingestor(
        IngestStores(
            embedder=embedder_for(settings.embedding_model, settings.embedding_batch_size),
            vector_store=stores.vector_store,
            keyword_index=stores.keyword_index,
            warehouse=stores.warehouse,
            glossary=Glossary.load(settings.glossary_file, for_index=True),
            manifest_path=settings.manifest_path,
            sql_examples_path=settings.sql_examples_path,
        ),
        ChunkingPolicy(
            max_chars=settings.chunk_size,
            overlap=settings.chunk_overlap,
            embedding_batch_size=settings.embedding_batch_size,
        ),
    )
