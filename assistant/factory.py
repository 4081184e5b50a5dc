"""The one place that turns Settings into concrete adapters and wires them together.

`build_assistant` takes injected seams (an embedder, a chat model) for tests and benchmarks; what it
is not given it builds from settings. `describe_backends` names what each step uses, from the same
choices, without opening a store or calling a server (for `cityqa doctor`).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.audit import AuditLog
from assistant.compose import AnswerComposer, ExtractiveComposer
from assistant.config import Settings
from assistant.conversations import SQLiteConversationStore
from assistant.embeddings import PACKAGED_E5, PACKAGED_MINILM, embedder_for
from assistant.errors import CityQAError, ErrorCode
from assistant.feedback import FeedbackStore
from assistant.followups import FollowUpRewriter, LLMFollowUpRewriter
from assistant.glossary import Glossary
from assistant.llm import build_chat_model, describe_chat_model
from assistant.llm_compose import LLMComposer
from assistant.pipeline import AnswerPolicy, Assistant, Corpus
from assistant.retrieval import HybridRetriever
from assistant.sql.examples import SqlExample, load_sql_examples
from assistant.sql.generator import SemanticParserGenerator, SqlGenerator
from assistant.sql.korean import content_nouns
from assistant.sql.llm_generator import LLMSqlGenerator
from assistant.sql.warehouse import DuckDBWarehouse, Warehouse
from assistant.statistics import TableStatisticsAnswerer
from assistant.store_layout import PUBLISHED_FILE, StoreLayout, StorePaths
from assistant.stores.keyword_index import BM25KeywordIndex
from assistant.stores.vector_store import ChromaVectorStore, chroma_client
from assistant.users import UserDirectory

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel


# How long /readyz waits for the Chroma server's heartbeat before saying the service is not ready.
READY_PROBE_TIMEOUT_S = 2.0


@dataclass
class Stores:
    vector_store: ChromaVectorStore
    keyword_index: BM25KeywordIndex
    warehouse: Warehouse
    # The generation they were opened from (None: the home's current one): where the SQL examples
    # kept at ingest are read.
    paths: StorePaths | None = None

    def close(self) -> None:
        self.vector_store.close()
        self.warehouse.close()


def open_stores(settings: Settings, paths: StorePaths | None = None) -> Stores:
    """The stores of generation `paths`; by default the one served now."""
    paths = paths or StoreLayout(settings.home).current()
    return Stores(
        vector_store=open_vector_store(settings, paths),
        keyword_index=BM25KeywordIndex.open(paths.keyword_index),
        warehouse=open_warehouse(settings, paths),
        paths=paths,
    )


def warehouse_url(settings: Settings) -> str | None:
    """The PostgreSQL warehouse's URL; None: a DuckDB file in each generation."""
    url = settings.warehouse_url.get_secret_value().strip() if settings.warehouse_url else ""
    if not url:
        return None
    if not url.startswith(("postgresql://", "postgres://")):  # the value is a secret: never echoed
        raise CityQAError(
            ErrorCode.INVALID_CONFIG, "CITYQA_WAREHOUSE_URL must be a postgresql:// URL (or empty for DuckDB)"
        )
    return url


def warehouse_schema(settings: Settings, paths: StorePaths) -> str:
    """The PostgreSQL schema of generation `paths` (each generation its own, like its DuckDB file)."""
    return f"{settings.warehouse_schema}_g{paths.name}" if paths.name else settings.warehouse_schema


def open_warehouse(settings: Settings, paths: StorePaths) -> Warehouse:
    url = warehouse_url(settings)
    if url is None:
        return DuckDBWarehouse(paths.warehouse, max_result_bytes=settings.sql_max_result_bytes)
    from assistant.sql.postgres_warehouse import PostgresWarehouse  # psycopg only when configured

    return PostgresWarehouse(
        url, warehouse_schema(settings, paths), max_result_bytes=settings.sql_max_result_bytes
    )


def copy_warehouse(settings: Settings, base: StorePaths, target: StorePaths) -> None:
    """Make generation `target`'s warehouse hold what `base`'s holds: the DuckDB file copied (readers
    attach it read-only, so it is never being written), or the PostgreSQL schema copied."""
    url = warehouse_url(settings)
    if url is None:
        if base.warehouse.exists():
            shutil.copy2(base.warehouse, target.warehouse)
        return
    from assistant.sql.postgres_warehouse import copy_warehouse_schema

    copy_warehouse_schema(url, warehouse_schema(settings, base), warehouse_schema(settings, target))


def remove_warehouse(settings: Settings, paths: StorePaths) -> None:
    """Drop generation `paths`'s PostgreSQL schema and query logins (a DuckDB file goes with the
    generation's folder)."""
    url = warehouse_url(settings)
    if url is not None:
        from assistant.sql.postgres_warehouse import drop_warehouse_schema

        drop_warehouse_schema(url, warehouse_schema(settings, paths))


