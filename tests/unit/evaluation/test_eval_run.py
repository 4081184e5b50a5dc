"""The whole flow: run_eval in-process, the report folder, --compare, thresholds and exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from eval_factories import POLICY_DOC, POP_TABLE, SECRET_DOC, citation, make_answer
from rich.console import Console

from assistant.errors import CityQAError, ErrorCode
from assistant.models import Answer, SourceKind
from evaluation.cli import METRICS, check_thresholds, parse_max_scores, parse_min_scores, run_eval
from evaluation.clients import InProcessClient

CASES = f"""
- id: sql-pop-001
  question: "Population of Haeundae-gu in May 2025?"
  lang: en
  category: sql
  tags: [lookup]
  expect:
    number: {{value: 375075, tolerance: 0.5}}
    sources: {{all_of: ["{POP_TABLE}"]}}
    gold_sql: "SELECT population FROM population_by_district_2025"
- id: doc-deadline-001
  question: "How many days to answer a <b>public-data</b> request?"
  lang: en
  category: document
  expect:
    answer_contains: ["10 days"]
    sources: {{any_of: ["{POLICY_DOC}"]}}
- id: perm-salary-001
  question: "직원 인사 정보 접근 정책은?"
  lang: ko
  category: permission
  expect:
    refuse: true
    must_not_cite: ["{SECRET_DOC}"]
