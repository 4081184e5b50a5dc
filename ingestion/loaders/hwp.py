"""HWP 5 documents (Hancom's binary format): an OLE compound file whose BodyText/SectionN streams hold
zlib-compressed paragraph records. Sections and headings as for HWPX (`owpml`).

python-hwpx reads the compound file and converts DocInfo and the section records into its OWPML
model, so both Hancom formats share one reader (and one test of headings, tables and sections). It
names the protection that stops it (password, distribution copy, DRM) and counts what it could not
convert. Compared on the same files: pyhwp's last release is from 2020; gethwp, extract-hwp and
hwp-hwpx-parser (olefile + zlib) return text without outline levels, styles or sections; unhwp (Rust)
has them only in an informal JSON dump; rhwp's wheel does not load here (it needs a newer FreeType).
Without python-hwpx the fallback would be olefile + zlib and the HWPTAG_PARA_TEXT records by hand.

HWP 3 (Hangul 97 and older) is another format and cannot be read.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from ingestion.loaders.common import LoadedFile, SourceDefaults, ingest_failed
from ingestion.loaders.hwpx import quiet_hwpx_logs
from ingestion.loaders.owpml import document_title, hancom_document_source, section_blocks

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HWP3_MAGIC = b"HWP Document File V3"

_PROTECTION_REASONS = {
    "hwp5-password": "the HWP document is password-protected (remove the password in Hancom Office)",
    "hwp5-distribution": "the HWP document is a distribution copy (배포용 문서): its text is encrypted",
    "hwp5-drm": "the HWP document is DRM-protected: its text is encrypted",
}


def load_hwp(path: Path, root: Path, defaults: SourceDefaults) -> LoadedFile:
    from hwpx import Hwp5ConversionWarning, Hwp5Error, HwpxDocument, HwpxError  # slow to import: see hwpx.py

    with path.open("rb") as file:
        head = file.read(32)
    if head.startswith(_HWP3_MAGIC):
        raise ingest_failed(path, "HWP 3 (Hangul 97 or older) cannot be read: save it as HWPX in Hancom")
    if not head.startswith(_OLE_MAGIC):
        reason = "not an HWP 5 file (no OLE compound file header; a file under document DRM needs decrypting)"
        raise ingest_failed(path, reason)
    with quiet_hwpx_logs(), warnings.catch_warnings():
        # What the conversion leaves out is reported below, as the file's skipped parts.
        warnings.simplefilter("ignore", Hwp5ConversionWarning)
        try:
            with HwpxDocument.open(path) as document:
                title = document_title(document)
                blocks = section_blocks(document)
                report = document.conversion_report
        except Hwp5Error as error:
            reason = _PROTECTION_REASONS.get(error.code, f"corrupt or unreadable HWP ({error.message})")
            raise ingest_failed(path, reason) from error
        except (HwpxError, KeyError, ValueError) as error:
            raise ingest_failed(path, f"corrupt or unreadable HWP ({error})") from error
    skipped = []
    if report is not None and report.unconverted:
        kinds = ", ".join(f"{kind} ×{count}" for kind, count in sorted(report.unconverted.items()))
        skipped.append(f"HWP content not read (python-hwpx cannot convert it yet): {kinds}")
    return LoadedFile([hancom_document_source(path, root, defaults, title, blocks)], skipped)
