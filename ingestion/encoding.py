"""Decode text files the way Korean public data actually arrives: UTF-8, UTF-8 with a BOM, or cp949.

Order matters. Strict UTF-8 first because it almost never decodes non-UTF-8 bytes by accident; then
strict cp949 (a superset of EUC-KR), the encoding of most data.go.kr and AirKorea exports; only then
charset-normalizer, whose guesses are good but not certain.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from charset_normalizer import from_bytes

from assistant.errors import CityQAError, ErrorCode

# Text that decodes but contains NUL bytes is a binary file, not text in an exotic encoding.
_BINARY_MARKER = "\x00"


def decode_bytes(data: bytes, name: str) -> str:
    """Decode `data` (read from the file called `name`) to text, dropping a UTF-8 BOM.

    Raises CityQAError(INGEST_FAILED) naming the file when no encoding fits.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8) :], "utf-8", name)
    for encoding in ("utf-8", "cp949"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _BINARY_MARKER not in text:
            return text
    best = from_bytes(data).best()
    if best is not None:
        text = str(best)
        if _BINARY_MARKER not in text:
            return text
    raise CityQAError(
        ErrorCode.INGEST_FAILED, f"cannot decode {name}: not UTF-8, cp949/EUC-KR or any detectable encoding"
    )


def read_text(path: Path) -> str:
    """Read a text file in UTF-8, UTF-8 with BOM or cp949/EUC-KR (see `decode_bytes`)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CityQAError(ErrorCode.INGEST_FAILED, f"cannot read {path.name}: {error.strerror}") from error
    return decode_bytes(data, path.name)


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise CityQAError(
            ErrorCode.INGEST_FAILED, f"cannot decode {name}: it starts with a UTF-8 BOM but is not UTF-8"
        ) from error
    if _BINARY_MARKER in text:
        raise CityQAError(ErrorCode.INGEST_FAILED, f"cannot decode {name}: it contains binary data")
    return text
