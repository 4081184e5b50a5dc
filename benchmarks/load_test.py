"""`make bench-load`: a real `cityqa serve --workers N` on 127.0.0.1 under mixed load.

1. A demo home: `cityqa ingest data/demo/catalogs data/demo/documents data/demo/tables` into a
   temporary CITYQA_HOME, or an ingested home given with `--home`.
2. `cityqa serve --workers N` (default 2) on a free port over it, rate limit off
   (CITYQA_RATE_LIMIT_PER_MINUTE=0), the demo API keys (`benchmarks/served.py`); the load starts once
   `/readyz` answers 200 and every worker has logged the end of its warm-up.
3. `--requests` (default 10,000) requests at `--concurrency` (default 16) with httpx: questions to
   `/api/chat` from `evaluation/datasets` (statistics, document and catalog questions, Korean and
   English, the permission cases with their API keys), follow-ups sent in the conversation their
   first question began, `/api/sql` (the cases' gold SQL), `/api/sources`, `/api/sources/{id}`,
   `/healthz` and `/metrics`; 30% of them with a demo API key. A response other than 2xx, or none,
   is an error.
4. The RSS of the server's processes (the supervisor and each worker, from /proc) every
   `--rss-interval` seconds during the load: memory is flat when the median of the last quarter of
   the samples is close to the median of the first quarter.
5. `/metrics` after the load: the chat answers it counts (added up over the workers) against the
   answers received; the server's log: lines by level, workers restarted.
6. The rate limit: a second server (same home and workers, 60 a minute, 5 at once) gets 40
   `/api/sql` requests from one key, one after the other on one connection (so one worker's
   buckets): some must be 429 `rate_limited` with `Retry-After`, and another key is still answered.

Prints the tables and writes benchmarks/results/load.json (every number, the RSS series) and
load.md (the tables). Exits 1 on an error, a follow-up whose conversation was lost, a count
/metrics missed or a rate limit that did not answer 429; never on a timing. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.common import (
    DATASETS,
    REPO_ROOT,
    RESULTS_DIR,
    is_terminal,
    markdown_table,
    new_progress,
    offline_environment,
    print_table,
    say,
)
from benchmarks.served import DEMO_KEYS_FILE, ProcessSampler, ingest_demo_home, running_server

# Shares of the requests, by what they ask (follow-ups: a conversation of 2-3 questions).
MIX = {
    "chat": 0.55,
    "follow-up": 0.10,
    "sql": 0.10,
    "sources": 0.07,
    "source": 0.03,
    "healthz": 0.10,
    "metrics": 0.05,
}
API_KEY_SHARE = 0.3  # requests that carry a demo API key (besides the cases that name their user)
CHAT_CATEGORIES = {
    "sql": "statistics",
    "document": "document",
    "catalog": "catalog",
    "permission": "document",
}
RATE_LIMIT = {"per_minute": 60, "burst": 5, "requests": 40}


# -- what is sent ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request: `kind` names it in the report; `follows` chains it to the previous call's
    conversation (a follow-up)."""

    kind: str
    method: str
    path: str
    body: dict[str, Any] | None = None
    api_key: str | None = None
    language: str | None = None
    follows: bool = False


@dataclass
class Outcome:
    kind: str
    language: str | None
    status: int  # 0: no response (a transport error)
    milliseconds: float
    detail: str = ""
    continued: bool | None = None  # a follow-up: was its conversation continued?


def demo_api_keys(path: Path = DEMO_KEYS_FILE) -> list[str]:
    return sorted(tomllib.loads(path.read_text(encoding="utf-8"))["keys"])


