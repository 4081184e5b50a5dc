"""Accuracy of the offline SQL generator on the SQL dev set (evaluation/datasets/sql_cases.yaml).

Each case's question (after its conversation, fed as history with the generator's own earlier slots)
goes through SemanticParserGenerator; the SQL runs on the demo tables in DuckDB and its rows are
compared with the gold rows: same number of rows, and after rounding numbers to 4 significant digits
each gold row's values appear in its result row (column names and extra columns ignored; row order
only when the case says `ordered`). Generated SQL must pass the SQL guard. Refusal cases must give sql=None.
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqltest_support import allowed_columns, demo_layer, run_sql

from assistant.models import Turn
from assistant.sql.generator import SemanticParserGenerator, SqlDraft
from assistant.sql.guard import guard_sql

CASES_PATH = Path(__file__).resolve().parents[3] / "evaluation" / "datasets" / "sql_cases.yaml"
OVERALL_TARGET = 0.90


def _load_cases() -> list[dict[str, Any]]:
    return list(yaml.safe_load(CASES_PATH.read_text(encoding="utf-8")))


def normalise_value(value: Any) -> Any:
    """Numbers rounded to 4 significant digits (ints and floats alike); other values as strings."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        number = float(value)
        if number == 0 or not math.isfinite(number):
            return number
        return float(f"{number:.4g}")
    return str(value)


def _row_contains(result_row: list[Any], gold_row: list[Any]) -> bool:
    remaining = [normalise_value(v) for v in result_row]
    for value in gold_row:
        wanted = normalise_value(value)
        if wanted not in remaining:
            return False
        remaining.remove(wanted)
    return True


def rows_match(result_rows: list[list[Any]], gold_rows: list[list[Any]], ordered: bool) -> bool:
    if len(result_rows) != len(gold_rows):
        return False
    if ordered:
        return all(_row_contains(r, g) for r, g in zip(result_rows, gold_rows, strict=True))
    unused = list(range(len(result_rows)))
    for gold in gold_rows:
        found = next((i for i in unused if _row_contains(result_rows[i], gold)), None)
        if found is None:
            return False
        unused.remove(found)
    return True


def run_case(case: dict[str, Any]) -> tuple[bool, SqlDraft, str]:
    generator = SemanticParserGenerator()
    layer = demo_layer()
    history: list[Turn] = []
    for earlier in case["conversation"]:
        draft = generator.generate(earlier, layer, history)
        history.append(Turn(question=earlier, slots=draft.slots))
    draft = generator.generate(case["question"], layer, history)
    expect = case["expect"]
    if expect.get("refuse"):
        return draft.sql is None and draft.is_statistical, draft, "expected a refusal"
    if draft.sql is None:
        return False, draft, f"no SQL (unmapped: {draft.unmapped})"
    try:
        result = run_sql(guard_sql(draft.sql, allowed_columns(), max_limit=200).sql)
    except Exception as error:  # a rejected or failing query is a wrong answer, reported with its error
        return False, draft, f"SQL rejected or failed: {error}"
    ok = rows_match(result.rows, expect["gold_rows"], expect["ordered"])
    return ok, draft, f"got {result.rows[:6]} want {expect['gold_rows'][:6]}"


def test_row_comparison_is_fair() -> None:
    assert rows_match([["해운대구", "Haeundae-gu", 374321]], [[374321]], ordered=False)
    assert rows_match([[1.23456]], [[1.2346]], ordered=False)
    assert not rows_match([[1, 2]], [[1], [2]], ordered=False)
    assert not rows_match([["a", 1], ["b", 2]], [["b", 2], ["a", 1]], ordered=True)
    assert rows_match([["a", 1], ["b", 2]], [["b", 2], ["a", 1]], ordered=False)
    assert not rows_match([[2.0]], [[2.1]], ordered=False)


def test_generator_accuracy_on_the_dev_set(capsys: pytest.CaptureFixture[str]) -> None:
    cases = _load_cases()
    assert len(cases) >= 160
    by_lang: dict[str, list[bool]] = defaultdict(list)
    by_tag: dict[str, list[bool]] = defaultdict(list)
    failures: list[str] = []
    refusals_missed: list[str] = []
    for case in cases:
        ok, draft, detail = run_case(case)
        by_lang[case["lang"]].append(ok)
        for tag in case["tags"]:
            by_tag[tag].append(ok)
        if not ok:
            failures.append(f"{case['id']}: {case['question']!r} -> {draft.sql} | {detail}")
            if case["expect"].get("refuse"):
                refusals_missed.append(case["id"])
    total = [ok for results in by_lang.values() for ok in results]
    accuracy = sum(total) / len(total)
    with capsys.disabled():
        print(f"\nSQL dev set: {sum(total)}/{len(total)} = {accuracy:.3f}")
        for lang, results in sorted(by_lang.items()):
            print(f"  lang {lang}: {sum(results)}/{len(results)} = {sum(results) / len(results):.3f}")
        for tag, results in sorted(by_tag.items()):
            print(f"  tag {tag:<11} {sum(results)}/{len(results)} = {sum(results) / len(results):.3f}")
        for failure in failures:
            print("  FAIL " + failure)
    assert not refusals_missed, f"refusal cases that produced SQL: {refusals_missed}"
    assert accuracy >= OVERALL_TARGET
