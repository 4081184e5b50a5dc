"""A file copy of a generation's embedded Chroma folder that no process ever opens, so the next
ingest can start from its files instead of copying every vector through Chroma's API.

Why not copy the served folder itself: servers reading an embedded Chroma write to its files (its
SQLite database, and the HNSW files when they apply the write log), so a file copy of a folder in
use could be torn. The snapshot is taken by the writer, under the ingest lock, after it closed its
own client and before the generation is published: no other process has opened the folder yet and
none will ever open the snapshot. `chroma.snapshot/` sits in the generation's folder (removed with
it); only the served generation keeps one. A snapshot is used only when complete (a marker file
written last); otherwise, and with a Chroma server, the ingest copies through the API as before.

Measured on the national catalog (74k chunks; BENCHMARKS.md "National catalog"): the API copy
re-inserts every vector into a new HNSW graph; the file copy is bounded by disk speed.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from assistant.store_layout import StoreLayout, StorePaths

logger = logging.getLogger(__name__)

SNAPSHOT_DIR = "chroma.snapshot"
_COMPLETE = "cityqa-snapshot-complete"


def snapshot_path(paths: StorePaths) -> Path:
    return paths.root / SNAPSHOT_DIR


def take_chroma_snapshot(paths: StorePaths) -> None:
    """Copy the (closed, not yet published) generation's Chroma folder into its snapshot."""
    if not paths.chroma.is_dir():
        return
    snapshot = snapshot_path(paths)
    temporary = snapshot.with_name(SNAPSHOT_DIR + ".tmp")
    shutil.rmtree(temporary, ignore_errors=True)
    shutil.rmtree(snapshot, ignore_errors=True)
    shutil.copytree(paths.chroma, temporary)
    (temporary / _COMPLETE).write_text("complete\n", encoding="ascii")
    temporary.rename(snapshot)  # flushed to disk with the rest of the generation when it is published


def restore_chroma_snapshot(base: StorePaths, target: StorePaths) -> bool:
    """Fill `target`'s Chroma folder from `base`'s snapshot; False when `base` has no complete one."""
    snapshot = snapshot_path(base)
    if not (snapshot / _COMPLETE).is_file():
        return False
    shutil.rmtree(target.chroma, ignore_errors=True)
    shutil.copytree(snapshot, target.chroma, ignore=shutil.ignore_patterns(_COMPLETE))
    return True


def remove_other_snapshots(layout: StoreLayout) -> None:
    """Keep the served generation's snapshot only (the others are never copied from again)."""
    current = layout.current_name()
    for name in layout.generation_names():
        if name != current:
            paths = layout.paths_of(name)
            shutil.rmtree(snapshot_path(paths), ignore_errors=True)
            shutil.rmtree(paths.root / (SNAPSHOT_DIR + ".tmp"), ignore_errors=True)
