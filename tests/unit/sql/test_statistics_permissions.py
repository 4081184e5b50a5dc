"""Clearance applies to tables as to documents: a restricted table is neither queried nor named."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.models import Classification, User
from ingestion.loaders import SourceDefaults

DEMO_TABLES = Path(__file__).resolve().parents[3] / "data" / "demo" / "tables"
LAND_OWNER = "도시계획과"
PLANNER = User(key_id="k1", name="Planner", department=LAND_OWNER, clearance=Classification.RESTRICTED)
OTHER = User(key_id="k2", name="Other", department="인사과", clearance=Classification.RESTRICTED)
ANONYMOUS = User()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, stack_builder: Any) -> Any:
    folder = tmp_path_factory.mktemp("tables")
    for name in ("population_by_district_2025", "district_land_area"):
        shutil.copy(DEMO_TABLES / f"{name}.csv", folder / f"{name}.csv")
        card = yaml.safe_load((DEMO_TABLES / f"{name}.yaml").read_text(encoding="utf-8"))
        if name == "district_land_area":
            card["classification"] = "restricted"
            card["departments"] = [LAND_OWNER]
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(card, allow_unicode=True), encoding="utf-8")
    built = stack_builder(tmp_path_factory.mktemp("home"))
    report = built.ingestor.ingest([folder], SourceDefaults())
    assert report.failed == [], report.failed
    yield built
    built.warehouse.close()


def test_the_owning_department_gets_the_density_from_both_tables(stack: Any) -> None:
    answer = stack.assistant.answer("Which district is the most densely populated?", PLANNER)
    assert answer.sql is not None
    assert set(answer.sql.tables) == {"population_by_district_2025", "district_land_area"}
    assert "table:district_land_area" in {citation.source_id for citation in answer.citations}


@pytest.mark.parametrize("user", [ANONYMOUS, OTHER], ids=["anonymous", "other-department"])
def test_others_never_see_the_restricted_table(stack: Any, user: User) -> None:
    for question in (
        "Which district is the most densely populated?",
        "What is the land area of Haeundae-gu?",
    ):
        answer = stack.assistant.answer(question, user)
        assert answer.sql is None or "district_land_area" not in answer.sql.tables
        assert "district_land_area" not in answer.model_dump_json()
        assert "table:district_land_area" not in answer.retrieved_source_ids
    assert "district_land_area" not in stack.assistant.statistics.visible_tables(user)


def test_restricted_table_cannot_be_queried_directly(stack: Any) -> None:
    from assistant.errors import CityQAError

    with pytest.raises(CityQAError) as refused:
        stack.assistant.run_sql("SELECT * FROM district_land_area", ANONYMOUS)
    assert refused.value.code.value == "sql_rejected"
    assert stack.assistant.run_sql("SELECT district FROM district_land_area", PLANNER).row_count == 16