"""


def _answers(good: bool) -> dict[str, Answer]:
    pop = make_answer(
        "375,075 people [1].",
        citations=[citation(1, POP_TABLE, SourceKind.TABLE)],
        sql_rows=[[375075]],
        retrieved=[POP_TABLE],
        total_ms=40,
    )
    bad_link = citation(2, POLICY_DOC).model_copy(update={"url": "javascript:alert(1)"})
    deadline = make_answer(
        "Within 10 days [1]." if good else "Within <script>alert(1)</script> 15 days [1].",
        citations=[citation(1, POLICY_DOC).model_copy(update={"url": "https://www.data.go.kr/x"}), bad_link],
        retrieved=[POLICY_DOC],
        total_ms=20,
    )
    refusal = make_answer(
        "Not found in the indexed sources.",
        citations=[],
        confidence="none",
        suggestions=[] if good else [SECRET_DOC],
        total_ms=10,
    )
    return {
        "Population of Haeundae-gu in May 2025?": pop,
        "How many days to answer a <b>public-data</b> request?": deadline,
        "직원 인사 정보 접근 정책은?": refusal,
    }


def _client(good: bool) -> InProcessClient:
    answers = _answers(good)
    return InProcessClient(lambda question, user, conversation_id: answers[question])


def _gold(sql: str) -> list[list[object]]:
    assert "population_by_district_2025" in sql
    return [[375075]]


@pytest.fixture
def cases_file(tmp_path: Path) -> Path:
    path = tmp_path / "cases.yaml"
    path.write_text(CASES, encoding="utf-8")
    return path


def _run(cases_file: Path, good: bool, **kwargs: object) -> tuple[int, str]:
    out = io.StringIO()
    code = run_eval(
        [cases_file],
        _client(good),
        gold_executor=_gold,
        console=Console(file=out, width=200),
        progress_console=Console(file=io.StringIO()),
        **kwargs,  # type: ignore[arg-type]
    )
    return code, out.getvalue()


def test_report_folder_and_leak_exit_code(cases_file: Path, tmp_path: Path) -> None:
    report = tmp_path / "bad"
    code, output = _run(cases_file, good=False, report_dir=report)
    assert code == 1  # a leak fails the run even without thresholds
    assert "permission_leaks<=0: measured 1" in output
    assert "doc-deadline-001" in output and "answer_contains" in output

    summary = json.loads((report / "summary.json").read_text(encoding="utf-8"))
    assert summary["run"]["client"] == "in-process" and summary["run"]["cases"] == 3
    assert summary["overall"]["passed"] == 1
    assert summary["overall"]["permission_leaks"] == 1
    assert summary["overall"]["sql_execution_accuracy"] == 1.0
    assert set(summary["by_category"]) == {"sql", "document", "permission"}
    assert set(summary["by_lang"]) == {"en", "ko"}
    assert summary["by_tag"]["lookup"]["cases"] == 1
    assert summary["latency_ms"]["sql"] == {"p50": 40.0, "p95": 40.0}
    perm = summary["cases"]["perm-salary-001"]
    assert (perm["passed"], perm["failed"], perm["leaks"]) == (False, ["no_leaks"], 1)
    assert perm["reasons"] == [f"no_leaks: {SECRET_DOC} in suggestion"]

    rows = [json.loads(line) for line in (report / "cases.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["sql-pop-001", "doc-deadline-001", "perm-salary-001"]
    assert rows[0]["sql"]["rows"] == [[375075]]
    assert rows[2]["leaks"] == [{"source_id": SECRET_DOC, "where": "suggestion"}]
    assert {
        "question",
        "answer",
        "citations",
        "checks",
        "passed",
        "refused",
        "latency_ms",
        "retrieved",
    } <= set(rows[0])

    html = (report / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert " src=" not in html and "<link" not in html and "@import" not in html
    assert '<a href="https://www.data.go.kr/x" rel="noreferrer">' in html
    assert "javascript:" not in html
    assert "&lt;b&gt;public-data&lt;/b&gt;" in html and "<b>public-data</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<svg" in html and "perm-salary-001" in html and "1 permission leak(s)!" in html


def test_compare_lists_newly_passing_cases(cases_file: Path, tmp_path: Path) -> None:
    _run(cases_file, good=False, report_dir=tmp_path / "old")
    code, output = _run(
        cases_file, good=True, report_dir=tmp_path / "new", compare=tmp_path / "old" / "summary.json"
    )
    assert code == 0
    assert "Newly passing (2): doc-deadline-001, perm-salary-001" in output
    assert "answer_accuracy" in output and "better" in output
    html = (tmp_path / "new" / "report.html").read_text(encoding="utf-8")
    assert "Newly passing" in html

    code, output = _run(cases_file, good=False, compare=tmp_path / "new")
    assert "Newly failing (2): doc-deadline-001, perm-salary-001" in output and "worse" in output


def test_compare_reads_cases_jsonl_when_summary_has_no_cases(cases_file: Path, tmp_path: Path) -> None:
    _run(cases_file, good=True, report_dir=tmp_path / "old")
    summary_path = tmp_path / "old" / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    del summary["cases"]
    summary_path.write_text(json.dumps(summary), encoding="utf-8")
    _, output = _run(cases_file, good=False, compare=summary_path)
    assert "Newly failing (2)" in output


def test_min_score_thresholds_set_the_exit_code(cases_file: Path) -> None:
    assert _run(cases_file, good=True, min_scores=["answer_accuracy=0.9"])[0] == 0
    code, output = _run(cases_file, good=False, min_scores=["answer_accuracy=0.9", "permission_leaks<=5"])
    assert code == 1 and "answer_accuracy>=0.9: measured 0.3333" in output
    assert (
        _run(cases_file, good=False, min_scores={"answer_accuracy": 0.3}, max_scores=["permission_leaks=1"])[
            0
        ]
        == 0
    )
    code, output = _run(cases_file, good=True, min_scores=["by_category.sql.refusal_correct_rate=0.5"])
    assert code == 1 and "no case to measure it" in output
    assert _run(cases_file, good=True, min_scores=["by_lang.ko.answer_accuracy>=100%"])[0] == 0


def test_parse_thresholds_directions_and_errors() -> None:
    by_name = {
        t.metric: t for t in parse_min_scores(["answer_accuracy=0.8", "permission_leaks=0", "mrr<=0.9"])
    }
    assert (by_name["answer_accuracy"].op, by_name["answer_accuracy"].value) == (">=", 0.8)
    assert by_name["permission_leaks"].op == "<="
    assert by_name["mrr"].op == "<="
    assert parse_max_scores(["latency_p95_ms=2000"])[0].op == "<="
    assert parse_min_scores(["answer_accuracy=80%"])[0].value == pytest.approx(0.8)
    for bad in ("answer_acuracy=0.8", "answer_accuracy", "answer_accuracy=high", "by_city.x.mrr=1"):
        with pytest.raises(CityQAError) as raised:
            parse_min_scores([bad])
        assert raised.value.code == ErrorCode.BAD_REQUEST
    assert set(METRICS) >= {"answer_accuracy", "retrieval_hit_at_5", "mrr", "permission_leaks"}


def test_check_thresholds_on_a_summary() -> None:
    summary = {
        "overall": {"answer_accuracy": 0.75, "mrr": None},
        "by_category": {"sql": {"answer_accuracy": 1.0}},
    }
    verdicts = check_thresholds(
        summary, parse_min_scores(["answer_accuracy=0.8", "by_category.sql.answer_accuracy=1", "mrr=0.1"])
    )
    assert [held for _, held, _ in verdicts] == [False, True, False]


def test_invalid_cases_raise_before_running(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(CASES.replace("category: sql", "category: sq"), encoding="utf-8")
    with pytest.raises(CityQAError) as raised:
        _run(path, good=True)
    assert raised.value.code == ErrorCode.INVALID_CASES


def test_reference_validation_uses_known_sets(cases_file: Path) -> None:
    with pytest.raises(CityQAError, match="unknown table 'population_by_district_2025'"):
        _run(cases_file, good=True, known_tables={"beach_visitors"})


def test_http_skips_gold_sql_without_executor(cases_file: Path, tmp_path: Path) -> None:
    out = io.StringIO()
    run_eval(
        [cases_file],
        _client(True),
        report_dir=tmp_path / "r",
        console=Console(file=out, width=200),
        progress_console=Console(file=io.StringIO()),
    )
    rows = [
        json.loads(line) for line in (tmp_path / "r" / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    sql_check = next(c for c in rows[0]["checks"] if c["name"] == "sql_result")
    assert sql_check["passed"] is None and "add gold_rows" in sql_check["detail"]


def test_calibration_and_new_metrics_in_the_printed_summary_json_and_html(
    cases_file: Path, tmp_path: Path
) -> None:
    code, output = _run(
        cases_file, good=False, report_dir=tmp_path / "r", max_scores=["confident_wrong_rate=0.01"]
    )
    assert code == 1 and "confident_wrong_rate<=0.01: measured 0.3333" in output
    for name in ("confident_wrong_rate", "answered_when_retrieved", "lead_source_accuracy"):
        assert name in output
    assert "Calibration" in output and "no answer" not in output
    high_row = next(line for line in output.splitlines() if line.strip("│ ").startswith("high"))
    assert "2" in high_row and "50.0%" in high_row

    summary = json.loads((tmp_path / "r" / "summary.json").read_text(encoding="utf-8"))
    assert summary["overall"]["calibration"]["high"] == {"cases": 2, "accuracy": 0.5}
    assert summary["overall"]["calibration"]["none"] == {"cases": 1, "accuracy": 0.0}
    assert summary["by_lang"]["ko"]["calibration"]["none"]["cases"] == 1
    html = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "<h2>Calibration</h2>" in html and "confident_wrong_rate" in html
