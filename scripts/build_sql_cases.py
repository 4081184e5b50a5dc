"""Build the SQL dev set evaluation/datasets/sql_cases.yaml from the curated demo tables.

Every case's gold SQL is written here, by hand-written templates that do not use the parser, and its
gold rows are computed by running that SQL with DuckDB over data/demo/tables/*.csv — no number is typed
by hand. Usage:
    python scripts/build_sql_cases.py [--tables data/demo/tables] [--out evaluation/datasets/sql_cases.yaml]
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path
from typing import Any

import duckdb
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.sql_case_list import CASES, FRESH_CASES, TWO_STEP_CASES  # noqa: E402

TABLE_NAMES = [
    "population_by_district_2025",
    "air_quality_by_district",
    "port_container_throughput",
    "traffic_fatal_accidents_2020",
    "births_by_province",
    "district_land_area",
]
UNITS = {
    "total_population": "명",
    "age_0_14": "명",
    "age_15_64": "명",
    "age_65_plus": "명",
    "births": "명",
    "deaths": "명",
    "natural_increase": "명",
    "marriages": "건",
    "divorces": "건",
    "accidents": "건",
    "pm10": "µg/m³",
    "pm25": "µg/m³",
    "pct": "%",
    "teu": "백만 TEU",
    "km2": "km²",
    "dongs": "개",
    "density": "명/km²",
    "tfr": "명",
    "ppm": "ppm",
    "c": "°C",
    "mm": "mm",
    "rank": "위",
}


def connect(tables: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    for name in TABLE_NAMES:
        card = yaml.safe_load((tables / f"{name}.yaml").read_text(encoding="utf-8"))
        types = {column["name"]: column["type"] for column in card["columns"]}
        connection.execute(
            f"CREATE TABLE {name} AS SELECT * FROM read_csv(?, header=true, columns=?)",
            [str(tables / card["file"]), types],
        )
    return connection


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 10)
    if hasattr(value, "item"):
        return _plain(value.item())
    return value


def build_case(connection: duckdb.DuckDBPyConnection, spec: dict[str, Any]) -> dict[str, Any]:
    expect: dict[str, Any]
    if spec.get("refuse"):
        expect = {"refuse": True}
    else:
        sql = " ".join(spec["sql"].split())
        rows = [[_plain(v) for v in row] for row in connection.execute(sql).fetchall()]
        if not rows:
            raise SystemExit(f"{spec['id']}: gold SQL returned no rows")
        tables = [t for t in TABLE_NAMES if re.search(rf"\b{t}\b", sql)]
        expect = {
            "gold_sql": sql,
            "ordered": bool(spec.get("ordered", False)),
            "gold_rows": rows,
            "sources": {"all_of": [f"table:{t}" for t in tables]},
        }
        unit = spec.get("unit")
        if unit and len(rows) == 1 and len(rows[0]) == 1 and isinstance(rows[0][0], int | float):
            expect["number"] = {
                "value": rows[0][0],
                # Answers show at most one decimal for values >= 100 and two below, so a fraction
                # is checked to the precision a reader sees.
                "tolerance": 0.5
                if isinstance(rows[0][0], int)
                else (0.05 if abs(rows[0][0]) >= 100 else 0.005),
                "unit": UNITS.get(unit, unit),
            }
    lang = "ko" if re.search(r"[\uac00-\ud7a3]", spec["q"]) else "en"
    number = expect.get("number")
    if number and lang == "en" and re.search(r"[\uac00-\ud7a3]", number["unit"] or ""):
        number["unit"] = None  # Korean counters (명, 건, 위) do not appear in English answers
    return {
        "id": spec["id"],
        "question": spec["q"],
        "lang": lang,
        "category": "sql",
        "user": "anonymous",
        "tags": list(spec["tags"]),
        "conversation": list(spec.get("conv", [])),
        "expect": expect,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tables", type=Path, default=ROOT / "data" / "demo" / "tables")
    parser.add_argument("--out", type=Path, default=ROOT / "evaluation" / "datasets" / "sql_cases.yaml")
    args = parser.parse_args()
    connection = connect(args.tables)
    specs = [
        *CASES,
        *({**spec, "tags": [*spec["tags"], "fresh"]} for spec in FRESH_CASES),
        *TWO_STEP_CASES,
    ]
    ids = [spec["id"] for spec in specs]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SystemExit(f"duplicate case ids: {duplicates}")
    cases = [build_case(connection, spec) for spec in specs]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "# SQL dev set: statistics questions over the curated demo tables.\n"
        "# Built by scripts/build_sql_cases.py; gold rows are computed by running gold_sql with DuckDB.\n"
    )
    text = yaml.safe_dump(cases, allow_unicode=True, sort_keys=False, width=120)
    args.out.write_text(header + text, encoding="utf-8")
    langs = {lang: sum(1 for c in cases if c["lang"] == lang) for lang in ("en", "ko")}
    print(f"{len(cases)} cases ({langs})")


if __name__ == "__main__":
    main()
