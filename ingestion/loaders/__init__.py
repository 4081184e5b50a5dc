"""Loaders: one file in, located sources out (`load_file`). Pure functions, no stores.

`load_file_reporting_skips` also returns the parts of the file that were left out (malformed catalog
rows), each with its reason; the pipeline uses it so that nothing is dropped without a word.

Every failure is a CityQAError(INGEST_FAILED) naming the file and the reason, so the pipeline can
list it and move on to the next file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant.models import LoadedSource
from ingestion.loaders.catalog import load_catalog_csv
from ingestion.loaders.catalog_json import load_catalog_json
from ingestion.loaders.common import LoadedFile, SourceDefaults, ingest_failed
from ingestion.loaders.docx import load_docx
from ingestion.loaders.html import load_html
from ingestion.loaders.hwp import load_hwp
from ingestion.loaders.hwpx import load_hwpx
from ingestion.loaders.markdown import load_markdown
from ingestion.loaders.pdf import load_pdf
from ingestion.loaders.text import load_text

__all__ = ["SUPPORTED_SUFFIXES", "LoadedFile", "SourceDefaults", "load_file", "load_file_reporting_skips"]

_Loader = Callable[[Path, Path, SourceDefaults], LoadedFile]


def _one(loader: Callable[[Path, Path, SourceDefaults], LoadedSource]) -> _Loader:
    return lambda path, root, defaults: LoadedFile([loader(path, root, defaults)])


def _many(loader: Callable[[Path, Path, SourceDefaults], list[LoadedSource]]) -> _Loader:
    return lambda path, root, defaults: LoadedFile(loader(path, root, defaults))


_LOADERS: dict[str, _Loader] = {
    ".md": _one(load_markdown),
    ".markdown": _one(load_markdown),
    ".txt": _one(load_text),
    ".html": _one(load_html),
    ".htm": _one(load_html),
    ".pdf": _one(load_pdf),
    ".docx": _one(load_docx),
    ".hwpx": _one(load_hwpx),
    ".hwp": load_hwp,
    ".csv": load_catalog_csv,
    ".json": _many(load_catalog_json),
    ".jsonld": _many(load_catalog_json),
}

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_LOADERS)

_PDF_MAGIC = b"%PDF-"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # HWP 5 is an OLE compound file
_ZIP_MAGIC = b"PK\x03\x04"  # HWPX is a zip package


def load_file(path: Path, root: Path, defaults: SourceDefaults) -> list[LoadedSource]:
    """Load one file into sources with located sections; `root` makes each `Source.origin` relative.

    Raises CityQAError(INGEST_FAILED) for an empty, undecodable, corrupt or unsupported file, a CSV
    that is not a dataset catalog (or has no valid row), or a document from which no text can be
    extracted. Parts left out of a file that loads are not returned: see `load_file_reporting_skips`.
    """
    return load_file_reporting_skips(path, root, defaults).sources


def load_file_reporting_skips(path: Path, root: Path, defaults: SourceDefaults) -> LoadedFile:
    """`load_file`, plus the parts of the file left out (each with its reason)."""
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
    # Exports sometimes arrive with the wrong extension; the content decides.
    if suffix != ".pdf" and data.startswith(_PDF_MAGIC):
        loader = _LOADERS[".pdf"]
    elif suffix == ".hwpx" and data.startswith(_OLE_MAGIC):
        loader = _LOADERS[".hwp"]
    elif suffix == ".hwp" and data.startswith(_ZIP_MAGIC):
        loader = _LOADERS[".hwpx"]
    return loader(path, root, defaults)
