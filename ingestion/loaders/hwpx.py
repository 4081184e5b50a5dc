"""HWPX documents (Hancom Office's zipped OWPML XML): sections and headings via `owpml`.

Read with python-hwpx (Apache-2.0, pure Python on lxml, released every few weeks): it opens the
package through its container and manifest, guards against zip bombs, and models the header's
paragraph shapes and styles that mark headings. Reading the XML with zipfile + ElementTree here
would repeat that work for no gain; python-hwpx also reads HWP 5 into the same model (`hwp.py`).
"""

from __future__ import annotations

import logging
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lxml import etree

from assistant.models import LoadedSource
from ingestion.loaders.common import SourceDefaults, ingest_failed
from ingestion.loaders.owpml import document_title, hancom_document_source, section_blocks

_MANIFEST = "META-INF/manifest.xml"
# What zipfile raises on a damaged archive or member, beside the OSError and ValueError family.
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)


def load_hwpx(path: Path, root: Path, defaults: SourceDefaults) -> LoadedSource:
    # Imported here: python-hwpx takes about half a second to import, paid only when a file needs it.
    from hwpx import HwpxDocument, HwpxError
    from hwpx.opc.package import HwpxPackageError
    from hwpx.opc.security import HwpxSecurityError

    _refuse_encrypted(path)
    with quiet_hwpx_logs():
        try:
            with HwpxDocument.open(path) as document:
                title = document_title(document)
                blocks = section_blocks(document)
        except _ZIP_ERRORS as error:
            if not zipfile.is_zipfile(path):
                reason = "corrupt or unreadable HWPX (not a zip package: damaged, or under document DRM)"
            else:
                reason = f"corrupt or unreadable HWPX (damaged zip package: {error or type(error).__name__})"
            raise ingest_failed(path, reason) from error
        except etree.XMLSyntaxError as error:
            raise ingest_failed(path, f"corrupt or unreadable HWPX (malformed XML: {error.msg})") from error
        except (HwpxError, HwpxPackageError, HwpxSecurityError, KeyError, ValueError) as error:
            raise ingest_failed(path, f"corrupt or unreadable HWPX ({error})") from error
    return hancom_document_source(path, root, defaults, title, blocks)


def _refuse_encrypted(path: Path) -> None:
    """Hancom saves a password-protected HWPX with ODF package encryption, declared in the manifest."""
    try:
        with zipfile.ZipFile(path) as archive:
            if _MANIFEST not in archive.namelist():
                return
            with archive.open(_MANIFEST) as manifest:
                declared = manifest.read(1_000_000)
    except (*_ZIP_ERRORS, OSError, KeyError, ValueError):
        return  # opening the document gives the reason
    if b"encryption-data" in declared:
        raise ingest_failed(
            path, "the HWPX document is password-protected (remove the password in Hancom Office)"
        )


@contextmanager
def quiet_hwpx_logs() -> Iterator[None]:
    """python-hwpx logs a traceback for each part it cannot parse; the INGEST_FAILED line is the report."""
    hwpx_logger = logging.getLogger("hwpx")
    previous_level = hwpx_logger.level
    hwpx_logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        hwpx_logger.setLevel(previous_level)