def plan_requests(
    total: int, source_ids: Sequence[str], api_keys: Sequence[str], seed: int
) -> list[list[Call]]:
    """About `total` requests in a shuffled order, as sequences: one call, or the questions of one
    conversation (sent one after the other, each with the conversation id of the answer before)."""
    from evaluation.cases import load_cases

    cases = load_cases([DATASETS])
    chosen = random.Random(seed)

    def key() -> str | None:
        return chosen.choice(api_keys) if chosen.random() < API_KEY_SHARE else None

    questions = [case for case in cases if case.category in CHAT_CATEGORIES and not case.conversation]
    conversations = [case for case in cases if case.conversation]
    gold_sql = sorted({case.expect.gold_sql for case in cases if case.expect.gold_sql})

    def chat(case: Any) -> list[Call]:
        api_key = case.user if case.user != "anonymous" else key()
        kind = f"chat {CHAT_CATEGORIES[case.category]}"
        return [Call(kind, "POST", "/api/chat", {"question": case.question}, api_key, case.lang)]

    def follow_up(case: Any) -> list[Call]:
        api_key = key()
        kind = f"chat {CHAT_CATEGORIES.get(case.category, case.category)}"
        calls = [Call(kind, "POST", "/api/chat", {"question": case.conversation[0]}, api_key, case.lang)]
        for question in [*case.conversation[1:], case.question]:
            calls.append(
                Call("chat follow-up", "POST", "/api/chat", {"question": question}, api_key, case.lang, True)
            )
        return calls

    makers = {
        "chat": lambda: chat(chosen.choice(questions)),
        "follow-up": lambda: follow_up(chosen.choice(conversations)),
        "sql": lambda: [Call("sql", "POST", "/api/sql", {"sql": chosen.choice(gold_sql)}, key())],
        "sources": lambda: [
            Call("sources", "GET", chosen.choice(["/api/sources", "/api/sources?kind=table"]), None, key())
        ],
        "source": lambda: [Call("source", "GET", f"/api/sources/{chosen.choice(source_ids)}", None, key())],
        "healthz": lambda: [Call("healthz", "GET", "/healthz")],
        "metrics": lambda: [Call("metrics", "GET", "/metrics")],
    }
    plan: list[list[Call]] = []
    planned = 0
    kinds, weights = list(MIX), list(MIX.values())
    while planned < total:
        calls = makers[chosen.choices(kinds, weights)[0]]()[: total - planned]
        plan.append(calls)
        planned += len(calls)
    return plan


async def send_plan(
    url: str, plan: list[list[Call]], concurrency: int, keep_alive: bool = False, progress: Any = None
) -> list[Outcome]:
    """Send the plan, `concurrency` sequences at a time, over at most `concurrency` connections. A
    sequence is one client's visit: its last request asks the server to close the connection
    (`Connection: close`), unless `keep_alive`. (uvicorn's workers share one listening socket and a
    worker accepts every connection waiting when it wakes: connections opened at once, and kept,
    may all be served by one worker.)"""
    import httpx

    outcomes: list[Outcome] = []
    sequences = iter(plan)
    task = progress.add_task("load", total=sum(len(calls) for calls in plan)) if progress else None
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:

        async def one(call: Call, conversation_id: str | None, last: bool) -> tuple[Outcome, str | None]:
            headers = {"authorization": f"Bearer {call.api_key}"} if call.api_key else {}
            if last and not keep_alive:
                headers["connection"] = "close"
            body = dict(call.body or {})
            if call.follows:
                body["conversation_id"] = conversation_id
            started = time.perf_counter()
            try:
                response = await client.request(
                    call.method, call.path, json=body if call.body else None, headers=headers
                )
                content = response.content
            except httpx.HTTPError as error:
                milliseconds = (time.perf_counter() - started) * 1000
                return Outcome(
                    call.kind, call.language, 0, milliseconds, f"{type(error).__name__}: {error}"
                ), None
            milliseconds = (time.perf_counter() - started) * 1000
            outcome = Outcome(call.kind, call.language, response.status_code, milliseconds)
            if not response.is_success:
                outcome.detail = content[:300].decode("utf-8", "replace")
                return outcome, None
            answered_in = json.loads(content).get("conversation_id") if call.path == "/api/chat" else None
            if call.follows:
                outcome.continued = answered_in == conversation_id
            return outcome, answered_in

        async def worker() -> None:
            for calls in sequences:  # one shared iterator: each sequence is taken by one worker
                conversation_id: str | None = None
                for number, call in enumerate(calls, start=1):
                    outcome, conversation_id = await one(call, conversation_id, number == len(calls))
                    outcomes.append(outcome)
                    if progress:
                        progress.advance(task)
                    if not is_terminal() and len(outcomes) % 1000 == 0:
                        say(f"[load] {len(outcomes)} requests answered")

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return outcomes


