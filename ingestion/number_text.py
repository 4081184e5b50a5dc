"""Numbers as published statistics write them: "1,234", "45¹", "123*", "12.3e", "(p)", "7.5 %".

Drafting a card types a column by what is left once thousands separators, footnote marks and a
trailing % are removed, and missing-value marks ("-", "…", "x", "(X)", "N/A", "NA", empty) are
read as missing; `clean_numeric_columns` does the same to the data before it is loaded, so the
drafted card describes data that loads. A value that is still not a number is left as it was,
and the warehouse's cast names it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import pandas as pd

from assistant.sql.cards import TableCard

MISSING_MARKS = frozenset({"", "-", "–", "—", "…", "...", "x", "(x)", "n/a", "na", "nan"})
_FOOTNOTE_AT_END = re.compile(r"(\*+|[†‡]+|[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\([pPeE]\)|(?<=[\d.])[pe])$")
_PERCENT_AT_END = re.compile(r"%$")
_GROUPED = re.compile(r"^([+-]?)(\d{1,3}(?:[, \u00a0\u202f]\d{3})+)(\.\d+)?$")
_SEPARATORS = re.compile(r"[, \u00a0\u202f]")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_WHOLE = re.compile(r"^[+-]?\d+$")
_NUMERIC_TYPES = ("INTEGER", "BIGINT", "DOUBLE")


def is_missing_mark(text: str) -> bool:
    """True for the marks tables print instead of a value (and for blanks)."""
    return text.strip().lower() in MISSING_MARKS


def strip_number_marks(text: str) -> tuple[str, bool]:
    """`text` without surrounding spaces, trailing footnote marks and a trailing %, and whether it
    had a %; thousands separators (comma, space) are left for `number_text`."""
    cleaned, percent = text.strip(), False
    while True:
        before = cleaned
        cleaned = _FOOTNOTE_AT_END.sub("", cleaned).rstrip()
        if _PERCENT_AT_END.search(cleaned):
            cleaned, percent = cleaned[:-1].rstrip(), True
        if cleaned == before:
            return cleaned, percent


@functools.lru_cache(maxsize=65536)  # a column repeats its values: drafting asks about each several times
def number_text(text: str) -> str | None:
    """The plain number `text` is written as ("1,234*" -> "1234", "12.5%" -> "12.5"), or None when it
    is not one (missing marks included)."""
    if is_missing_mark(text):
        return None
    cleaned, _ = strip_number_marks(text)
    grouped = _GROUPED.match(cleaned)
    if grouped:
        cleaned = grouped.group(1) + _SEPARATORS.sub("", grouped.group(2)) + (grouped.group(3) or "")
    return cleaned if _NUMBER.match(cleaned) else None


def is_whole_number_text(text: str) -> bool:
    return bool(_WHOLE.match(text))


def has_percent_sign(values: Iterable[str]) -> bool:
    """True when any value is written with a trailing % (before any footnote mark)."""
    return any(strip_number_marks(value)[1] for value in values if not is_missing_mark(value))


def clean_number_value(value: object) -> object:
    """A loadable number: missing marks become None, written numbers their plain text, the rest as is."""
    if not isinstance(value, str):
        return value
    if is_missing_mark(value):
        return None
    plain = number_text(value)
    return value if plain is None else plain


def clean_values_for_card(card: TableCard, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` (columns named as the card's) cleaned as a drafted card was typed: INTEGER, BIGINT and
    DOUBLE values lose separators, footnote marks and %, and missing marks become missing in those and
    DATE columns; text columns are untouched. Clean data passes unchanged."""
    cleaned = frame.copy()
    for column in card.columns:
        if column.name not in cleaned.columns:
            continue
        if column.type in _NUMERIC_TYPES:
            cleaned[column.name] = cleaned[column.name].map(clean_number_value)
        elif column.type == "DATE":
            cleaned[column.name] = cleaned[column.name].map(_none_if_missing_mark)
    return cleaned


def _none_if_missing_mark(value: object) -> object:
    return None if isinstance(value, str) and is_missing_mark(value) else value
