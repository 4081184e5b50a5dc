"""Source metadata from defaults, YAML front matter and `<file>.meta.yaml` sidecars.

Precedence, lowest first: the CLI defaults, the document's own front matter, the sidecar. A sidecar
wins because it is what an operator writes to correct or restrict a file without editing it.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field

from assistant.errors import CityQAError, ErrorCode
from assistant.models import Classification

SIDECAR_SUFFIX = ".meta.yaml"
SIDECAR_SUFFIXES = (SIDECAR_SUFFIX, ".meta.yml")

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)

# Keys the real corpus uses for the same meaning: Korean statutes (law.go.kr export) say 제목/출처/시행일자,
# the US open-data policies say name/policy_url/date. The canonical key wins when both are present.
_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "제목", "name"),
    "url": ("url", "출처", "policy_url", "source_url"),
    "as_of": ("as_of", "시행일자", "date"),
    "classification": ("classification",),
    "departments": ("departments", "department"),
    "language": ("language", "lang"),
}
_CANONICAL_KEYS = {key for aliases in _ALIASES.values() for key in aliases}

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LETTER = re.compile(r"[^\W\d_]")


class DocumentMetadata(BaseModel):
    """What front matter or a sidecar may say about a file. None means 'not said here'."""

    title: str | None = None
    url: str | None = None
    as_of: str | None = None
    classification: Classification | None = None
    departments: list[str] | None = None
    language: str | None = None
    extra: dict[str, str] = Field(default_factory=dict)

    def overridden_by(self, other: DocumentMetadata) -> DocumentMetadata:
        """A copy where every field `other` sets replaces ours; extras are merged."""
        merged = self.model_copy(deep=True)
        for field in ("title", "url", "as_of", "classification", "departments", "language"):
            value = getattr(other, field)
            if value is not None:
                setattr(merged, field, value)
        merged.extra.update(other.extra)
        return merged


def split_front_matter(text: str, name: str) -> tuple[DocumentMetadata, str]:
    """Return the front matter (empty when absent) and the body after it."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return DocumentMetadata(), text
    try:
        raw = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        raise CityQAError(ErrorCode.INGEST_FAILED, f"invalid front matter in {name}: {error}") from error
    return parse_metadata(raw, name), text[match.end() :]


def read_sidecar(path: Path) -> DocumentMetadata:
    """Metadata from `<path>.meta.yaml` (or `.meta.yml`) beside the file; empty when there is none."""
    candidates = [path.with_name(path.name + suffix) for suffix in SIDECAR_SUFFIXES]
    sidecar = next((candidate for candidate in candidates if candidate.is_file()), None)
    if sidecar is None:
        return DocumentMetadata()
    try:
        raw = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise CityQAError(ErrorCode.INGEST_FAILED, f"invalid sidecar {sidecar.name}: {error}") from error
    return parse_metadata(raw, sidecar.name)


def parse_metadata(raw: Any, name: str) -> DocumentMetadata:
    """Validate a front matter / sidecar mapping; unknown keys become string extras."""
    if raw is None:
        return DocumentMetadata()
    if not isinstance(raw, dict):
        raise CityQAError(ErrorCode.INGEST_FAILED, f"metadata in {name} must be a mapping of keys to values")
    values = {field: _first_present(raw, aliases) for field, aliases in _ALIASES.items()}
    classification = None
    if values["classification"] is not None:
        try:
            classification = Classification(str(values["classification"]).strip().lower())
        except ValueError as error:
            allowed = ", ".join(item.value for item in Classification)
            raise CityQAError(
                ErrorCode.INGEST_FAILED,
                f"invalid classification {values['classification']!r} in {name} (allowed: {allowed})",
            ) from error
    departments = None
    if values["departments"] is not None:
        departments = [part for part in _as_list(values["departments"]) if part]
    return DocumentMetadata(
        title=_as_optional_string(values["title"]),
        url=_as_optional_string(values["url"]),
        as_of=_as_optional_string(values["as_of"]),
        classification=classification,
        departments=departments,
        language=_as_optional_string(values["language"]),
        extra={str(key): _as_string(value) for key, value in raw.items() if str(key) not in _CANONICAL_KEYS},
    )


def detect_language(text: str) -> str:
    """'ko' when Hangul is more than 30% of the letters, else 'en' (the corpus is Korean or English)."""
    letters = _LETTER.findall(text)
    if not letters:
        return "en"
    hangul = sum(1 for letter in letters if _HANGUL.match(letter))
    return "ko" if hangul / len(letters) > 0.3 else "en"


def _first_present(raw: dict[Any, Any], aliases: tuple[str, ...]) -> Any:
    for key in aliases:
        value = raw.get(key)
        if value is not None and value != "" and value != []:
            return value
    return None


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [_as_string(item).strip() for item in value]
    return [part.strip() for part in _as_string(value).split(",")]


def _as_optional_string(value: Any) -> str | None:
    return None if value is None else _as_string(value).strip() or None


def _as_string(value: Any) -> str:
    # YAML turns 2026-02-27 into a date and '011895' stays a string; both must end up as plain text.
    if value is None:
        return ""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(_as_string(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_as_string(item)}" for key, item in value.items())
    return str(value)
