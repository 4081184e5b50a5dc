"""The app `cityqa serve` runs, built from settings: the stores opened, the assistant and the users,
the API with its rate limit and its background warm-up (`/readyz`), and the Slack bot when configured.

One worker: `cityqa serve` builds the app with `build_service_app` and hands it to uvicorn. Several
workers (`--workers N`, CITYQA_WORKERS): uvicorn starts each worker as a new process and builds the
app there with `SERVICE_APP_FACTORY`, a zero-argument factory that reads the settings from the
environment (the environment and `.env` that `cityqa serve` read). Before it starts them,
`cityqa serve` names a fresh folder in PROMETHEUS_MULTIPROC_DIR (`metrics_folder_for_workers`): every
worker writes its metrics there, and `/metrics`, whichever worker answers it, adds them up.

The workers share what is under CITYQA_HOME: the stores (read), conversations and feedback (SQLite)
and the audit log (appended to). Each has its own models and indexes in memory, its own warm-up
(`/readyz` answers for the worker that took the request) and its own rate limit buckets (a caller
may get the limit times the number of workers).
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import FastAPI
from uvicorn.config import STARTUP_FAILURE

from assistant.api.admin import build_ingest_admin
from assistant.api.app import Readiness, create_app
from assistant.api.metrics import MULTIPROCESS_DIR_VARIABLE, cityqa_metrics
from assistant.api.rate_limit import RateLimit
from assistant.config import Settings
from assistant.factory import (
    build_assistant,
    build_user_directory,
    chroma_server_probe,
    corpus_builder,
    open_stores,
    warm_up,
)
from assistant.live import GenerationWatcher
from assistant.llm import build_chat_model
from assistant.logging_setup import LogFormat, configure_logging
from assistant.pipeline import Assistant
from assistant.sources import SourceCatalog
from assistant.store_layout import StoreLayout
from assistant.users import UserDirectory

logger = logging.getLogger("cityqa")

# What uvicorn imports in each worker process (with factory=True).
SERVICE_APP_FACTORY = "assistant.api.service:service_app_from_environment"
# Seconds a worker may take to answer uvicorn's liveness ping before it is killed and replaced. The
# ping is answered by a thread of the worker, which waits for the GIL while a starting worker loads
# torch, Kiwi and the indexes: on 2 busy cores that took more than uvicorn's 5 s, and workers were
# killed while they warmed up. (A worker that dies is noticed at once: this is for hung ones.)
WORKER_HEALTHCHECK_SECONDS = 30


def build_service_app(settings: Settings) -> FastAPI:
    """The whole service over the stores under `settings.home`."""
    paths = StoreLayout(settings.home).current()
    stores, chat_model = open_stores(settings, paths), build_chat_model(settings)
    assistant = build_assistant(settings, stores, chat_model=chat_model)
    users, sources = build_user_directory(settings), SourceCatalog(stores.keyword_index)
    # Each generation an ingest publishes is served once it is loaded, without a restart.
    watcher = GenerationWatcher(
        settings,
        assistant,
        sources,
        corpus_builder(
            settings,
            embedder=assistant.retriever.embedder,
            glossary=assistant.retriever.glossary,
            chat_model=chat_model,
        ),
        serving=paths.name,
        on_switch=_count_generation,
    )
    _count_generation(paths.name)

    def warm_up_and_watch() -> None:
        warm_up(assistant)
        watcher.start()

    application = create_app(
        assistant,
        users,
        sources,
        max_body_bytes=settings.max_request_bytes,
        rate_limit=RateLimit(settings.rate_limit_per_minute, settings.rate_limit_burst),
        # models, Kiwi, BM25 and the statistics layer load in the background; /readyz says when done
        readiness=Readiness(warm_up_and_watch, probe=chroma_server_probe(settings)),
        ingest_admin=build_ingest_admin(settings),
    )
    _add_slack_bot(application, settings, assistant, users)
    return application


def _count_generation(name: str) -> None:
    cityqa_metrics().store_generation.set(int(name or 0))


def service_app_from_environment() -> FastAPI:
    """`build_service_app` with the settings of the environment, logging as `cityqa serve` does: the
    factory uvicorn calls in each worker process (a new process, whose logging is not yet set up).
    A worker that cannot build the app logs why and exits with uvicorn's startup-failure code, so
    that uvicorn stops the server instead of starting the worker again and again."""
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format or LogFormat.JSON)
    # what uvicorn's access_log=False did before, undone by configure_logging: cityqa logs its own
    logging.getLogger("uvicorn.access").propagate = False
    try:
        return build_service_app(settings)
    except Exception:
        logger.exception("the worker could not build the service; the server stops")
        sys.exit(STARTUP_FAILURE)


def _add_slack_bot(
    application: FastAPI, settings: Settings, assistant: Assistant, users: UserDirectory
) -> None:
    if settings.slack_bot_token and settings.slack_signing_secret:
        from assistant.bot import add_slack_routes, build_slack_app

        add_slack_routes(application, build_slack_app(settings, assistant, users))
        logger.info("Slack bot listening at /slack/events")
    elif settings.slack_bot_token or settings.slack_signing_secret:
        logger.warning("Slack bot off: it needs the bot token and the signing secret")


@contextmanager
def metrics_folder_for_workers() -> Iterator[Path]:
    """A folder for prometheus-client's multiprocess mode, named in PROMETHEUS_MULTIPROC_DIR while
    the block runs, so that the worker processes started in it (which inherit the environment, and
    import prometheus-client only then) write their metrics there. Without the variable: a new
    temporary folder, removed afterwards (two servers never share one). With it: that folder, emptied
    of prometheus-client's files (`*.db`) first and kept."""
    given = os.environ.get(MULTIPROCESS_DIR_VARIABLE)
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):
            stale.unlink()
        yield folder
        return
    folder = Path(tempfile.mkdtemp(prefix="cityqa-metrics-"))
    os.environ[MULTIPROCESS_DIR_VARIABLE] = str(folder)
    try:
        yield folder
    finally:
        os.environ.pop(MULTIPROCESS_DIR_VARIABLE, None)
        shutil.rmtree(folder, ignore_errors=True)
