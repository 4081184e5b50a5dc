"""A stand-in for `cityqa` in the admin API's ingest jobs: the job runner's seam is the command it
runs, so tests give it this one instead of `cityqa` (no model loaded, a run of a fraction of a second).

It plays `cityqa ingest --job-id J … -- PATH` by the path's name, reporting through the real
`JobProgressWriter` into the job (CITYQA_HOME from the environment the runner passes): `ok.md`
succeeds (3 chunks), `broken.md` has a failed file (exit 2), `missing.md` fails with the CLI's error
line (wrapped, as rich wraps it), `slow.md` waits a minute (to be cancelled or stopped). The first
line on stderr is `argv: <its arguments as JSON>`.
"""

from __future__ import annotations

import sys

FAKE_CITYQA = r"""
import json, sys, time
from dataclasses import dataclass, field
from assistant.config import Settings
from assistant.ingest_job_progress import JobProgressWriter
from ingestion.report import IngestReport

@dataclass(frozen=True)
class Progress:
    files_total: int
    files_done: int
    current_file: str | None
    chunks_indexed: int
    outcomes: dict = field(default_factory=dict)
    report: IngestReport | None = None

arguments = sys.argv[1:]
print("argv:", json.dumps(arguments), file=sys.stderr, flush=True)
job_id, path = arguments[arguments.index("--job-id") + 1], arguments[-1]
name = path.rsplit("/", 1)[-1]
writer = JobProgressWriter.for_job(Settings().state_path, job_id)
writer(Progress(1, 0, None, 0))
if name == "slow.md":
    time.sleep(60)
if name == "missing.md":
    print("error: not_found: nothing to ingest: no ingestible", file=sys.stderr)
    print("files in /srv/city/missing.md", file=sys.stderr)
    sys.exit(1)
report = IngestReport(indexed=[(path, 3)])
if name == "broken.md":
    report = IngestReport(failed=[(path, "cannot read the PDF")])
writer(Progress(1, 1, path, report.chunks_indexed, {"indexed": len(report.indexed)}, report))
sys.exit(2 if report.failed else 0)
"""

FAKE_CITYQA_COMMAND = [sys.executable, "-c", FAKE_CITYQA]
