"""Running cases: ask each case (after its earlier conversation turns), get gold rows, score it.

One failing case never stops the run: an error from the client becomes a failed case with its reason.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, Field
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from assistant.errors import CityQAError
from assistant.models import Answer

from .cases import Case
from .clients import AnswerClient
from .scoring import CaseResult, score_case

logger = logging.getLogger(__name__)

GoldExecutor = Callable[[str], list[list[Any]]]


class RunResult(BaseModel):
    started: str
    finished: str = ""
    client: str = "custom"
    url: str | None = None
    case_files: list[str] = Field(default_factory=list)
    results: list[CaseResult] = Field(default_factory=list)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def gold_rows_for(case: Case, gold_executor: GoldExecutor | None) -> tuple[list[list[Any]] | None, str]:
    """The case's gold rows: ``gold_rows`` if given, else ``gold_sql`` run by the executor.
    Returns (None, reason) when no gold is available."""
    if case.expect.gold_rows is not None:
        return case.expect.gold_rows, "gold_rows"
    if not case.expect.gold_sql:
        return None, "no gold"
    if gold_executor is None:
        return None, "gold_sql needs a warehouse (not available for this client); add gold_rows"
    try:
        return [list(row) for row in gold_executor(case.expect.gold_sql)], "gold_sql"
    except Exception as exc:  # a broken gold query must not stop the run
        logger.warning("gold SQL of case %s failed", case.id, exc_info=True)
        return None, f"gold_sql failed: {type(exc).__name__}: {exc}"


def ask_case(client: AnswerClient, case: Case) -> tuple[Answer | None, float, str | None, str | None]:
    """Ask the earlier turns then the question. Returns (answer, wall ms of the last ask, error, code)."""
    conversation_id: str | None = None
    question = case.question
    started = time.perf_counter()
    try:
        for earlier in case.conversation:
            question = earlier
            conversation_id = client.ask(earlier, case.user, conversation_id).conversation_id
        question = case.question
        started = time.perf_counter()
        answer = client.ask(case.question, case.user, conversation_id)
    except CityQAError as exc:
        where = "" if question == case.question else f" (earlier turn {question!r})"
        return (
            None,
            (time.perf_counter() - started) * 1000,
            f"{exc.code.value}: {exc.detail}{where}",
            exc.code.value,
        )
    except Exception as exc:  # any crash of the system under test is a failed case
        logger.exception("case %s crashed", case.id)
        return (
            None,
            (time.perf_counter() - started) * 1000,
            f"internal: {type(exc).__name__}: {exc}",
            "internal",
        )
    return answer, (time.perf_counter() - started) * 1000, None, None


def run_case(
    client: AnswerClient,
    case: Case,
    *,
    gold_executor: GoldExecutor | None = None,
    known_source_ids: set[str] | None = None,
) -> CaseResult:
    answer, wall_ms, error, code = ask_case(client, case)
    latency = answer.timings_ms.get("total", wall_ms) if answer is not None else wall_ms
    gold, note = gold_rows_for(case, gold_executor)
    return score_case(
        case,
        answer,
        latency_ms=float(latency),
        gold_rows=gold,
        gold_note=note,
        error=error,
        error_code=code,
        known_source_ids=known_source_ids,
    )


def run_cases(
    cases: Sequence[Case],
    client: AnswerClient,
    *,
    gold_executor: GoldExecutor | None = None,
    known_source_ids: set[str] | None = None,
    console: Console | None = None,
) -> RunResult:
    """Run every case in order with a progress bar (shown only on a terminal)."""
    console = console or Console(stderr=True)
    run = RunResult(
        started=_now(),
        client=getattr(client, "kind", "custom"),
        url=getattr(client, "url", None),
        case_files=sorted({c.source_file for c in cases if c.source_file}),
    )
    columns = (
        TextColumn("[bold]eval"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=console, disable=not console.is_terminal, transient=True) as progress:
        task = progress.add_task("", total=len(cases))
        for case in cases:
            progress.update(task, description=case.id)
            run.results.append(
                run_case(client, case, gold_executor=gold_executor, known_source_ids=known_source_ids)
            )
            progress.advance(task)
    run.finished = _now()
    return run


run_runner = run_cases
