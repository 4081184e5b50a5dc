"""The one place that turns Settings into concrete adapters and wires them together."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.audit import AuditLog
from assistant.compose import ExtractiveComposer
from assistant.config import Settings
from assistant.conversations import ConversationStore
from assistant.embeddings import embedder_for
from assistant.glossary import Glossary
from assistant.pipeline import AnswerPolicy, Assistant
from assistant.retrieval import HybridRetriever
from assistant.sql.generator import SemanticParserGenerator
from assistant.sql.warehouse import DuckDBWarehouse
from assistant.statistics import TableStatisticsAnswerer
from assistant.stores.keyword_index import BM25KeywordIndex
from assistant.stores.vector_store import ChromaVectorStore, chroma_client
from assistant.users import UserDirectory


@dataclass
class Stores:
    vector_store: ChromaVectorStore
    keyword_index: BM25KeywordIndex
    warehouse: DuckDBWarehouse


def open_stores(settings: Settings) -> Stores:
    client = chroma_client(path=settings.chroma_path, url=settings.chroma_url)
    return Stores(
        vector_store=ChromaVectorStore(client, settings.collection),
        keyword_index=BM25KeywordIndex.open(settings.keyword_index_path),
        warehouse=DuckDBWarehouse(settings.warehouse_path, max_result_bytes=settings.sql_max_result_bytes),
    )


def build_user_directory(settings: Settings) -> UserDirectory:
    return UserDirectory.from_file(settings.api_keys_file, settings.allow_anonymous)


def build_assistant(settings: Settings, stores: Stores | None = None) -> Assistant:
    stores = stores or open_stores(settings)
    glossary = Glossary.load(settings.glossary_file)
    retriever = HybridRetriever(
        embedder=embedder_for(settings.embedding_model, settings.embedding_batch_size),
        vector_store=stores.vector_store,
        keyword_index=stores.keyword_index,
        glossary=glossary,
        candidate_k=settings.candidate_k,
    )
    return Assistant(
        retriever=retriever,
        composer=ExtractiveComposer(),
        audit_log=AuditLog(settings.audit_log_path),
        conversations=ConversationStore(),
        policy=AnswerPolicy(top_k=settings.top_k, relevance_threshold=settings.relevance_threshold),
        statistics=TableStatisticsAnswerer(
            stores.warehouse, SemanticParserGenerator(), settings.sql_timeout_ms, settings.sql_max_rows
        ),
    )
