"""The app against its own OpenAPI document: schemathesis runs every check it has on every operation,
in-process over ASGI, the way `st run --checks all` would, and finds nothing.

Checks are configured only where the configuration states a fact of the documented contract: on
`/api/sql`, SQL text that is valid by the schema may still be refused by the guard (422) or stopped by
its time limit (408), as the document says. No check is disabled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.engine.statistic import Statistic

from assistant.api.admin import IngestAdmin
from assistant.api.app import create_app
from assistant.ingest_jobs import IngestJobStore

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
    "POST /api/admin/ingest",
    "GET /api/admin/ingest",
    "GET /api/admin/ingest/{job_id}",
    "POST /api/admin/ingest/{job_id}/cancel",
}
# Per phase (coverage, fuzzing, stateful) and operation; enough to find every hole the API had, and
# quick on the shared 2-core machine.
MAX_EXAMPLES = 60
SEED = 7

# `positive_data_acceptance`'s default statuses, plus what the document says valid-by-schema SQL gets.
SQL_ACCEPTS_VALID_DATA_WITH = ["2xx", "3xx", "401", "403", "404", "408", "409", "422", "429", "5xx"]
# ... and what it says a valid-by-schema path outside (or not in) the ingest roots gets.
INGEST_ACCEPTS_VALID_DATA_WITH = ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]


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
            # `include-name`: one operation ("include-method" and "include-path" in one entry select
            # the operations that match either).
            {
                "include-name": "POST /api/sql",
                "checks": {"positive_data_acceptance": {"expected-statuses": SQL_ACCEPTS_VALID_DATA_WITH}},
            },
            {
                "include-name": "POST /api/admin/ingest",
                "checks": {
                    "positive_data_acceptance": {"expected-statuses": INGEST_ACCEPTS_VALID_DATA_WITH}
                },
            },
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
    [None, {"Authorization": "Bearer demo-personnel-key"}, {"Authorization": "Bearer demo-internal-key"}],
    ids=["anonymous-or-generated-credentials", "restricted-clearance-key", "admin-key"],
)
def test_every_check_passes_on_every_operation(
    stack, tmp_path: Path, headers: dict[str, str] | None
) -> None:
    """The admin routes over an ingest root holding one document (jobs stay queued: no runner)."""
    root = tmp_path / "ingest_root"
    root.mkdir()
    (root / "policy.md").write_text("# Policy\n\nA short policy.\n", encoding="utf-8")
    admin = IngestAdmin([root], IngestJobStore(tmp_path / "state.sqlite3"))
    result = run_every_check(
        create_app(stack.assistant, stack.users, stack.sources, ingest_admin=admin), headers
    )
    assert result.errors == []
    assert result.failures == [], "\n".join(result.failures)
    assert result.operations == OPERATIONS
    assert result.cases >= MAX_EXAMPLES * len(OPERATIONS)
