"""Loaders: one file in, located sources out (`load_file`). Pure functions, no stores.

Every failure is a CityQAError(INGEST_FAILED) naming the file and the reason, so the pipeline can
list it and move on to the next file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant.models import LoadedSource
from ingestion.loaders.catalog import load_catalog_csv
from ingestion.loaders.catalog_json import load_catalog_json
from ingestion.loaders.common import SourceDefaults, ingest_failed
from ingestion.loaders.docx import load_docx
from ingestion.loaders.html import load_html
from ingestion.loaders.markdown import load_markdown
from ingestion.loaders.pdf import load_pdf
from ingestion.loaders.text import load_text

__all__ = ["SUPPORTED_SUFFIXES", "SourceDefaults", "load_file"]

_Loader = Callable[[Path, Path, SourceDefaults], list[LoadedSource]]


def _one(loader: Callable[[Path, Path, SourceDefaults], LoadedSource]) -> _Loader:
    return lambda path, root, defaults: [loader(path, root, defaults)]


_LOADERS: dict[str, _Loader] = {
    ".md": _one(load_markdown),
    ".markdown": _one(load_markdown),
    ".txt": _one(load_text),
    ".html": _one(load_html),
    ".htm": _one(load_html),
    ".pdf": _one(load_pdf),
    ".docx": _one(load_docx),
    ".csv": load_catalog_csv,
    ".json": load_catalog_json,
    ".jsonld": load_catalog_json,
}

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_LOADERS)

_PDF_MAGIC = b"%PDF-"


def load_file(path: Path, root: Path, defaults: SourceDefaults) -> list[LoadedSource]:
    """Load one file into sources with located sections; `root` makes each `Source.origin` relative.

    Raises CityQAError(INGEST_FAILED) for an empty, undecodable, corrupt or unsupported file, a CSV
    that is not a dataset catalog, or a document from which no text can be extracted.
    """
    suffix = path.suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        supported = " ".join(sorted(SUPPORTED_SUFFIXES))
        raise ingest_failed(path, f"unsupported file type {suffix or '(none)'!r} (supported: {supported})")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ingest_failed(path, f"cannot read the file ({error.strerror})") from error
    if not data.strip():
        raise ingest_failed(path, "the file is empty")
    if suffix != ".pdf" and data.startswith(_PDF_MAGIC):
        # Exports sometimes arrive with the wrong extension; the content decides.
        loader = _LOADERS[".pdf"]
    return loader(path, root, defaults)