def export_warehouse(settings: Settings, paths: StorePaths, target: Warehouse) -> None:
    """Load every table and card of generation `paths`'s warehouse into `target` (a backup's own
    DuckDB file: the backup is a complete home without the database)."""
    source = open_warehouse(settings, paths)
    try:
        for name, card in source.cards().items():
            target.replace_table(card, source.table_frame(name))
    finally:
        source.close()


def open_vector_store(settings: Settings, paths: StorePaths) -> ChromaVectorStore:
    """The generation's Chroma collection. On a server, a published generation's collection must be
    there (a clear error, not an empty store, when the server lost it); others are created."""
    client = chroma_client(path=paths.chroma, url=settings.chroma_url, timeout_s=settings.chroma_timeout_s)
    published = (paths.root / PUBLISHED_FILE).exists()
    try:
        return ChromaVectorStore(
            client, paths.collection(settings.collection, bool(settings.chroma_url)), create=not published
        )
    except Exception:
        client.close()
        raise


def chroma_server_probe(settings: Settings) -> Callable[[], None] | None:
    """With a Chroma server: a check that it answers its heartbeat within a few seconds, for /readyz
    (CityQAError when not); embedded: None."""
    url = settings.chroma_url
    if not url:
        return None

    def probe() -> None:
        from assistant.stores.chroma_remote import server_version

        server_version(url, min(settings.chroma_timeout_s, READY_PROBE_TIMEOUT_S))

    return probe


def build_user_directory(settings: Settings) -> UserDirectory:
    return UserDirectory.from_file(settings.api_keys_file, settings.allow_anonymous)


def build_sql_generator(
    chat_model: BaseChatModel | None, examples: list[SqlExample] | None = None
) -> SqlGenerator:
    """The semantic-layer parser; with a chat model, the LLM generator for what the parser cannot map
    (a model that fails, times out or writes SQL the guard rejects leaves the parser's draft), with
    the verified `examples` kept at ingest as few-shot examples."""
    parser = SemanticParserGenerator()
    if chat_model is None:
        return parser
    return LLMSqlGenerator(chat_model, fallback=parser, examples=examples)


def build_composer(chat_model: BaseChatModel | None) -> AnswerComposer:
    """The extractive composer; with a chat model, the model composer over it (the extract decides
    whether there is an answer, the model words it, every sentence checked, the extract as fallback)."""
    extractive = ExtractiveComposer()
    return extractive if chat_model is None else LLMComposer(chat_model, fallback=extractive)


def build_rewriter(chat_model: BaseChatModel | None) -> FollowUpRewriter | None:
    """Follow-ups made standalone by the chat model; None offline (the pipeline then searches a
    short follow-up together with the previous question)."""
    return None if chat_model is None else LLMFollowUpRewriter(chat_model)


def corpus_builder(
    settings: Settings,
    *,
    embedder: Embeddings | None = None,
    glossary: Glossary | None = None,
    chat_model: BaseChatModel | None = None,
) -> Callable[[Stores], Corpus]:
    """Builds the retriever and statistics layer over one generation's stores, the models shared
    by every generation (a server switching generations loads nothing again)."""
    embedder = embedder or embedder_for(
        settings.embedding_model, settings.embedding_batch_size, home=settings.home
    )
    shared_glossary = glossary or Glossary.load(settings.glossary_file)

    def build(stores: Stores) -> Corpus:
        paths = stores.paths or StoreLayout(settings.home).current()
        retriever = HybridRetriever(
            embedder=embedder,
            vector_store=stores.vector_store,
            keyword_index=stores.keyword_index,
            glossary=shared_glossary,
            candidate_k=settings.candidate_k,
        )
        statistics = TableStatisticsAnswerer(
            stores.warehouse,
            build_sql_generator(chat_model, load_sql_examples(paths.sql_examples)),
            settings.sql_timeout_ms,
            settings.sql_max_rows,
        )
        return Corpus(retriever, statistics)

    return build