# -- the numbers -------------------------------------------------------------------------------------


def latency_summary(values: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99 from statistics.quantiles(n=100, method='inclusive'), mean and max, in ms."""
    if len(values) < 2:
        only = float(values[0]) if values else 0.0
        return {"p50": only, "p95": only, "p99": only, "mean": only, "max": only}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {
        "p50": cuts[49],
        "p95": cuts[94],
        "p99": cuts[98],
        "mean": statistics.fmean(values),
        "max": max(values),
    }


def summarize(outcomes: list[Outcome], seconds: float) -> dict[str, Any]:
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_kind[outcome.kind].append(outcome)
    errors = [outcome for outcome in outcomes if not 200 <= outcome.status < 300]
    chats = [o for o in outcomes if o.kind.startswith("chat") and 200 <= o.status < 300]
    follow_ups = [o for o in outcomes if o.continued is not None]
    languages: dict[str, list[float]] = defaultdict(list)
    for outcome in chats:
        languages[outcome.language or "?"].append(outcome.milliseconds)
    return {
        "requests": len(outcomes),
        "errors": len(errors),
        "error_statuses": dict(sorted(Counter(str(o.status) for o in errors).items())),
        "error_samples": [{"kind": o.kind, "status": o.status, "detail": o.detail} for o in errors[:10]],
        "seconds": seconds,
        "requests_per_second": len(outcomes) / seconds,
        "answers": len(chats),
        "answers_per_second": len(chats) / seconds,
        "follow_ups": len(follow_ups),
        "follow_ups_continued": sum(bool(o.continued) for o in follow_ups),
        "kinds": {
            kind: {"n": len(group), "errors": sum(not 200 <= o.status < 300 for o in group)}
            | latency_summary([o.milliseconds for o in group])
            for kind, group in sorted(by_kind.items())
        },
        "chat_by_language": {
            language: {"n": len(values)} | latency_summary(values)
            for language, values in sorted(languages.items())
        },
    }


def metrics_check(url: str, answers: int) -> dict[str, Any]:
    """The chat answers `/metrics` counts (over every worker) against those the load received."""
    import httpx
    from prometheus_client.parser import text_string_to_metric_families

    text = httpx.get(f"{url}/metrics", timeout=30).text
    counted: dict[str, float] = defaultdict(float)
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "cityqa_http_requests_total":
                counted[f"{sample.labels['route']} {sample.labels['status']}"] += sample.value
    return {"chat_200_counted": counted["/api/chat 200"], "chat_200_received": answers}


def rate_limit_phase(home: Path, work: Path, workers: int, api_keys: Sequence[str]) -> dict[str, Any]:
    """One key sends `RATE_LIMIT["requests"]` requests to /api/sql one after the other, on a server
    limited to RATE_LIMIT; then a second key sends one."""
    import httpx

    limited_key, other_key = api_keys[0], api_keys[1]
    sql = {"sql": "SELECT total_population FROM population_by_district_2025 WHERE district = '해운대구'"}
    settings = {
        "rate_limit_per_minute": str(RATE_LIMIT["per_minute"]),
        "rate_limit_burst": str(RATE_LIMIT["burst"]),
    }
    with running_server(home, work, "rate-limit-server", workers, **settings) as server:
        server.wait("/healthz")
        with httpx.Client(base_url=server.url, timeout=60) as client:
            started = time.perf_counter()
            responses = [
                client.post("/api/sql", json=sql, headers={"authorization": f"Bearer {limited_key}"})
                for _ in range(RATE_LIMIT["requests"])
            ]
            seconds = time.perf_counter() - started
            other = client.post("/api/sql", json=sql, headers={"authorization": f"Bearer {other_key}"})
    limited = [response for response in responses if response.status_code == 429]
    retry_after = [response.headers.get("retry-after") for response in limited]
    return {
        "limit": RATE_LIMIT,
        "workers": workers,
        "seconds": seconds,
        "statuses": dict(sorted(Counter(str(response.status_code) for response in responses).items())),
        "limited": len(limited),
        "retry_after_values": sorted(set(map(str, retry_after))),
        "every_429_has_retry_after": all(
            value is not None and value.isdigit() and int(value) >= 1 for value in retry_after
        ),
        "every_429_is_rate_limited": all(
            response.json().get("error_code") == "rate_limited" for response in limited
        ),
        "other_key_status": other.status_code,
        "unexpected_statuses": sorted({r.status_code for r in responses} - {200, 429}),
    }


# -- the run -----------------------------------------------------------------------------------------


def git_commit() -> dict[str, Any]:
    def git(*arguments: str) -> str:
        return subprocess.run(
            ["git", *arguments], cwd=REPO_ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes": bool(git("status", "--porcelain")),
    }


def machine() -> dict[str, Any]:
    memory = next(
        (
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        ),
        None,
    )
    return {
        "cpus": os.cpu_count(),
        "memory_mb": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": os.getloadavg(),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    import httpx

    results: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        **git_commit(),
        "machine": machine(),
        "settings": {
            key: str(value) if isinstance(value, Path) else value for key, value in vars(args).items()
        },
    }
    api_keys = demo_api_keys()
    with tempfile.TemporaryDirectory(prefix="cityqa-load-") as tmp:
        work = Path(tmp)
        home = args.home or work / "home"
        if args.home is None:
            results["ingest_seconds"] = ingest_demo_home(home, work / "ingest.log")
        with running_server(home, work, "server", args.workers, rate_limit_per_minute="0") as server:
            say(f"[serve] cityqa serve --workers {args.workers} at {server.url}: waiting for the warm-ups")
            try:
                results["startup"] = {"seconds_to_ready": server.wait("/readyz", warm_workers=args.workers)}
                listed = httpx.get(f"{server.url}/api/sources", timeout=60).json()
                source_ids = [source["source_id"] for source in listed if source["kind"] != "catalog"]
                plan = plan_requests(args.requests, source_ids, api_keys, args.seed)
                say(f"[load] {args.requests} requests at {args.concurrency}-way concurrency ...")
                with (
                    ProcessSampler(server.process.pid, args.rss_interval) as sampler,
                    new_progress() as progress,
                ):
                    started = time.perf_counter()
                    outcomes = asyncio.run(
                        send_plan(server.url, plan, args.concurrency, args.keep_alive, progress)
                    )
                    seconds = time.perf_counter() - started
                results["load"] = summarize(outcomes, seconds)
                results["memory"] = sampler.summary()
                results["metrics"] = metrics_check(server.url, results["load"]["answers"])
                results["server_log"] = server.log_summary()
            except Exception:
                say(f"[serve] the server's log: {server.log}")
                print(server.log.read_text(encoding="utf-8", errors="replace")[-4000:], file=sys.stderr)
                raise
        say("[rate limit] a second server, 60 a minute and 5 at once per key ...")
        results["rate_limit"] = rate_limit_phase(home, work, args.workers, api_keys)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    results["problems"] = problems(results)
    return results


def print_result(results: dict[str, Any]) -> None:
    load, memory = results["load"], results["memory"]
    print_table("Load: latency per request kind (ms)", KIND_HEADERS, kind_rows(load))
    print_table("Load: chat latency per language (ms)", LANGUAGE_HEADERS, language_rows(load))
    print_table("Load: the server's processes", MEMORY_HEADERS, memory_rows(memory))
    say(
        f"{load['requests']} requests in {load['seconds']:.0f} s ({load['requests_per_second']:.1f}/s), "
        f"errors {load['errors']}, answers {load['answers']} ({load['answers_per_second']:.2f}/s), "
        f"follow-ups continued {load['follow_ups_continued']}/{load['follow_ups']}; /metrics counted "
        f"{results['metrics']['chat_200_counted']:.0f} chat answers; "
        f"rate limit phase: {results['rate_limit']['statuses']}"
    )


KIND_HEADERS = ["kind", "n", "errors", "p50", "p95", "p99", "mean", "max"]
LANGUAGE_HEADERS = ["language", "n", "p50", "p95", "p99", "mean", "max"]
MEMORY_HEADERS = [
    "process",
    "role",
    "RSS first-quarter median MB",
    "last-quarter median MB",
    "last / first",
    "max MB",
    "CPU s during the load",
]


def kind_rows(load: dict[str, Any]) -> list[list[Any]]:
    return [
        [kind, s["n"], s["errors"], s["p50"], s["p95"], s["p99"], s["mean"], s["max"]]
        for kind, s in load["kinds"].items()
    ]


def language_rows(load: dict[str, Any]) -> list[list[Any]]:
    return [
        [language, s["n"], s["p50"], s["p95"], s["p99"], s["mean"], s["max"]]
        for language, s in load["chat_by_language"].items()
    ]


def memory_rows(memory: dict[str, Any]) -> list[list[Any]]:
    def row(name: str, role: str, s: dict[str, float]) -> list[Any]:
        return [
            name,
            role,
            s["first_quarter_median_mb"],
            s["last_quarter_median_mb"],
            s["last_over_first"],
            s["max_mb"],
            s.get("cpu_seconds", ""),
        ]

    rows = [row(pid, s["role"], s) for pid, s in memory["processes"].items()]
    return [*rows, row("all", "", memory["total"])]


def markdown(results: dict[str, Any]) -> str:
    """The tables of the run, for BENCHMARKS.md."""
    return "\n\n".join(
        [
            markdown_table(KIND_HEADERS, kind_rows(results["load"])),
            markdown_table(LANGUAGE_HEADERS, language_rows(results["load"])),
            markdown_table(MEMORY_HEADERS, memory_rows(results["memory"])),
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=2, help="cityqa serve --workers")
    parser.add_argument("--requests", type=int, default=10_000, help="requests of the load")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight at once")
    parser.add_argument(
        "--home",
        type=Path,
        default=None,
        help="an ingested CITYQA_HOME to use (default: ingest the demo corpus into a temporary one)",
    )
    parser.add_argument(
        "--keep-alive",
        action="store_true",
        help="keep the connections open (default: each sequence of requests ends its connection)",
    )
    parser.add_argument("--rss-interval", type=float, default=3.0, help="seconds between RSS samples")
    parser.add_argument("--seed", type=int, default=11, help="seed of the request mix")
    parser.add_argument(
        "--output", type=Path, default=RESULTS_DIR / "load.json", help="where to write the results"
    )
    args = parser.parse_args(argv)
    offline_environment()
    results = run(args)
    print_result(results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (args.output.with_suffix(".md")).write_text(markdown(results) + "\n", encoding="utf-8")
    say(f"wrote {args.output} and {args.output.with_suffix('.md').name}")
    if results["problems"]:
        say("problems: " + "; ".join(results["problems"]))
        raise SystemExit(1)


def problems(results: dict[str, Any]) -> list[str]:
    """What makes the run fail (timings never do)."""
    load, metrics, limited = results["load"], results["metrics"], results["rate_limit"]
    checks = {
        f"{load['errors']} errors": load["errors"] == 0,
        f"follow-ups continued {load['follow_ups_continued']}/{load['follow_ups']}": (
            load["follow_ups_continued"] == load["follow_ups"]
        ),
        f"/metrics counted {metrics['chat_200_counted']} answers of {metrics['chat_200_received']}": (
            metrics["chat_200_counted"] == metrics["chat_200_received"]
        ),
        f"workers restarted: {results['server_log']['worker_restarts']}": (
            results["server_log"]["worker_restarts"] == 0
        ),
        "the rate limit phase got no 429": limited["limited"] > 0,
        "a 429 without Retry-After": limited["every_429_has_retry_after"],
        "a 429 that is not rate_limited": limited["every_429_is_rate_limited"],
        f"rate limit phase: statuses {limited['unexpected_statuses']}": not limited["unexpected_statuses"],
        f"rate limit phase: the other key got {limited['other_key_status']}": limited["other_key_status"]
        == 200,
    }
    return [problem for problem, passed in checks.items() if not passed]


if __name__ == "__main__":
    main()
