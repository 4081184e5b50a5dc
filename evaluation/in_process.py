"""In-process evaluation glue: assistants built by the factory, as `AnswerClient`s over opened stores.

`cityqa eval` uses it without ``--url``; ``--llm`` builds two assistants over the same stores (the
offline one and the one with the chat model), so both runs read the very same index and tables.
Tests inject a fake embedder and a fake chat model here, through the factory's own parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from assistant.config import LLMBackend, Settings
from assistant.errors import CityQAError, ErrorCode
from assistant.factory import Stores, build_assistant, build_user_directory, open_stores
from assistant.models import Answer
from assistant.pipeline import Assistant
from assistant.sources import SourceCatalog
from assistant.users import UserDirectory

from .cases import ANONYMOUS
from .clients import InProcessClient
from .runner import GoldExecutor

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel

GOLD_TIMEOUT_MS = 30_000
GOLD_MAX_ROWS = 100_000


def assistant_client(assistant: Assistant, users: UserDirectory) -> InProcessClient:
    """Cases name their user by API key; ``anonymous`` asks without one."""

    def answer(question: str, user: str, conversation_id: str | None) -> Answer:
        asker = users.authenticate(None if user == ANONYMOUS else user)
        return assistant.answer(question, asker, conversation_id)

    return InProcessClient(answer)


def gold_executor_for(stores: Stores) -> GoldExecutor:
    def run_gold_sql(sql: str) -> list[list[Any]]:
        # Gold SQL is the evaluator's own, trusted and unguarded, over every curated table.
        warehouse = stores.warehouse
        return warehouse.run_readonly(sql, GOLD_TIMEOUT_MS, GOLD_MAX_ROWS, tables=warehouse.tables()).rows

    return run_gold_sql


def known_references(stores: Stores, users: UserDirectory) -> dict[str, Any]:
    """What cases may name (``run_eval``'s known_* arguments): a typo in a case fails before the run."""
    return {
        "known_source_ids": SourceCatalog(stores.keyword_index).all_source_ids(),
        "known_tables": set(stores.warehouse.tables()),
        "known_users": set(users.keys()),
    }


def offline_and_model_clients(
    settings: Settings,
    stores: Stores,
    users: UserDirectory,
    chat_model: BaseChatModel,
    *,
    embedder: Embeddings | None = None,
) -> tuple[InProcessClient, InProcessClient]:
    """(offline, with the chat model): two assistants from the factory over the same stores. Pass one
    embedder to both, or each builds its own copy of the embedding model."""
    offline = build_assistant(settings.model_copy(update={"llm": LLMBackend.NONE}), stores, embedder=embedder)
    with_model = build_assistant(settings, stores, embedder=embedder, chat_model=chat_model)
    return assistant_client(offline, users), assistant_client(with_model, users)


def evaluate_offline_and_llm(
    settings: Settings,
    case_paths: Sequence[Path],
    *,
    report_dir: Path | None = None,
    compare: Path | None = None,
    judge_runs: int = 3,
    min_scores: Sequence[str] = (),
    max_scores: Sequence[str] = (),
    console: Console | None = None,
    progress_console: Console | None = None,
) -> int:
    """`cityqa eval --llm` from settings (``judge_runs=0``: no judge). The model's server is checked
    first: a dead server would degrade every answer to the offline path, and the table would then
    compare the offline path with itself."""
    from assistant.embeddings import embedder_for
    from assistant.llm import build_chat_model, check_chat_model_server

    from .side_by_side import run_side_by_side

    chat_model = build_chat_model(settings) if settings.llm == LLMBackend.OPENAI else None
    if chat_model is None:
        raise CityQAError(
            ErrorCode.INVALID_CONFIG,
            "--llm needs a chat model: set CITYQA_LLM=openai, CITYQA_LLM_MODEL and CITYQA_LLM_BASE_URL "
            "(and CITYQA_LLM_API_KEY if the server wants one); check with `cityqa doctor`",
        )
    check = check_chat_model_server(settings)
    if not check.ok:
        raise CityQAError(
            ErrorCode.UPSTREAM_FAILED, f"chat model check: {check.status.value}: {check.detail}"
        )
    stores = open_stores(settings)
    users = build_user_directory(settings)
    embedder = embedder_for(settings.embedding_model, settings.embedding_batch_size)  # one copy for both
    offline, with_model = offline_and_model_clients(settings, stores, users, chat_model, embedder=embedder)
    return run_side_by_side(
        case_paths,
        offline,
        with_model,
        judge_model=chat_model if judge_runs else None,
        judge_runs=judge_runs,
        llm_label=settings.llm_model or "llm",
        report_dir=report_dir,
        compare=compare,
        min_scores=min_scores,
        max_scores=max_scores,
        gold_executor=gold_executor_for(stores),
        console=console,
        progress_console=progress_console,
        **known_references(stores, users),
    )