def build_assistant(
    settings: Settings,
    stores: Stores | None = None,
    *,
    embedder: Embeddings | None = None,
    chat_model: BaseChatModel | None = None,
) -> Assistant:
    """The assistant over `stores` (opened from settings when not given). An injected embedder or
    chat model is used instead of the one settings name; without a chat model the settings decide
    (`CITYQA_LLM=none`: none)."""
    chat_model = chat_model if chat_model is not None else build_chat_model(settings)
    corpus = corpus_builder(settings, embedder=embedder, chat_model=chat_model)(
        stores or open_stores(settings)
    )
    return Assistant(
        retriever=corpus.retriever,
        composer=build_composer(chat_model),
        audit_log=AuditLog(settings.audit_log_path),
        conversations=SQLiteConversationStore(settings.state_path),
        policy=AnswerPolicy(
            top_k=settings.top_k,
            relevance_threshold=settings.relevance_threshold,
            home_region_names=tuple(name.strip() for name in settings.home_region.split(",") if name.strip()),
        ),
        statistics=corpus.statistics,
        rewriter=build_rewriter(chat_model),
        feedback=FeedbackStore(settings.feedback_path),
    )


def warm_up(assistant: Assistant) -> None:
    """Load what the first question would otherwise wait for: the embedding model (one embedding),
    Kiwi (one tokenisation), the BM25 matrix, the glossary's forms and the statistics layer.
    Answers nothing and writes nothing (no audit line, no conversation)."""
    warm_up_corpus(assistant.corpus)


def warm_up_corpus(corpus: Corpus) -> None:
    """`warm_up` for one corpus (also a new generation's, before a server switches to it)."""
    retriever = corpus.retriever
    retriever.embedder.embed_query("warm-up 해운대구 인구")
    retriever.keyword_index.warm_up()
    retriever.query_terms("해운대구 인구 population of Haeundae-gu")  # Kiwi, the glossary, the index
    content_nouns("해운대구 인구")  # the SQL layer's own Kiwi
    if isinstance(corpus.statistics, TableStatisticsAnswerer):
        corpus.statistics.warm_up()


# -- what each step uses (cityqa doctor) ------------------------------------------------------------
def _where(path: object, exists: bool) -> str:
    return f"{path}" + ("" if exists else " (not created yet: run `cityqa ingest`)")


def _describe_embedder(model: str) -> str:
    if model == PACKAGED_MINILM:
        return f"sentence-transformers all-MiniLM-L6-v2 from the package {PACKAGED_MINILM}"
    if model == PACKAGED_E5:
        return f"multilingual-e5-small from the package {PACKAGED_E5}"
    return f"sentence-transformers model folder {model}"


def _describe_warehouse(settings: Settings, paths: StorePaths) -> str:
    try:
        url = warehouse_url(settings)
    except CityQAError as error:  # shown, not raised: the doctor reports every step
        return error.detail
    if url is None:
        return f"DuckDB file {_where(paths.warehouse, paths.warehouse.exists())}"
    from assistant.sql.postgres_warehouse import redacted_url

    return (
        f"PostgreSQL at {redacted_url(url)}, schema {warehouse_schema(settings, paths)}; queries run as "
        "read-only logins, one per set of permitted tables"
    )


def describe_backends(settings: Settings) -> list[tuple[str, str]]:
    """(step, what it uses) for every seam, as `build_assistant` would choose it. Opens no store and
    calls no server; the chat model's class comes from actually building it (building is offline)."""
    paths = StoreLayout(settings.home).current()
    chat_line = describe_chat_model(settings)
    try:
        chat_model = build_chat_model(settings)
    except CityQAError as error:  # shown, not raised: the doctor reports every step
        chat_model, chat_line = None, f"{chat_line}: {error.detail}"
    generator = build_sql_generator(chat_model)
    if isinstance(generator, LLMSqlGenerator):
        fallback = type(generator.fallback).__name__
        sql = (
            f"{fallback} first; LLMSqlGenerator (chat model, guard, {generator.max_repairs} repair) "
            "for what it cannot map"
        )
    else:
        sql = f"{type(generator).__name__} (semantic-layer parser, rules)"
    if chat_model is None:
        composer = "ExtractiveComposer (sentences quoted from the sources)"
        follow_ups = "a short follow-up is searched with the previous question"
    else:
        composer = "LLMComposer (chat model, figures and words checked) over ExtractiveComposer"
        follow_ups = "LLMFollowUpRewriter (chat model makes follow-ups standalone)"
    vector_store = (
        f"Chroma server at {settings.chroma_url}, collection "
        f"{paths.collection(settings.collection, shared_server=True)} "
        f"(generation {paths.name or 'unversioned'})"
        if settings.chroma_url
        else f"embedded Chroma at {_where(paths.chroma, paths.chroma.exists())}"
    )
    return [
        ("embedding model", _describe_embedder(settings.embedding_model)),
        ("vector store", vector_store),
        (
            "keyword index",
            f"BM25 (bm25s, Kiwi tokens) at {_where(paths.keyword_index, paths.keyword_index.exists())}",
        ),
        ("warehouse", _describe_warehouse(settings, paths)),
        ("SQL generator", sql),
        ("composer", composer),
        ("follow-ups", follow_ups),
        ("chat model", chat_line),
    ]
