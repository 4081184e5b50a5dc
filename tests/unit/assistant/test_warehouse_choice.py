"""Which warehouse the factory opens, and what the doctor says about it (no server needed: nothing
is opened until first use). The PostgreSQL warehouse itself: tests/integration/test_postgres_warehouse.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import CityQAError, ErrorCode
from assistant.factory import describe_backends, open_warehouse, warehouse_schema
from assistant.sql.postgres_warehouse import PostgresWarehouse, redacted_url
from assistant.sql.warehouse import DuckDBWarehouse
from assistant.store_layout import StoreLayout, StorePaths

URL = "postgresql://cityqa_owner:s3cret-pw@db.example:5433/cityqa?sslmode=require"


def _settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(home=tmp_path / "home", **values)  # type: ignore[arg-type]


def test_without_a_url_each_generation_has_its_duckdb_file(tmp_path: Path) -> None:
    settings = _settings(tmp_path, warehouse_url="")
    paths = StoreLayout(settings.home).paths_of("3")
    warehouse = open_warehouse(settings, paths)
    assert isinstance(warehouse, DuckDBWarehouse) and warehouse.path == paths.warehouse
    assert dict(describe_backends(settings))["warehouse"].startswith("DuckDB file ")


def test_a_postgres_url_opens_the_generations_schema_without_connecting(tmp_path: Path) -> None:
    settings = _settings(tmp_path, warehouse_url=URL, warehouse_schema="busan")
    warehouse = open_warehouse(settings, StoreLayout(settings.home).paths_of("7"))
    assert isinstance(warehouse, PostgresWarehouse)
    assert warehouse.schema == "busan_g7" and warehouse.dialect == "duckdb" and warehouse.engine == "postgres"
    warehouse.close()
    assert warehouse_schema(settings, StorePaths(settings.home)) == "busan"  # a home from before generations


def test_the_doctor_names_the_server_and_schema_but_never_the_password(tmp_path: Path) -> None:
    settings = _settings(tmp_path, warehouse_url=URL)
    line = dict(describe_backends(settings))["warehouse"]
    assert line.startswith("PostgreSQL at postgresql://cityqa_owner@db.example:5433/cityqa, schema cityqa_g0")
    assert "s3cret" not in line and "s3cret" not in repr(settings)
    assert redacted_url("postgresql://u:p@h/d") == "postgresql://u@h/d"


def test_a_url_of_another_database_is_refused_without_showing_it(tmp_path: Path) -> None:
    settings = _settings(tmp_path, warehouse_url="mysql://root:hunter2@db/cityqa")
    with pytest.raises(CityQAError) as raised:
        open_warehouse(settings, StoreLayout(settings.home).current())
    assert raised.value.code is ErrorCode.INVALID_CONFIG and "hunter2" not in raised.value.detail
    assert "hunter2" not in dict(describe_backends(settings))["warehouse"]


def test_schema_prefixes_are_plain_identifiers(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        _settings(tmp_path, warehouse_schema='x"; DROP SCHEMA public; --')
    with pytest.raises(CityQAError) as raised:
        PostgresWarehouse(URL, "Not-A-Schema")
    assert raised.value.code is ErrorCode.INVALID_CONFIG
