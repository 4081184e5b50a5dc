"""`make bench`: ingestion throughput, in-process query latency and retrieval options, in one run.

Writes benchmarks/results/latest.json and latest.md. Timings on a shared 2-core machine are noisy:
read the ratios measured side by side in the same run, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import ingestion_throughput, query_latency, retrieval_options
from benchmarks.common import (
    DEMO_PATHS,
    KR_LAWS_PATH,
    RESULTS_DIR,
    jsonable,
    markdown_table,
    new_progress,
    offline_environment,
    print_table,
    say,
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=200, help="timed questions (split evenly by kind)")
    parser.add_argument(
        "--raw-sample",
        type=int,
        default=768,
        help="chunks embedded in the raw-embedding pass (even stride; 0 = all)",
    )
    parser.add_argument(
        "--catalog-distractors",
        type=int,
        default=300,
        help="retrieval options: catalog rows besides the expected ones (-1 = all)",
    )
    args = parser.parse_args(argv)
    offline_environment()
    started = time.perf_counter()
    results: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": os.getloadavg(),
        },
        "settings": vars(args),
    }
    with tempfile.TemporaryDirectory(prefix="cityqa-bench-") as tmp, new_progress() as progress:
        work = Path(tmp)
        steps = progress.add_task("cityqa bench", total=4)
        ingestion = [
            ingestion_throughput.measure_ingest("demo corpus", DEMO_PATHS, work / "demo", args.raw_sample)
        ]
        progress.advance(steps)
        if KR_LAWS_PATH.exists():
            ingestion.append(
                ingestion_throughput.measure_ingest(
                    "Korean statutes (kr_laws)", [KR_LAWS_PATH], work / "kr_laws", args.raw_sample
                )
            )
        else:
            say(f"[ingest] {KR_LAWS_PATH} not found: skipping the Korean statute measurement")
        results["ingestion"] = ingestion
        results["kr_laws_skipped"] = not KR_LAWS_PATH.exists()
        progress.advance(steps)
        results["latency"] = query_latency.measure_latency(work / "demo", args.questions, progress)
        progress.advance(steps)
        results["retrieval"] = retrieval_options.run_options(
            work / "options", args.catalog_distractors, demo_home=work / "demo", progress=progress
        )
        progress.advance(steps)
    results["total_seconds"] = time.perf_counter() - started
    results["machine"]["load_average_at_end"] = os.getloadavg()

    print_table("Ingestion throughput", ingestion_throughput.HEADERS, ingestion_throughput.rows(ingestion))
    print_table("Query latency (in-process)", query_latency.HEADERS, query_latency.rows(results["latency"]))
    retrieval_options.print_result(results["retrieval"])
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "latest.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False, default=jsonable) + "\n", encoding="utf-8"
    )
    (RESULTS_DIR / "latest.md").write_text(markdown(results) + "\n", encoding="utf-8")
    say(f"wrote {RESULTS_DIR / 'latest.json'} and latest.md in {results['total_seconds']:.0f} s")


def markdown(results: dict[str, Any]) -> str:
    machine = results["machine"]
    lines = [
        "# cityqa benchmark results",
        "",
        f"Run {results['started']} · {machine['cpus']} CPUs · Python {machine['python']} · "
        f"load average at start {machine['load_average_at_start'][0]:.1f}, at end "
        f"{machine['load_average_at_end'][0]:.1f} · total {results['total_seconds']:.0f} s",
        "",
        "## Ingestion throughput",
        "",
        "Real settings-built ingestor (MiniLM) into a fresh temporary home; raw embedding = the same "
        "loaded model re-embedding the indexed chunks' index_text in batches of 64 (an even-stride sample "
        f"of at most {results['settings']['raw_sample']} chunks). Embed share = time inside embed_documents "
        "during ingest / ingest wall time.",
        "",
        markdown_table(ingestion_throughput.HEADERS, ingestion_throughput.rows(results["ingestion"])),
    ]
    if results["kr_laws_skipped"]:
        lines += ["", "Korean statutes skipped: ../shared/data/documents/kr_laws not found."]
    latency = results["latency"]
    lines += [
        "",
        "## Query latency (in-process)",
        "",
        f"`build_assistant(settings).answer(question, ANONYMOUS)` on the demo home, after "
        f"{latency['warm_up']} warm-up questions, kinds interleaved. Method: {latency['method']}.",
        "",
        markdown_table(query_latency.HEADERS, query_latency.rows(latency)),
        "",
        "## Retrieval options",
        "",
        retrieval_options.markdown(results["retrieval"]),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
