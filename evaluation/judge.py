"""Optional LLM-as-judge: faithfulness and relevance (1–5) of each answer, averaged over several runs.

Reported in a separate ``judge`` section; never mixed into the deterministic scores.

The prompt is ``prompts/judge_faithfulness.md`` (front matter: name, version, variables), loaded and
rendered by `assistant.prompts` (a missing or extra variable raises).
"""

from __future__ import annotations

import json
import logging
import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage

from assistant.errors import CityQAError, ErrorCode
from assistant.llm import reply_text
from assistant.prompts import PROMPTS_DIR, Prompt, parse_prompt

from . import metrics
from .scoring import CaseResult

logger = logging.getLogger(__name__)

DEFAULT_PROMPT_PATH = PROMPTS_DIR / "judge_faithfulness.md"
_JSON_OBJECT = re.compile(r"\{.*?\}", re.DOTALL)
CRITERIA = ("faithfulness", "relevance")


def load_judge_prompt(path: Path = DEFAULT_PROMPT_PATH) -> Prompt:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CityQAError(ErrorCode.INVALID_CONFIG, f"cannot read prompt {path}: {exc}") from exc
    return parse_prompt(text, path.name)


def passages_text(result: CaseResult) -> str:
    """What the assistant was given, as the judge sees it: cited passages and the SQL result."""
    parts = [
        f"[{c.n}] {c.title}{f' ({c.locator})' if c.locator else ''}: {c.snippet}" for c in result.citations
    ]
    if result.sql is not None:
        rows = "\n".join(" | ".join(str(v) for v in row) for row in result.sql.rows[:20])
        parts.append(f"SQL: {result.sql.query}\nColumns: {' | '.join(result.sql.columns)}\n{rows}")
    return "\n\n".join(parts) or "(none)"


def parse_scores(text: str) -> dict[str, float] | None:
    """Scores from the model's reply: the first JSON object holding both criteria as 1–5 numbers."""
    for candidate in _JSON_OBJECT.findall(text):
        try:
            data = json.loads(candidate)
        except ValueError:
            continue
        if not isinstance(data, dict):
            continue
        try:
            scores = {name: float(data[name]) for name in CRITERIA}
        except (KeyError, TypeError, ValueError):
            continue
        if all(1 <= value <= 5 for value in scores.values()):
            return scores
    return None


def judge_answers(
    results: Sequence[CaseResult],
    chat_model: BaseChatModel,
    runs: int = 3,
    *,
    prompt_path: Path = DEFAULT_PROMPT_PATH,
) -> dict[str, Any]:
    """Judge every answered, non-refused case ``runs`` times; return the ``judge`` summary section
    with per-case means (``per_case``), means by category and overall. Unparseable replies are
    counted in ``unparsed_runs``, calls that failed (timeout, server down) in ``failed_runs``; both
    are left out of the means, so one slow reply of a local model does not lose a whole run."""
    prompt = load_judge_prompt(prompt_path)
    per_case: dict[str, dict[str, Any]] = {}
    unparsed = failed = 0
    for result in results:
        if result.answer is None or result.refused:
            continue
        text = prompt.render(question=result.question, answer=result.answer, passages=passages_text(result))
        collected: list[dict[str, float]] = []
        for _ in range(runs):
            try:
                reply = chat_model.invoke([HumanMessage(content=text)])
            except Exception as exc:  # any failure of the judge's server is counted, not raised
                logger.warning("judge call for case %s failed: %s: %s", result.id, type(exc).__name__, exc)
                failed += 1
                continue
            scores = parse_scores(reply_text(reply.content))
            if scores is None:
                unparsed += 1
            else:
                collected.append(scores)
        if collected:
            entry: dict[str, Any] = {name: metrics.mean([s[name] for s in collected]) for name in CRITERIA}
            entry.update(runs=len(collected), category=result.category)
            per_case[result.id] = entry
    by_category: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case_scores in per_case.values():
        by_category[case_scores["category"]].append(case_scores)
    return {
        "prompt": prompt.label,
        "model": type(chat_model).__name__,
        "runs": runs,
        "cases_judged": len(per_case),
        "unparsed_runs": unparsed,
        "failed_runs": failed,
        **{name: metrics.mean([s[name] for s in per_case.values()]) for name in CRITERIA},
        "by_category": {
            category: {
                "cases": len(rows),
                **{name: metrics.mean([r[name] for r in rows]) for name in CRITERIA},
            }
            for category, rows in sorted(by_category.items())
        },
        "per_case": per_case,
    }
