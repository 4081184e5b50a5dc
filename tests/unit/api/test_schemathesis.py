"""The app against its own OpenAPI document: schemathesis runs every check it has on every operation,
in-process over ASGI, the way `st run --checks all` would, and finds nothing.

Checks are configured only where the configuration states a fact of the documented contract: on
`/api/sql`, SQL text that is valid by the schema may still be refused by the guard (422) or stopped by
its time limit (408), as the document says. No check is disabled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.engine.statistic import Statistic

from assistant.api.app import create_app

OPERATIONS = {
    "GET /healthz",
    "GET /readyz",
    "POST /api/chat",
    "POST /api/chat/stream",
    "POST /api/sql",
    "GET /api/sources",
    "GET /api/sources/{source_id}",
    "POST /api/feedback",
    "POST /v1/chat/completions",
    "GET /v1/models",
    "GET /v1/models/{model}",
}
# Per phase (coverage, fuzzing, stateful) and operation; enough to find every hole the API had, and
# quick on the shared 2-core machine.
MAX_EXAMPLES = 60
SEED = 7

# `positive_data_acceptance`'s default statuses, plus what the document says valid-by-schema SQL gets.
SQL_ACCEPTS_VALID_DATA_WITH = ["2xx", "3xx", "401", "403", "404", "408", "409", "422", "429", "5xx"]


@dataclass
class RunResult:
    operations: set[str] = field(default_factory=set)
    cases: int = 0
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def run_every_check(app: FastAPI, headers: dict[str, str] | None = None) -> RunResult:
    contract: dict[str, Any] = {
        "seed": SEED,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
        "operations": [
            {
                "include-method": "POST",
                "include-path": "/api/sql",
                "checks": {"positive_data_acceptance": {"expected-statuses": SQL_ACCEPTS_VALID_DATA_WITH}},
            }
        ],
    }
    if headers:
        contract["headers"] = headers
    schema = schemathesis.openapi.from_asgi(
        "/openapi.json", app, config=SchemathesisConfig.from_dict(contract)
    )
    statistic = Statistic()
    result = RunResult()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            statistic.on_scenario_finished(event.recorder)
        elif isinstance(event, events.NonFatalError):
            result.errors.append(f"{event.label}: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            result.errors.append(f"fatal: {event.exception!r}")
    result.operations = set(statistic.tested_operations)
    result.cases = statistic.total_cases
    result.errors += [f"{statistic.errored_cases} errored case(s)"] if statistic.errored_cases else []
    for label, groups in statistic.failures.items():
        for group in groups.values():
            status = group.response.status_code if group.response is not None else None
            result.failures += [
                f"{label}: {failure.title} (status {status}): {failure.message}" for failure in group.failures
            ]
    return result


@pytest.mark.parametrize(
    "headers",
    [None, {"Authorization": "Bearer demo-personnel-key"}],
    ids=["anonymous-or-generated-credentials", "restricted-clearance-key"],
)
def test_every_check_passes_on_every_operation(stack, headers: dict[str, str] | None) -> None:
    result = run_every_check(create_app(stack.assistant, stack.users, stack.sources), headers)
    assert result.errors == []
    assert result.failures == [], "\n".join(result.failures)
    assert result.operations == OPERATIONS
    assert result.cases >= MAX_EXAMPLES * len(OPERATIONS)
