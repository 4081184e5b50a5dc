"""Pure scoring functions: each takes plain values or an Answer and returns a number or a verdict.

Nothing here does I/O; `evaluation.scoring` combines these into per-case checks and summaries.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from typing import Any

from assistant.models import Answer, Citation

from .cases import NumberExpectation, SourcesExpectation

_MARKER = re.compile(r"\[(\d+)\]")
_NUMBER = re.compile(
    r"(?<![\d.,])([-+−]?)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(만|억|천|thousand|million|billion)?",
    re.IGNORECASE,
)
_MULTIPLIERS = {"천": 1e3, "만": 1e4, "억": 1e8, "thousand": 1e3, "million": 1e6, "billion": 1e9}
UNIT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "명": ("명", "people", "persons", "person", "residents", "inhabitants"),
    "%": ("%", "percent", "per cent", "퍼센트"),
    "원": ("원", "won", "krw", "₩"),
    "건": ("건", "cases", "case", "items", "requests", "incidents"),
    "개": ("개", "items", "units"),
    "세대": ("세대", "households", "household"),
    "일": ("일", "days", "day"),
    "대": ("대", "vehicles", "units"),
    "km²": ("km²", "km2", "㎢", "square kilometres", "square kilometers"),
}
REFUSAL_NOTE_WORDS = ("unmapped",)


# ----- answer text -------------------------------------------------------------------------------


def normalize_text(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def text_contains(haystack: str, needle: str) -> bool:
    """Case-insensitive containment; also tried with thousands separators removed from both."""
    text, wanted = normalize_text(haystack), normalize_text(needle)
    if wanted in text:
        return True
    return _strip_separators(wanted) in _strip_separators(text)


def _strip_separators(text: str) -> str:
    return re.sub(r"(?<=\d),(?=\d{3})", "", text)


def strip_citation_markers(text: str) -> str:
    return _MARKER.sub(" ", text)


def extract_numbers(text: str) -> list[float]:
    """Every number written in the text (markers like [1] excluded); ``1.2만``/``3 million`` expand."""
    numbers: list[float] = []
    for match in _NUMBER.finditer(unicodedata.normalize("NFKC", strip_citation_markers(text))):
        sign, digits, suffix = match.groups()
        value = float(digits.replace(",", ""))
        if sign in ("-", "−"):
            value = -value
        numbers.append(value)
        if suffix:
            numbers.append(value * _MULTIPLIERS[suffix.lower()])
    return numbers


def number_matches(text: str, expected: NumberExpectation) -> tuple[bool, str]:
    """Whether some number in the text is within tolerance (absolute or percent) and the unit appears."""
    allowed = max(
        expected.tolerance or 0.0, abs(expected.value) * (expected.tolerance_pct or 0.0) / 100, 1e-9
    )
    found = extract_numbers(text)
    close = [n for n in found if abs(n - expected.value) <= allowed]
    if not close:
        shown = ", ".join(f"{n:g}" for n in found[:8]) or "none"
        return False, f"no number within ±{allowed:g} of {expected.value:g} (found: {shown})"
    if expected.unit and not unit_mentioned(text, expected.unit):
        return False, f"number {close[0]:g} found but unit {expected.unit!r} missing"
    return True, f"found {close[0]:g}"


def unit_mentioned(text: str, unit: str) -> bool:
    lowered = normalize_text(text)
    synonyms = UNIT_SYNONYMS.get(unit, (unit,)) + (unit,)
    return any(normalize_text(word) in lowered for word in synonyms)


def is_refusal(answer: Answer) -> bool:
    """Refused = confidence "none", or no SQL, no citations and a note saying the question was unmapped."""
    if answer.confidence == "none":
        return True
    unmapped = any(word in note.lower() for note in answer.notes for word in REFUSAL_NOTE_WORDS)
    return answer.sql is None and not answer.citations and unmapped


# ----- retrieval ---------------------------------------------------------------------------------


def hit_at_k(retrieved: Sequence[str], expected: SourcesExpectation, k: int) -> float:
    """1.0 when the top-k retrieved ids hold every ``all_of`` id and (if any) one ``any_of`` id."""
    top = set(retrieved[:k])
    if not set(expected.all_of) <= top:
        return 0.0
    if expected.any_of and not top & set(expected.any_of):
        return 0.0
    return 1.0


def reciprocal_rank(retrieved: Sequence[str], expected: set[str]) -> float:
    """1/rank of the first retrieved id that is expected (rank from 1); 0.0 when none is."""
    for rank, source_id in enumerate(retrieved, start=1):
        if source_id in expected:
            return 1.0 / rank
    return 0.0


# ----- citations ---------------------------------------------------------------------------------


def citation_markers(text: str) -> list[int]:
    return [int(n) for n in _MARKER.findall(text)]


def citation_problems(answer: Answer, known_source_ids: set[str] | None = None) -> list[str]:
    """Why the citations are invalid; empty when every [n] has a citation, n is unique and ids exist."""
    problems: list[str] = []
    numbers = [c.n for c in answer.citations]
    duplicates = sorted(n for n, count in Counter(numbers).items() if count > 1)
    if duplicates:
        problems.append(f"duplicate citation numbers {duplicates}")
    missing = sorted(set(citation_markers(answer.answer)) - set(numbers))
    if missing:
        problems.append("markers " + ", ".join(f"[{n}]" for n in missing) + " refer to no provided passage")
    if known_source_ids is not None:
        unknown = sorted({c.source_id for c in answer.citations} - known_source_ids)
        if unknown:
            problems.append(f"cited unknown source ids {unknown}")
    return problems


def cited_source_ids(answer: Answer) -> list[str]:
    """Distinct cited source ids in citation order."""
    return list(dict.fromkeys(c.source_id for c in answer.citations))


def citation_precision(cited: Sequence[str], acceptable: set[str]) -> float | None:
    """Share of distinct cited ids that are expected or listed relevant; None when nothing was cited."""
    distinct = set(cited)
    if not distinct:
        return None
    return len(distinct & acceptable) / len(distinct)


def citation_recall(cited: Sequence[str], expected: SourcesExpectation) -> float | None:
    """Share of expected sources cited: each ``all_of`` id counts one, the ``any_of`` group counts one."""
    if expected.is_empty:
        return None
    distinct = set(cited)
    found = len(set(expected.all_of) & distinct)
    total = len(set(expected.all_of))
    if expected.any_of:
        total += 1
        found += 1 if distinct & set(expected.any_of) else 0
    return found / total


def sources_cited(cited: Sequence[str], expected: SourcesExpectation) -> tuple[bool, str]:
    distinct = set(cited)
    missing = [sid for sid in expected.all_of if sid not in distinct]
    problems = []
    if missing:
        problems.append(f"not cited: {missing}")
    if expected.any_of and not distinct & set(expected.any_of):
        problems.append(f"none of {expected.any_of} cited")
    if problems:
        return False, "; ".join(problems) + f" (cited: {sorted(distinct) or 'nothing'})"
    return True, "expected sources cited"


def lead_source_correct(answer: Answer, expected: SourcesExpectation) -> float | None:
    """1.0 when the first citation ([n] with the lowest n) is an expected source (all_of ∪ any_of);
    0.0 when it is not or nothing was cited; None when the case expects no source."""
    if expected.is_empty:
        return None
    if not answer.citations:
        return 0.0
    lead = min(answer.citations, key=lambda c: c.n)
    return 1.0 if lead.source_id in expected.expected else 0.0


def locator_matches(citations: Sequence[Citation], expected_ids: set[str], wanted: Sequence[str]) -> bool:
    """Whether some citation of an expected source (any citation when none is expected) has a locator
    containing one of the wanted strings (case- and width-insensitive)."""
    return any(
        text_contains(c.locator, needle)
        for c in citations
        if not expected_ids or c.source_id in expected_ids
        for needle in wanted
    )


# ----- permission --------------------------------------------------------------------------------


def find_leaks(answer: Answer, must_not_cite: Sequence[str]) -> list[dict[str, str]]:
    """Every appearance of a forbidden source in citations, suggestions, retrieved ids, SQL or text."""
    leaks: list[dict[str, str]] = []
    forbidden = list(dict.fromkeys(must_not_cite))
    sql_tables = {f"table:{name}" for name in answer.sql.tables} if answer.sql else set()
    for source_id in forbidden:
        leaks.extend(
            {"source_id": source_id, "where": f"citation [{c.n}]"}
            for c in answer.citations
            if c.source_id == source_id
        )
        leaks.extend(
            {"source_id": source_id, "where": "suggestion"}
            for s in answer.suggestions
            if s.source_id == source_id
        )
        if source_id in answer.retrieved_source_ids:
            leaks.append({"source_id": source_id, "where": "retrieved"})
        if source_id in sql_tables:
            leaks.append({"source_id": source_id, "where": "sql"})
        if source_id in answer.answer:
            leaks.append({"source_id": source_id, "where": "answer text"})
    return leaks


# ----- SQL result sets ---------------------------------------------------------------------------


def normalize_value(value: Any) -> Any:
    """Comparable form of a cell: integral numbers as int, other floats to 4 significant digits,
    numeric strings as numbers, dates as ISO strings, other strings stripped and case-folded."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        try:
            number = (
                float(text.replace(",", ""))
                if re.fullmatch(r"[-+]?[\d,]*\.?\d+(e[-+]?\d+)?", text, re.I)
                else None
            )
        except ValueError:
            number = None
        return (
            normalize_value(number) if number is not None else unicodedata.normalize("NFKC", text).casefold()
        )
    if isinstance(value, int | float | decimal.Decimal):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            return str(number)
        if number.is_integer():
            return int(number)
        rounded = float(f"{number:.4g}")
        return int(rounded) if rounded.is_integer() else rounded
    return str(value)


