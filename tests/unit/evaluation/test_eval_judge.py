"""The optional LLM judge, with a fake chat model behind the real BaseChatModel interface."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from eval_factories import POLICY_DOC, citation, make_answer, make_case
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from rich.console import Console

from assistant.errors import CityQAError
from evaluation.judge import (
    DEFAULT_PROMPT_PATH,
    judge_answers,
    load_judge_prompt,
    parse_scores,
    passages_text,
)
from evaluation.scoring import CaseResult, score_case


def _results() -> list[CaseResult]:
    answered = score_case(
        make_case("document"),
        make_answer("Within 10 days [1].", citations=[citation(1, POLICY_DOC)]),
        latency_ms=1,
    )
    refused_case = make_case("unanswerable", refuse=True).model_copy(update={"id": "refused"})
    not_found = make_answer("Not found.", citations=[], confidence="none")
    refused = score_case(refused_case, not_found, latency_ms=1)
    return [answered, refused]


def test_judge_averages_runs_and_skips_refusals_and_unparsed_replies() -> None:
    model = FakeListChatModel(
        responses=[
            'Sure! {"faithfulness": 4, "relevance": 5, "reason": "ok"}',
            "I think it is fine.",
            '{"faithfulness": 2, "relevance": 4}',
        ]
    )
    judge = judge_answers(_results(), model, runs=3)
    assert judge["cases_judged"] == 1
    assert judge["unparsed_runs"] == 1
    assert judge["per_case"]["document-case"]["faithfulness"] == 3.0
    assert judge["per_case"]["document-case"]["relevance"] == 4.5
    assert judge["per_case"]["document-case"]["runs"] == 2
    assert judge["faithfulness"] == 3.0 and judge["relevance"] == 4.5
    assert judge["by_category"]["document"]["cases"] == 1
    assert judge["prompt"] == "judge_faithfulness@1" and judge["runs"] == 3


def test_parse_scores_rejects_out_of_range_and_incomplete() -> None:
    assert parse_scores('{"faithfulness": 5, "relevance": 1}') == {"faithfulness": 5.0, "relevance": 1.0}
    assert parse_scores('{"faithfulness": 7, "relevance": 1}') is None
    assert parse_scores('{"faithfulness": 3}') is None
    assert parse_scores("no json") is None


def test_prompt_file_has_front_matter_and_renders_strictly() -> None:
    prompt = load_judge_prompt(DEFAULT_PROMPT_PATH)
    assert set(prompt.variables) == {"question", "answer", "passages"}
    text = prompt.render(question="Q?", answer="A [1].", passages="[1] doc: text")
    assert "Q?" in text and "$" not in text
    with pytest.raises(CityQAError):
        prompt.render(question="Q?", answer="A")


def test_passages_text_includes_citations_and_sql() -> None:
    result = _results()[0]
    assert "[1] title of " + POLICY_DOC in passages_text(result)


def test_judge_section_in_run_eval_is_separate_from_scores(tmp_path: Path) -> None:
    import json

    from evaluation.cli import run_eval
    from evaluation.clients import InProcessClient

    path = tmp_path / "c.yaml"
    path.write_text("- {id: d1, question: 'Q?', lang: en, category: document}\n", encoding="utf-8")
    model = FakeListChatModel(responses=['{"faithfulness": 5, "relevance": 5}'])
    out = io.StringIO()
    code = run_eval(
        [path],
        InProcessClient(lambda q, u, c: make_answer("A [1].")),
        report_dir=tmp_path / "r",
        judge_model=model,
        console=Console(file=out, width=200),
        progress_console=Console(file=io.StringIO()),
    )
    assert code == 0
    summary = json.loads((tmp_path / "r" / "summary.json").read_text(encoding="utf-8"))
    assert summary["judge"]["faithfulness"] == 5.0
    assert "faithfulness" not in summary["overall"]
    row = json.loads((tmp_path / "r" / "cases.jsonl").read_text(encoding="utf-8"))
    assert row["judge"]["relevance"] == 5.0
    assert "LLM judge" in out.getvalue()
    assert "LLM judge" in (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
