"""Ingestion throughput with the real settings-built ingestor, beside raw embedding throughput."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from benchmarks.common import TimedEmbeddings, say


def measure_ingest(label: str, paths: list[Path], home: Path, raw_sample: int) -> dict[str, Any]:
    """Ingest `paths` into a fresh `home` with build_ingestor(Settings(home=home)); then embed the
    indexed chunks' index_text again with the same (already loaded) model, in batches of 64.

    `raw_sample` caps how many chunks the raw pass embeds (an even stride over all chunks; 0 = all)."""
    from assistant.config import Settings
    from assistant.store_layout import StoreLayout
    from assistant.stores.keyword_index import BM25KeywordIndex
    from ingestion.factory import build_ingestor
    from ingestion.loaders import SourceDefaults

    settings = Settings(home=home)
    ingestor = build_ingestor(settings)
    timed = TimedEmbeddings(ingestor.stores.embedder)
    ingestor.stores.embedder = timed  # same model object; we only count time spent in it
    say(f"[{label}] ingesting {', '.join(p.name for p in paths)} into {home} ...")
    started = time.perf_counter()
    report = ingestor.ingest(paths, SourceDefaults())
    ingest_seconds = time.perf_counter() - started
    chunks = report.chunks_indexed
    say(f"[{label}] {chunks} chunks in {ingest_seconds:.1f} s; failed files: {len(report.failed)}")

    index = BM25KeywordIndex.open(StoreLayout(settings.home).current().keyword_index)
    texts = [chunk.index_text for chunk in index.chunks()]
    if raw_sample and len(texts) > raw_sample:
        stride = len(texts) / raw_sample
        texts = [texts[int(i * stride)] for i in range(raw_sample)]
    batch = settings.embedding_batch_size
    say(f"[{label}] raw embedding of {len(texts)} chunk texts (batch {batch}) ...")
    started = time.perf_counter()
    for start in range(0, len(texts), batch):
        timed.inner.embed_documents(texts[start : start + batch])
    raw_seconds = time.perf_counter() - started
    ingest_rate = chunks / ingest_seconds if ingest_seconds else 0.0
    raw_rate = len(texts) / raw_seconds if raw_seconds else 0.0
    return {
        "label": label,
        "model": settings.embedding_model,
        "files_indexed": len(report.indexed),
        "files_failed": len(report.failed),
        "chunks": chunks,
        "ingest_seconds": ingest_seconds,
        "ingest_chunks_per_s": ingest_rate,
        "embed_seconds_during_ingest": timed.seconds,
        "embed_chunks_per_s_during_ingest": timed.rate,
        "embed_share_of_ingest": timed.seconds / ingest_seconds if ingest_seconds else 0.0,
        "raw_embed_chunks": len(texts),
        "raw_embed_seconds": raw_seconds,
        "raw_embed_chunks_per_s": raw_rate,
        "ratio_ingest_over_raw": ingest_rate / raw_rate if raw_rate else 0.0,
    }


HEADERS = [
    "corpus",
    "chunks",
    "ingest s",
    "ingest chunks/s",
    "raw embed chunks/s (n)",
    "ingest / raw",
    "embed share of ingest",
    "embed chunks/s inside ingest",
]


def rows(results: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            r["label"],
            r["chunks"],
            r["ingest_seconds"],
            r["ingest_chunks_per_s"],
            f"{r['raw_embed_chunks_per_s']:.1f} ({r['raw_embed_chunks']})",
            r["ratio_ingest_over_raw"],
            f"{100 * r['embed_share_of_ingest']:.0f}%",
            r["embed_chunks_per_s_during_ingest"],
        ]
        for r in results
    ]
