"""`make bench-chroma-server`: embedded Chroma against a `chroma run` server, side by side in one run.

1. A real `chroma run --path <tmp> --host 127.0.0.1 --port <free>` (tests/chroma_server.py starts it).
2. The demo corpus (`data/demo/catalogs documents tables`) is embedded once with the packaged MiniLM
   into a scratch home (that time is reported on its own); every text's vector is kept, so the two
   timed ingests that follow, one into an embedded home and one into a home whose CITYQA_CHROMA_URL
   names the server, store the same vectors and embed nothing: what differs is the vector store.
   Both run through `ingest_generation`, as `cityqa ingest` does.
3. A second ingest into each home (one new document): a new generation, which copies the served
   one's vectors (files on disk for embedded Chroma are never copied: both copy through the API).
4. Every question of evaluation/datasets (dev and SQL cases, none that continues a conversation),
   answered by the factory-built assistant of each home with the real model, interleaved (embedded,
   server, then server, embedded, ...) so that load on the machine falls on both alike: p50/p95 of
   the whole answer and of the dense search alone, and how many answers differ (expected: none).

Prints the tables and writes benchmarks/results/chroma_server.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import yaml
from langchain_core.embeddings import Embeddings

from benchmarks.common import (
    DATASETS,
    DEMO_PATHS,
    REPO_ROOT,
    RESULTS_DIR,
    jsonable,
    markdown_table,
    new_progress,
    offline_environment,
    percentiles,
    print_table,
    say,
)

NEW_DOCUMENT = """# 드론 촬영 허가 지침

시청 옥상에서 드론을 띄우려면 촬영 7일 전까지 총무과에 허가를 신청해야 한다.

