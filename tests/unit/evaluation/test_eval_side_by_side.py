"""`cityqa eval --llm`'s evaluation side: two fake clients (offline right, "model" wrong on the SQL
case and slower), judged by a langchain fake chat model; the table, the JSON, the reports and the
exit code of thresholds on the model's run."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from eval_factories import POLICY_DOC, POP_TABLE, citation, make_answer
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from rich.console import Console

from assistant.models import Answer, SourceKind
from evaluation.clients import InProcessClient
from evaluation.side_by_side import format_difference, run_side_by_side, side_by_side_rows

CASES = f"""
- id: sql-pop
  question: "Population of Haeundae-gu in May 2025?"
  lang: en
  category: sql
  expect:
    sources: ["{POP_TABLE}"]
    gold_rows: [[374321]]
- id: doc-deadline
  question: "How many days to answer a public-data request?"
  lang: en
  category: document
  expect:
    answer_contains: ["10 days"]
    sources: {{any_of: ["{POLICY_DOC}"]}}
- id: unanswerable-capital
  question: "What is the capital of France?"
  lang: en
  category: unanswerable
  expect: {{refuse: true}}
"""

# Judge replies, in call order: offline (sql-pop ×2, doc-deadline ×2), then the model's run.
JUDGE_REPLIES = [
    '{"faithfulness": 5, "relevance": 5}',
    '{"faithfulness": 5, "relevance": 5}',
    '{"faithfulness": 4, "relevance": 4}',
    '{"faithfulness": 4, "relevance": 4}',
    '{"faithfulness": 2, "relevance": 4}',
    "The answer looks fine to me.",  # unparsed
    '{"faithfulness": 2, "relevance": 4}',
    '{"faithfulness": 4, "relevance": 4}',
]


def _client(population: int, total_ms: float) -> InProcessClient:
    answers: dict[str, Answer] = {
        "Population of Haeundae-gu in May 2025?": make_answer(
            f"{population:,} people [1].",
            citations=[citation(1, POP_TABLE, SourceKind.TABLE)],
            sql_rows=[[population]],
            retrieved=[POP_TABLE],
            total_ms=total_ms,
        ),
        "How many days to answer a public-data request?": make_answer(
            "Within 10 days [1].", retrieved=[POLICY_DOC], total_ms=total_ms
        ),
        "What is the capital of France?": make_answer(
            "Not found in the indexed sources.", citations=[], confidence="none", total_ms=total_ms
        ),
    }
    return InProcessClient(lambda question, user, conversation_id: answers[question])


@pytest.fixture
def cases_file(tmp_path: Path) -> Path:
    path = tmp_path / "cases.yaml"
    path.write_text(CASES, encoding="utf-8")
    return path


def _run(cases_file: Path, **options: object) -> tuple[int, str]:
    out = io.StringIO()
    code = run_side_by_side(
        [cases_file],
        _client(374321, total_ms=20),
        _client(37080, total_ms=500),  # the "model" took Jung-gu's figure, and is slower
        console=Console(file=out, width=200),
        progress_console=Console(file=io.StringIO()),
        **options,  # type: ignore[arg-type]
    )
    return code, out.getvalue()


def _table_row(output: str, metric: str) -> list[str]:
    """The cells of one row of the printed table (metric, offline, llm, difference)."""
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if cells and cells[0] == metric:
            return cells
    raise AssertionError(f"no row {metric!r} in:\n{output}")


def test_table_reports_and_json_side_by_side(cases_file: Path, tmp_path: Path) -> None:
    report = tmp_path / "report"
    judge = FakeListChatModel(responses=JUDGE_REPLIES)
    code, output = _run(
        cases_file, judge_model=judge, judge_runs=2, llm_label="qwen2.5-7b", report_dir=report
    )

    assert code == 0, output  # no threshold but the leak gate, and nothing leaked
    assert "3 cases: offline vs qwen2.5-7b, judged 2× by the model" in output
    assert _table_row(output, "passed") == ["passed", "3", "2", "-1"]
    assert _table_row(output, "answer_accuracy") == ["answer_accuracy", "100.0%", "66.7%", "-33.3 pp"]
    assert _table_row(output, "sql_execution_accuracy")[1:] == ["100.0%", "0.0%", "-100.0 pp"]
    assert _table_row(output, "refusal_correct_rate")[1:] == ["100.0%", "100.0%", "+0.0 pp"]
    assert _table_row(output, "latency_p50_ms")[1:] == ["20 ms", "500 ms", "+480 ms"]
    assert _table_row(output, "mrr")[1:] == ["1.000", "1.000", "+0.000"]
    assert _table_row(output, "judge_faithfulness")[1:] == ["4.50/5", "2.50/5", "-2.00"]
    assert _table_row(output, "judge_relevance")[1:] == ["4.50/5", "4.00/5", "-0.50"]
    assert _table_row(output, "judge_unparsed_runs")[1:] == ["0", "1", "+1"]
    assert "Fail only with the model (1): sql-pop" in output
    assert "permission_leaks<=0: measured 0" in output

    data = json.loads((report / "side_by_side.json").read_text(encoding="utf-8"))
    rows = {row["metric"]: row for row in data["metrics"]}
    assert rows["answer_accuracy"]["offline"] == 1.0
    assert rows["answer_accuracy"]["llm"] == pytest.approx(2 / 3)
    assert rows["answer_accuracy"]["difference"] == pytest.approx(-1 / 3)
    assert rows["answer_accuracy"]["verdict"] == "worse"
    assert rows["latency_p50_ms"]["verdict"] == "worse"  # slower is worse, though the number grew
    assert rows["judge_faithfulness"] == {
        "metric": "judge_faithfulness",
        "offline": 4.5,
        "llm": 2.5,
        "difference": -2.0,
        "verdict": "worse",
    }
    assert (data["fail_with_llm"], data["pass_with_llm"]) == (["sql-pop"], [])
    assert (data["llm_label"], data["cases"], data["judge_runs"]) == ("qwen2.5-7b", 3, 2)

    for run, population in (("offline", 374321), ("llm", 37080)):
        summary = json.loads((report / run / "summary.json").read_text(encoding="utf-8"))
        assert summary["judge"]["cases_judged"] == 2
        first = json.loads((report / run / "cases.jsonl").read_text(encoding="utf-8").splitlines()[0])
        assert first["sql"]["rows"] == [[population]]
        assert (report / run / "report.html").exists()


def test_thresholds_apply_to_the_model_run(cases_file: Path) -> None:
    # Offline passes every case, so only the model's run can fail these.
    code, output = _run(cases_file, min_scores=["answer_accuracy=0.9"])
    assert code == 1
    assert "answer_accuracy>=0.9: measured 0.6667" in output
    code, output = _run(cases_file, min_scores=["answer_accuracy=0.6"], max_scores=["latency_p50_ms=600"])
    assert code == 0, output
    code, _ = _run(cases_file, max_scores=["latency_p50_ms=100"])
    assert code == 1


def test_without_judge_no_judge_rows(cases_file: Path, tmp_path: Path) -> None:
    code, output = _run(cases_file, report_dir=tmp_path / "r")
    assert code == 0
    assert "not judged" in output and "judge_faithfulness" not in output
    summary = json.loads((tmp_path / "r" / "llm" / "summary.json").read_text(encoding="utf-8"))
    assert "judge" not in summary


def test_compare_applies_to_the_model_run(cases_file: Path, tmp_path: Path) -> None:
    _run(cases_file, report_dir=tmp_path / "first")
    code, output = _run(cases_file, compare=tmp_path / "first" / "offline", report_dir=tmp_path / "second")
    assert code == 0
    assert "Compared with" in output and "Newly failing (1): sql-pop" in output


def test_judge_server_failures_are_counted_not_raised(cases_file: Path) -> None:
    class DeadJudge(FakeListChatModel):
        def _call(self, *args: object, **kwargs: object) -> str:
            raise ConnectionError("judge server down")

    code, output = _run(cases_file, judge_model=DeadJudge(responses=["unused"]), judge_runs=1)
    assert code == 0
    assert _table_row(output, "judge_failed_runs")[1:] == ["2", "2", "+0"]
    assert _table_row(output, "judge_faithfulness")[1:] == ["n/a", "n/a", "n/a"]


def test_rows_cover_every_number_of_overall_and_read_directions() -> None:
    offline = {"overall": {"cases": 2, "passed": 1, "permission_leaks": 0, "new_metric": 0.5, "n": {}}}
    llm = {"overall": {"cases": 2, "passed": 2, "permission_leaks": 1, "new_metric": 0.25, "n": {}}}
    rows = {row["metric"]: row for row in side_by_side_rows(offline, llm)}
    assert list(rows) == ["cases", "passed", "permission_leaks", "new_metric"]
    assert rows["passed"]["verdict"] == "better"
    assert rows["permission_leaks"]["verdict"] == "worse"
    assert rows["cases"]["verdict"] == "same"
    assert format_difference("permission_leaks", 1) == "+1"
    assert format_difference("wrong_refusal_rate", -0.05) == "-5.0 pp"
