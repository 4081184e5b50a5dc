"""What an ingest run did with every file it was given.

Each file the run found is indexed, unchanged or failed (with a reason). `skipped` lists, with a
reason, what was not ingested on purpose: files and folders the walk leaves out (see
`ingestion.discovery`) and parts left out of a file that was indexed (malformed catalog rows), so
one file can appear both as indexed and as skipped.

Paths are `str(path)`: a name that is not UTF-8 keeps its surrogate escapes so it maps back to the
file; show it with `ingestion.file_names.readable_name`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class IngestReport:
    indexed: list[tuple[str, int]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    # (path, reason): not ingested on purpose, or a part of an indexed file that was left out
    skipped: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    # (data file, card drafted for it and written beside it for review)
    drafted: list[tuple[str, str]] = field(default_factory=list)
    # chunks embedded by this run; the other chunks of indexed files kept their stored vectors
    chunks_embedded: int = 0

    @property
    def chunks_indexed(self) -> int:
        return sum(count for _, count in self.indexed)

    @property
    def found_nothing(self) -> bool:
        """No file was even tried: the paths held nothing to ingest (empty folders, only skipped files)."""
        return not (self.indexed or self.unchanged or self.failed)