Drone flights from the city hall roof need a permit requested seven days before the flight.
"""
ANSWER_FIELDS = {"answer", "citations", "sql", "confidence", "suggestions", "retrieved_source_ids"}


class KeptEmbeddings(Embeddings):
    """The real model, each text embedded once and its vector kept; `seconds` is the model's time."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.kept: dict[str, list[float]] = {}
        self.seconds = 0.0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        missing = [text for text in dict.fromkeys(texts) if text not in self.kept]
        if missing:
            started = time.perf_counter()
            self.kept.update(zip(missing, self.inner.embed_documents(missing), strict=True))
            self.seconds += time.perf_counter() - started
        return [self.kept[text] for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def questions(limit: int) -> list[tuple[str, str]]:
    picked: list[tuple[str, str]] = []
    for name in ("dev_cases.yaml", "sql_cases.yaml"):
        for case in yaml.safe_load((DATASETS / name).read_text(encoding="utf-8")):
            if not case.get("conversation"):
                picked.append((case["question"], case.get("user", "anonymous")))
    return picked[:limit] if limit else picked


def timed_ingest(settings: Any, paths: list[Path], embedder: KeptEmbeddings) -> dict[str, Any]:
    from ingestion.generations import ingest_generation
    from ingestion.loaders import SourceDefaults

    model_before = embedder.seconds
    started = time.perf_counter()
    outcome = ingest_generation(
        settings, lambda ingestor: ingestor.ingest(paths, SourceDefaults()), embedder=embedder
    )
    seconds = time.perf_counter() - started
    model = embedder.seconds - model_before
    return {
        "seconds": seconds,
        "model_seconds": model,
        "without_model_seconds": seconds - model,
        "chunks": outcome.report.chunks_indexed,
        "failed": len(outcome.report.failed),
        "generation": outcome.generation,
    }


def run(work: Path, limit: int, progress: Any) -> dict[str, Any]:
    from assistant.config import Settings
    from assistant.embeddings import PACKAGED_MINILM, embedder_for
    from assistant.factory import build_assistant, build_user_directory, open_stores, warm_up
    from tests.chroma_server import start_chroma_server

    server = start_chroma_server(work / "chroma")
    say(f"chroma run answered its heartbeat after {server.start_seconds:.1f} s at {server.url}")
    try:
        keys = REPO_ROOT / "data/demo/api_keys.toml"
        homes = {
            "embedded": Settings(_env_file=None, home=work / "embedded", api_keys_file=keys),  # type: ignore[call-arg]
            "server": Settings(  # type: ignore[call-arg]
                _env_file=None, home=work / "server", chroma_url=server.url, api_keys_file=keys
            ),
        }
        embedder = KeptEmbeddings(embedder_for(PACKAGED_MINILM, 64))
        say("embedding the demo corpus once with MiniLM (a scratch home) ...")
        scratch = Settings(_env_file=None, home=work / "scratch")  # type: ignore[call-arg]
        prime = timed_ingest(scratch, DEMO_PATHS, embedder)
        ingest: dict[str, Any] = {"embedding (MiniLM, once)": prime}
        for name, settings in homes.items():
            say(f"ingesting the demo corpus into the {name} home ...")
            ingest[name] = timed_ingest(settings, DEMO_PATHS, embedder)
        more = work / "more"
        more.mkdir()
        (more / "drone_permits.md").write_text(NEW_DOCUMENT, encoding="utf-8")
        generation = {}
        for name, settings in homes.items():
            say(f"a second ingest (new generation) into the {name} home ...")
            generation[name] = timed_ingest(settings, [more], embedder)

        asked = questions(limit)
        sides: dict[str, Any] = {}
        for name, settings in homes.items():
            stores = open_stores(settings)
            assistant = build_assistant(settings, stores, embedder=embedder)
            warm_up(assistant)
            sides[name] = (stores, assistant, build_user_directory(settings))
        times: dict[str, dict[str, list[float]]] = {name: {"answer": [], "search": []} for name in homes}
        differ: list[str] = []
        task = progress.add_task("questions", total=len(asked))
        for number, (question, key) in enumerate(asked):
            order = list(homes) if number % 2 == 0 else list(reversed(homes))
            answers = {}
            for name in order:
                stores, assistant, users = sides[name]
                user = users.authenticate(None if key == "anonymous" else key)
                vector = embedder.embed_query(question)
                started = time.perf_counter()
                stores.vector_store.search(vector, 40, user)
                times[name]["search"].append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                answer = assistant.answer(question, user)
                times[name]["answer"].append((time.perf_counter() - started) * 1000)
                answers[name] = answer.model_dump(include=ANSWER_FIELDS)
            if answers["embedded"] != answers["server"]:
                differ.append(question)
            progress.advance(task)
        for stores, _, _ in sides.values():
            stores.close()
    finally:
        server.stop()
    return {
        "chroma_server_start_seconds": server.start_seconds,
        "ingest": ingest,
        "new_generation": generation,
        "questions": len(asked),
        "answers_that_differ": differ,
        "latency_ms": {
            name: {kind: percentiles(values) for kind, values in kinds.items()}
            for name, kinds in times.items()
        },
    }


def tables(result: dict[str, Any]) -> list[tuple[str, list[str], list[list[Any]]]]:
    ingest_rows = [
        [name, row["chunks"], row["seconds"], row["model_seconds"], row["without_model_seconds"]]
        for name, row in result["ingest"].items()
    ]
    generation_rows = [
        [name, row["generation"], row["chunks"], row["seconds"]]
        for name, row in result["new_generation"].items()
    ]
    latency = result["latency_ms"]
    latency_rows = [
        [kind, latency["embedded"][kind]["p50"], latency["server"][kind]["p50"]]
        + [latency["embedded"][kind]["p95"], latency["server"][kind]["p95"]]
        + [latency["server"][kind]["p50"] / max(latency["embedded"][kind]["p50"], 1e-9)]
        for kind in ("search", "answer")
    ]
    return [
        (
            "Ingest of the demo corpus (s)",
            ["home", "chunks", "wall", "of which the model", "without the model"],
            ingest_rows,
        ),
        (
            "A second ingest: one new document, a new generation (s)",
            ["home", "gen", "chunks", "wall"],
            generation_rows,
        ),
        (
            f"Latency over {result['questions']} questions (ms); answers that differ: "
            f"{len(result['answers_that_differ'])}",
            ["", "embedded p50", "server p50", "embedded p95", "server p95", "p50 server/embedded"],
            latency_rows,
        ),
    ]


def git_commit() -> tuple[str, bool]:
    def git(*arguments: str) -> str:
        return subprocess.run(
            ["git", *arguments], cwd=REPO_ROOT, capture_output=True, text=True
        ).stdout.strip()

    return git("rev-parse", "HEAD") or "unknown", bool(git("status", "--porcelain"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--questions", type=int, default=0, help="at most N questions (0 = all)")
    args = parser.parse_args(argv)
    offline_environment()
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    commit, dirty = git_commit()
    meta: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "dirty": dirty,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "chromadb": version("chromadb"),
        "load_average_at_start": os.getloadavg(),
    }
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cityqa-bench-chroma-") as tmp, new_progress() as progress:
        result = run(Path(tmp), args.questions, progress)
    meta["total_seconds"] = time.perf_counter() - started
    meta["load_average_at_end"] = os.getloadavg()
    result = {"meta": meta, **result}
    lines = [f"# Chroma server vs embedded ({meta['started']}, chromadb {meta['chromadb']})", ""]
    for title, headers, rows in tables(result):
        print_table(title, headers, rows)
        lines += [f"## {title}", "", markdown_table(headers, rows), ""]
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "chroma_server.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False, default=jsonable) + "\n", encoding="utf-8"
    )
    (RESULTS_DIR / "chroma_server.md").write_text("\n".join(lines), encoding="utf-8")
    say(f"wrote {RESULTS_DIR / 'chroma_server'}.json and .md in {meta['total_seconds']:.0f} s")


if __name__ == "__main__":
    main()
