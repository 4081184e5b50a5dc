"""The national catalog: all data.go.kr openData rows and the 2022 file-data catalog on top of the
demo corpus, measured in one run (`make bench-national`; skipped when ../shared/data is absent).

1. Homes. A demo home (`make demo`'s corpus) and a national home: a copy of the demo home into which
   the two national catalogs are ingested by the real `cityqa ingest` path (`ingest_generation`: the
   generation copy, the ingest, the publish), the file-data catalog first (its rows also carry the
   department, keywords and formats the openData export lacks; datasets in both, and the Busan rows
   the demo catalog already has, are indexed once: `ingestion.pipeline`).
2. Ingest vs raw embedding throughput. Ingest: chunks embedded / wall time of the whole
   `ingest_generation` call. Raw: `SentenceTransformer.encode` of the same index texts with the same
   batch size, the same loaded model, in the same process, on an even-stride sample (`--raw-sample`,
   0 = all): half just before the ingest, half just after, so that load on the shared machine hits
   both alike. Also reported: process CPU seconds per chunk for both (a load-independent view).
3. Re-ingest after changing ~1 % of the openData rows (`--change-share`): wall time, chunks embedded.
4. In-process answer latency per category (catalog, document, statistics questions of
   `evaluation/datasets`), interleaved, on the demo home and on the national home.
5. Catalog lead-dataset accuracy: `cityqa eval` of the catalog sets (evaluation/blind/catalog.yaml,
   evaluation/heldout/catalog_fresh.yaml, evaluation/heldout/catalog_round3.yaml,
   evaluation/heldout/catalog_round5.yaml) on each home;
   lead_source_accuracy and answer_accuracy from each report's summary.json.

Writes benchmarks/results/national_catalog.json and .md. `--work DIR` keeps the homes there and
`--reuse` starts from homes already in it (steps 1-2 are then skipped when both exist).
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import (
    DATASETS,
    DEMO_PATHS,
    REPO_ROOT,
    RESULTS_DIR,
    TimedEmbeddings,
    markdown_table,
    offline_environment,
    percentiles,
    print_table,
    say,
)

SHARED_CATALOGS = REPO_ROOT.parent / "shared/data/catalogs"
OPEN_DATA = "datagokr_catalog_openData_full.csv"
FILE_DATA = "datagokr_filedata_catalog_2022.csv"
CATALOG_SETS = [
    REPO_ROOT / "evaluation/blind/catalog.yaml",
    REPO_ROOT / "evaluation/heldout/catalog_fresh.yaml",
    REPO_ROOT / "evaluation/heldout/catalog_round3.yaml",
    REPO_ROOT / "evaluation/heldout/catalog_round5.yaml",
]
CATEGORIES = {"catalog": ("catalog",), "document": ("document",), "statistics": ("sql",)}
WARM_UP = 5


class PhaseLog(logging.Handler):
    """Keeps (seconds since start, logger, message) of the ingestion's log lines (phase timings)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.started = time.perf_counter()
        self.lines: list[tuple[float, str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((time.perf_counter() - self.started, record.name, record.getMessage()))


def listen_to_ingestion() -> PhaseLog:
    handler = PhaseLog()
    for name in ("ingestion", "cityqa.embeddings"):
        target = logging.getLogger(name)
        target.setLevel(logging.DEBUG)
        target.addHandler(handler)
    return handler


def stop_listening(handler: PhaseLog) -> None:
    for name in ("ingestion", "cityqa.embeddings"):
        logging.getLogger(name).removeHandler(handler)


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def ingest_into(home: Path, paths: list[Path], embedder: Any) -> tuple[Any, float, float, PhaseLog]:
    """Ingest `paths` into `home` as `cityqa ingest` does; (outcome, wall s, process CPU s, log)."""
    from assistant.config import Settings
    from ingestion.generations import ingest_generation
    from ingestion.loaders import SourceDefaults

    handler = listen_to_ingestion()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        outcome = ingest_generation(
            Settings(home=home), lambda ingestor: ingestor.ingest(paths, SourceDefaults()), embedder=embedder
        )
    finally:
        stop_listening(handler)
    return outcome, time.perf_counter() - wall, time.process_time() - cpu, handler


def sample_index_texts(catalogs: list[Path], count: int, embedder: Any, home: Path) -> list[str]:
    """The index texts the ingest will embed for an even-stride sample of the rows it will index
    (each dataset once, none the home already has), made by the same code (loader, chunking,
    glossary expansion) before the ingest."""
    from assistant.config import Settings
    from assistant.store_layout import StoreLayout
    from ingestion.factory import build_ingestor
    from ingestion.loaders import SourceDefaults, load_file
    from ingestion.manifest import Manifest

    seen = set(Manifest.load(StoreLayout(home).current().manifest).owners())
    loaded = []
    for path in catalogs:
        for item in load_file(path, path.parent, SourceDefaults()):
            if item.source.source_id not in seen:
                seen.add(item.source.source_id)
                loaded.append(item)
    step = max(1, len(loaded) // count) if count else 1
    sample = loaded[::step][:count] if count else loaded
    with tempfile.TemporaryDirectory(prefix="cityqa-national-sample-") as folder:
        ingestor = build_ingestor(Settings(home=Path(folder)), embedder=embedder)
        chunks = ingestor.with_index_texts(ingestor.chunk_sources(sample))
    return [chunk.index_text for chunk in chunks]


def raw_encode(model: Any, texts: list[str], batch_size: int) -> tuple[float, float]:
    """(wall s, process CPU s) of one `SentenceTransformer.encode` over the texts."""
    wall, cpu = time.perf_counter(), time.process_time()
    model.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
    return time.perf_counter() - wall, time.process_time() - cpu


def change_rows(path: Path, share: float) -> int:
    """Rewrite an openData catalog with the description of every 1/share-th row changed."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    column = header.index("목록설명")
    step = max(1, round(1 / share))
    changed = 0
    for number in range(0, len(body), step):
        body[number][column] = body[number][column] + " (2026-12 개정: 제공 항목 추가)"
        changed += 1
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(body)
    return changed


def phase_summary(log: PhaseLog, total_s: float) -> dict[str, float]:
    """Seconds per phase, read off the ingestion's own log lines."""
    phases: dict[str, float] = {}
    first_embed = next((t for t, _, m in log.lines if m.startswith("embedded ")), None)
    last_embed = max((t for t, _, m in log.lines if m.startswith("embedded ")), default=None)
    for _, _, message in log.lines:
        if message.startswith("copied generation"):
            phases["generation copy"] = float(message.rsplit(" in ", 1)[1].split()[0])
        elif message.startswith("wrote ") and "chunks into both indexes" in message:
            phases["chroma + bm25 writes"] = phases.get("chroma + bm25 writes", 0.0) + float(
                message.rsplit(" in ", 1)[1].split()[0]
            )
        elif message.startswith("saved the keyword index"):
            phases["bm25 build + save, manifest"] = float(message.rsplit(" in ", 1)[1].split()[0])
        elif message.startswith("published generation"):
            phases["publish"] = float(message.rsplit(" in ", 1)[1].split()[0])
    if first_embed is not None and last_embed is not None:
        phases["first to last embedded group"] = last_embed - first_embed
    phases["total"] = total_s
    return phases


def national_ingest(work: Path, demo_home: Path, args: argparse.Namespace) -> dict[str, Any]:
    from assistant.config import Settings
    from assistant.embeddings import embedder_for

    national_home = work / "national_home"
    catalogs_dir = work / "catalogs"
    shutil.rmtree(national_home, ignore_errors=True)
    shutil.copytree(demo_home, national_home)
    catalogs_dir.mkdir(parents=True, exist_ok=True)
    catalogs = [catalogs_dir / FILE_DATA, catalogs_dir / OPEN_DATA]
    for path in catalogs:
        copy_rows(args.catalogs / path.name, path, args.rows)

    settings = Settings(home=national_home)
    embedder = embedder_for(settings.embedding_model, settings.embedding_batch_size, home=national_home)
    timed = TimedEmbeddings(embedder)
    documents: Any = getattr(embedder, "documents", embedder)
    model = documents._loaded_model()  # the SentenceTransformer the ingest embeds with
    say("[national] index texts of the raw-throughput sample ...")
    sample = sample_index_texts(catalogs, args.raw_sample, embedder, national_home)
    half = len(sample) // 2
    model.encode(sample[:8], batch_size=settings.embedding_batch_size)  # warm
    say(f"[national] raw encode of {half} texts (before the ingest) ...")
    before = raw_encode(model, sample[:half], settings.embedding_batch_size)
    load_before = load_average()
    say("[national] ingesting the national catalogs (the real cityqa ingest path) ...")
    outcome, wall, cpu, log = ingest_into(national_home, catalogs, timed)
    load_after = load_average()
    say(f"[national] raw encode of {len(sample) - half} texts (after the ingest) ...")
    after = raw_encode(model, sample[half:], settings.embedding_batch_size)
    raw_wall, raw_cpu = before[0] + after[0], before[1] + after[1]
    embedded = outcome.report.chunks_embedded
    raw_rate = len(sample) / raw_wall
    ingest_rate = embedded / wall
    result: dict[str, Any] = {
        "rows": {"openData": _rows(catalogs[1]), "fileData": _rows(catalogs[0])},
        "indexed": outcome.report.indexed,
        "skipped": outcome.report.skipped,
        "failed": outcome.report.failed,
        "chunks_embedded": embedded,
        "ingest_wall_s": wall,
        "ingest_cpu_s": cpu,
        "embed_s_inside_ingest": timed.seconds,
        "ingest_chunks_per_s": ingest_rate,
        "raw_texts": len(sample),
        "raw_before": {"texts": half, "wall_s": before[0], "cpu_s": before[1]},
        "raw_after": {"texts": len(sample) - half, "wall_s": after[0], "cpu_s": after[1]},
        "raw_chunks_per_s": raw_rate,
        "ratio_wall": ingest_rate / raw_rate,
        "cpu_s_per_chunk": {"ingest": cpu / embedded, "raw": raw_cpu / len(sample)},
        "ratio_cpu": (raw_cpu / len(sample)) / (cpu / embedded),
        "load_average": {"before": load_before, "after": load_after},
        "phases_s": phase_summary(log, wall),
    }
    say(
        f"[national] ingest {ingest_rate:.2f} chunks/s, raw {raw_rate:.2f}/s: "
        f"ratio {result['ratio_wall']:.3f}"
    )

    changed = change_rows(catalogs[1], args.change_share)
    say(f"[national] re-ingest after changing {changed} openData rows ...")
    again, again_wall, again_cpu, again_log = ingest_into(national_home, catalogs, timed)
    result["reingest"] = {
        "rows_changed": changed,
        "chunks_embedded": again.report.chunks_embedded,
        "wall_s": again_wall,
        "cpu_s": again_cpu,
        "phases_s": phase_summary(again_log, again_wall),
        "generation": again.generation,
    }
    return result


def copy_rows(source: Path, destination: Path, rows: int) -> None:
    """Copy a catalog (`rows` > 0: its first `rows` data rows only, for a quick trial run)."""
    if rows <= 0:
        shutil.copy(source, destination)
        return
    with source.open(encoding="utf-8", newline="") as handle:
        kept = [row for _, row in zip(range(rows + 1), csv.reader(handle), strict=False)]
    with destination.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(kept)


def _rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def build_demo_home(home: Path) -> dict[str, Any]:
    from assistant.config import Settings
    from assistant.embeddings import embedder_for

    shutil.rmtree(home, ignore_errors=True)
    settings = Settings(home=home)
    embedder = embedder_for(settings.embedding_model, settings.embedding_batch_size, home=home)
    say("[demo] ingesting the demo corpus ...")
    outcome, wall, _, _ = ingest_into(home, DEMO_PATHS, embedder)
    return {"chunks": outcome.report.chunks_indexed, "wall_s": wall}


def latency_questions(per_category: int) -> list[tuple[str, str]]:
    """`per_category` questions of each category (cycled), interleaved category by category."""
    import itertools

    from evaluation.cases import load_cases

    cases = load_cases([DATASETS])
    lists = {
        name: list(
            itertools.islice(
                itertools.cycle([c.question for c in cases if c.category in wanted]), per_category
            )
        )
        for name, wanted in CATEGORIES.items()
    }
    return [(name, lists[name][number]) for number in range(per_category) for name in lists]


def measure_latency(home: Path, questions: list[tuple[str, str]]) -> dict[str, Any]:
    from assistant.config import Settings
    from assistant.factory import build_assistant, warm_up
    from assistant.users import ANONYMOUS

    assistant = build_assistant(Settings(home=home))
    warm_up(assistant)
    for _, question in questions[:WARM_UP]:
        assistant.answer(question, ANONYMOUS)
    timings: dict[str, list[float]] = {name: [] for name in CATEGORIES}
    for name, question in questions:
        started = time.perf_counter()
        assistant.answer(question, ANONYMOUS)
        timings[name].append((time.perf_counter() - started) * 1000)
    return {name: percentiles(values) for name, values in timings.items()}


def catalog_accuracy(home: Path, report_dir: Path) -> dict[str, Any]:
    """`cityqa eval` of the catalog sets, all together and each alone; the two accuracies of each."""
    env = {**os.environ, "CITYQA_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    env.setdefault("CITYQA_API_KEYS_FILE", str(REPO_ROOT / "data/demo/api_keys.toml"))
    cityqa = str(Path(sys.executable).with_name("cityqa"))
    runs = {"all": CATALOG_SETS, **{path.stem: [path] for path in CATALOG_SETS}}
    scores: dict[str, Any] = {}
    for name, files in runs.items():
        folder = report_dir / name.replace(" ", "_")
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run(
            [cityqa, "eval", *map(str, files), "--report", str(folder)],
            env=env,
            cwd=REPO_ROOT,
            check=False,
            stdout=subprocess.DEVNULL,
        )
        overall = json.loads((folder / "summary.json").read_text("utf-8"))["overall"]
        scores[name] = {
            "cases": overall.get("cases"),
            "lead_source_accuracy": overall.get("lead_source_accuracy"),
            "answer_accuracy": overall.get("answer_accuracy"),
        }
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--catalogs", type=Path, default=SHARED_CATALOGS, help="folder of the two catalogs")
    parser.add_argument("--work", type=Path, help="folder for the homes (kept); default: a temporary one")
    parser.add_argument("--reuse", action="store_true", help="use the homes already in --work")
    parser.add_argument("--raw-sample", type=int, default=2048, help="texts of the raw pass (0 = all)")
    parser.add_argument("--change-share", type=float, default=0.01, help="share of openData rows changed")
    parser.add_argument("--questions", type=int, default=40, help="timed questions per category")
    parser.add_argument("--rows", type=int, default=0, help="first N rows of each catalog only (trial runs)")
    parser.add_argument("--skip-eval", action="store_true", help="leave out the catalog accuracy step")
    args = parser.parse_args(argv)
    offline_environment()
    missing = [name for name in (OPEN_DATA, FILE_DATA) if not (args.catalogs / name).is_file()]
    if missing:
        say(f"national catalog benchmark skipped: {', '.join(missing)} not found in {args.catalogs}")
        return 0
    work = args.work or Path(tempfile.mkdtemp(prefix="cityqa-national-"))
    work.mkdir(parents=True, exist_ok=True)
    demo_home, national_home = work / "demo_home", work / "national_home"
    results: dict[str, Any] = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "cpus": os.cpu_count()}
    earlier = RESULTS_DIR / "national_catalog.json"
    if args.reuse and earlier.is_file():
        # steps skipped on reused homes (and a skipped eval) keep the numbers of the run that made them
        kept = json.loads(earlier.read_text("utf-8"))
        results.update({key: kept[key] for key in ("demo", "ingest", "catalog_accuracy") if key in kept})
        results["homes_built"] = kept.get("homes_built", kept.get("started"))
    try:
        if not (args.reuse and (demo_home / "stores").is_dir()):
            results["demo"] = build_demo_home(demo_home)
        if not (args.reuse and (national_home / "stores").is_dir()):
            results["ingest"] = national_ingest(work, demo_home, args)
        say("[latency] answering on the demo home and on the national home ...")
        questions = latency_questions(args.questions)
        results["latency_ms"] = {
            "demo": measure_latency(demo_home, questions),
            "national": measure_latency(national_home, questions),
        }
        if not args.skip_eval:
            say("[accuracy] cityqa eval of the catalog sets on both homes ...")
            results["catalog_accuracy"] = {
                "demo": catalog_accuracy(demo_home, work / "reports" / "demo"),
                "national": catalog_accuracy(national_home, work / "reports" / "national"),
            }
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    write_results(results)
    return 0


def write_results(results: dict[str, Any]) -> None:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "national_catalog.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    sections: list[str] = [f"# National catalog ({results['started']} - {results['finished']})"]
    if "homes_built" in results:
        sections.append(f"Homes and ingest numbers from the run of {results['homes_built']} (`--reuse`).")
    ingest = results.get("ingest")
    if ingest:
        rows = [
            [
                "ingest (whole `ingest_generation`)",
                ingest["chunks_embedded"],
                ingest["ingest_wall_s"],
                ingest["ingest_chunks_per_s"],
                ingest["cpu_s_per_chunk"]["ingest"],
            ],
            [
                "raw `SentenceTransformer.encode`",
                ingest["raw_texts"],
                ingest["raw_before"]["wall_s"] + ingest["raw_after"]["wall_s"],
                ingest["raw_chunks_per_s"],
                ingest["cpu_s_per_chunk"]["raw"],
            ],
        ]
        headers = ["", "chunks", "wall s", "chunks/s", "CPU s/chunk"]
        sections.append(markdown_table(headers, rows))
        sections.append(
            f"ratio ingest/raw: wall {ingest['ratio_wall']:.3f}, CPU {ingest['ratio_cpu']:.3f}; "
            f"load average {ingest['load_average']}"
        )
        sections.append(markdown_table(["phase", "s"], list(ingest["phases_s"].items())))
        again = ingest["reingest"]
        sections.append(
            markdown_table(
                ["re-ingest", "rows changed", "chunks embedded", "wall s"],
                [["openData file changed", again["rows_changed"], again["chunks_embedded"], again["wall_s"]]],
            )
        )
        sections.append(markdown_table(["phase", "s"], list(again["phases_s"].items())))
        print_table("national ingest", headers, rows)
    latency = results.get("latency_ms", {})
    rows = [
        [home, category, values["n"], values["p50"], values["p95"]]
        for home, by_category in latency.items()
        for category, values in by_category.items()
    ]
    if rows:
        sections.append(markdown_table(["home", "category", "n", "p50 ms", "p95 ms"], rows))
        print_table("answer latency", ["home", "category", "n", "p50 ms", "p95 ms"], rows)
    accuracy = results.get("catalog_accuracy", {})
    rows = [
        [home, name, values["cases"], values["lead_source_accuracy"], values["answer_accuracy"]]
        for home, runs in accuracy.items()
        for name, values in runs.items()
    ]
    if rows:
        headers = ["home", "case files", "cases", "lead_source_accuracy", "answer_accuracy"]
        sections.append(markdown_table(headers, rows))
        print_table("catalog accuracy", headers, rows)
    (RESULTS_DIR / "national_catalog.md").write_text("\n\n".join(sections) + "\n", encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
