"""File names that are not valid UTF-8: a safe form for ids, a readable form for people.

On Linux a file name is bytes. Python hands over bytes that are not UTF-8 as lone surrogates
(U+DC80..U+DCFF, "surrogateescape"), which no store can encode: Chroma rejects them ("Invalid where
clause") and printing them raises. Typical sources are zips made on Korean Windows (cp949 names) and
old Latin-1 systems.

Only words holding undecodable bytes are touched, so every valid name (Korean included) keeps its id.
A word is a run between path separators and spaces, the unit a name's encoding applies to; whole
words, not just the undecodable runs, because cp949 bytes are partly valid UTF-8: "해운대" in cp949
reaches Python as surrogates mixed with Arabic letters.
"""

from __future__ import annotations

import re

_UNDECODABLE_BYTES = re.compile("[\udc80-\udcff]+")
# A run of text between path separators and spaces: the unit a file name's encoding applies to.
_WORD = re.compile(r"[^/\s]+")


def _raw_bytes(escaped: str) -> bytes:
    return bytes(ord(character) - 0xDC00 for character in escaped)


def safe_name(text: str) -> str:
    """`text` with the non-ASCII bytes of each word holding undecodable bytes percent-escaped (`café`
    in Latin-1 → `caf%E9`): deterministic, so re-ingesting finds the same id. A valid name that
    literally contains `%E9` could collide; the pipeline refuses duplicate source ids, so such a clash
    is reported, never merged."""
    return _WORD.sub(lambda match: _safe_word(match[0]), text)


def _safe_word(word: str) -> str:
    if not _UNDECODABLE_BYTES.search(word):
        return word
    raw = word.encode("utf-8", "surrogateescape")
    return "".join(chr(byte) if byte < 0x80 else f"%{byte:02X}" for byte in raw)


def readable_name(text: str) -> str:
    """`text` for display (a name, a path or a message naming one): a word holding undecodable bytes
    is read as cp949 when its bytes are cp949 (Korean Windows names), else those bytes show as `\\xNN`."""
    return _WORD.sub(lambda match: _readable_word(match[0]), text)


def _readable_word(word: str) -> str:
    if not _UNDECODABLE_BYTES.search(word):
        return word
    try:
        return word.encode("utf-8", "surrogateescape").decode("cp949")
    except UnicodeDecodeError:
        return _UNDECODABLE_BYTES.sub(lambda match: _backslashed(_raw_bytes(match[0])), word)


def _backslashed(data: bytes) -> str:
    return "".join(f"\\x{byte:02x}" for byte in data)
