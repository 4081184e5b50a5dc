"""PDF documents: one section per page, located as "p. N"."""

from __future__ import annotations

import logging
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from assistant.models import LoadedSource, Section
from ingestion.loaders.common import SourceDefaults, document_source, ingest_failed
from ingestion.loaders.metadata import DocumentMetadata, read_sidecar


def load_pdf(path: Path, root: Path, defaults: SourceDefaults) -> LoadedSource:
    title, pages = _read_pages(path)
    sections = [
        Section(text=text, locator=f"p. {number}")
        for number, text in enumerate(pages, start=1)
        if text.strip()
    ]
    if not sections:
        raise ingest_failed(path, "no text extracted from the PDF (a scanned document needs OCR first)")
    metadata = DocumentMetadata().overridden_by(read_sidecar(path))
    return document_source(path, root, defaults, metadata, sections, title)


def _read_pages(path: Path) -> tuple[str | None, list[str]]:
    # pypdf logs every repair it attempts on a damaged file; one INGEST_FAILED line is the report we want.
    pypdf_logger = logging.getLogger("pypdf")
    previous_level = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR)
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ingest_failed(path, "the PDF is encrypted with a password")
        title = reader.metadata.title if reader.metadata else None
        pages = [_normalise(page.extract_text() or "") for page in reader.pages]
    except PyPdfError as error:
        raise ingest_failed(path, f"corrupt or unreadable PDF ({error})") from error
    except (ValueError, KeyError, TypeError, OSError) as error:  # pypdf raises these on damaged files too
        raise ingest_failed(path, f"corrupt or unreadable PDF ({type(error).__name__}: {error})") from error
    finally:
        pypdf_logger.setLevel(previous_level)
    return (title.strip() if isinstance(title, str) and title.strip() else None), pages


def _normalise(text: str) -> str:
    """Keep line breaks (they carry paragraph structure) but drop trailing blanks and empty runs."""
    lines = [line.rstrip() for line in text.splitlines()]
    return "\n".join(lines).strip()