def _row_contains(answer_row: Counter[Any], gold_row: Counter[Any]) -> bool:
    return all(answer_row[value] >= count for value, count in gold_row.items())


def result_sets_match(
    gold_rows: Sequence[Sequence[Any]], answer_rows: Sequence[Sequence[Any]], ordered: bool = False
) -> tuple[bool, str]:
    """Gold rows match when row counts agree and each gold row's values are contained (as a multiset)
    in a distinct answer row; the answer may carry extra columns. Ordered: row i against row i."""
    gold = [Counter(normalize_value(v) for v in row) for row in gold_rows]
    got = [Counter(normalize_value(v) for v in row) for row in answer_rows]
    if len(gold) != len(got):
        return False, f"expected {len(gold)} rows, got {len(got)}"
    if not gold:
        return True, "both result sets empty"
    if ordered:
        for index, (want, have) in enumerate(zip(gold, got, strict=True)):
            if not _row_contains(have, want):
                return False, f"row {index + 1}: expected values {list(want.elements())} in that position"
        return True, f"{len(gold)} rows match in order"
    # Bipartite matching (Kuhn's augmenting paths) so extra columns cannot cause a greedy mismatch.
    candidates = [[j for j, have in enumerate(got) if _row_contains(have, want)] for want in gold]
    owner: dict[int, int] = {}

    def assign(i: int, seen: set[int]) -> bool:
        for j in candidates[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or assign(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(gold)):
        if not assign(i, set()):
            return False, f"no answer row holds expected values {list(gold[i].elements())}"
    return True, f"{len(gold)} rows match"


# ----- latency -----------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default, ``quantiles(method='inclusive')``)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def mean(values: Sequence[float | None]) -> float | None:
    """Mean of the values that apply (None is skipped); None when none apply."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None
