"""Evaluation cases: the YAML format, loading with clear errors, and reference checks.

A case file is a YAML list of cases (or a mapping with a ``cases:`` list). Every problem found in any
file is collected and raised once as ``CityQAError(INVALID_CASES, "file:case_id: reason\\n...")``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import sqlglot
import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator
from sqlglot import exp

from assistant.errors import CityQAError, ErrorCode

Category = Literal["sql", "document", "catalog", "mixed", "unanswerable", "permission"]
Lang = Literal["en", "ko"]
CATEGORIES: tuple[str, ...] = ("sql", "document", "catalog", "mixed", "unanswerable", "permission")
ANONYMOUS = "anonymous"
_CASE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NumberExpectation(_Strict):
    """Some number in the answer must be within tolerance of ``value``."""

    value: float
    tolerance: float | None = Field(default=None, ge=0, description="Absolute tolerance.")
    tolerance_pct: float | None = Field(
        default=None, ge=0, description="Relative tolerance in percent of value."
    )
    unit: str | None = Field(
        default=None, description="Unit that must appear in the answer (synonyms accepted)."
    )


class SourcesExpectation(_Strict):
    """Sources the answer must cite: all of ``all_of`` and at least one of ``any_of``.

    ``relevant`` lists further sources that are fine to cite (they count as precise citations) but
    are not required.
    """

    all_of: list[str] = Field(default_factory=list)
    any_of: list[str] = Field(default_factory=list)
    relevant: list[str] = Field(default_factory=list)

    @property
    def expected(self) -> set[str]:
        return set(self.all_of) | set(self.any_of)

    @property
    def acceptable(self) -> set[str]:
        return self.expected | set(self.relevant)

    @property
    def is_empty(self) -> bool:
        return not (self.all_of or self.any_of)


class Expectation(_Strict):
    answer_contains: list[str] = Field(default_factory=list)
    answer_not_contains: list[str] = Field(default_factory=list)
    number: NumberExpectation | None = None
    sources: SourcesExpectation = Field(default_factory=SourcesExpectation)
    gold_sql: str | None = None
    gold_rows: list[list[Any]] | None = None
    ordered: bool = False
    refuse: bool = False
    produces_sql: bool | None = Field(
        default=None, description="Override whether SQL must (true) or must not (false) be produced."
    )
    must_not_cite: list[str] = Field(default_factory=list)
    locator_contains: list[str] = Field(
        default_factory=list,
        description="Where the answer sits in its gold source: some cited locator of an expected source "
        "must contain one of these strings (e.g. '제7조', '§ Term of office', 'p. 3').",
    )

    @field_validator("sources", mode="before")
    @classmethod
    def _sources_shorthand(cls, value: Any) -> Any:
        """A plain list of ids means ``all_of``; ``null`` means no expectation."""
        if value is None:
            return {}
        if isinstance(value, list):
            return {"all_of": value}
        return value

    @field_validator("gold_rows", mode="before")
    @classmethod
    def _scalar_rows(cls, value: Any) -> Any:
        """``gold_rows: [1, 2]`` is read as one-column rows ``[[1], [2]]``."""
        if isinstance(value, list):
            return [row if isinstance(row, list) else [row] for row in value]
        return value

    @field_validator(
        "answer_contains", "answer_not_contains", "must_not_cite", "locator_contains", mode="before"
    )
    @classmethod
    def _string_to_list(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str | int | float):
            return [str(value)]
        return value

    @field_validator("answer_contains", "answer_not_contains", mode="before")
    @classmethod
    def _numbers_to_strings(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [str(item) if isinstance(item, int | float) else item for item in value]
        return value


class Case(_Strict):
    id: str
    question: str = Field(min_length=1)
    lang: Lang
    category: Category
    user: str = ANONYMOUS
    tags: list[str] = Field(default_factory=list)
    conversation: list[str] = Field(default_factory=list, description="Earlier questions, asked first.")
    expect: Expectation = Field(default_factory=lambda: Expectation())

    _source_file: str = PrivateAttr("")

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _CASE_ID.match(value):
            raise ValueError("id must start with a letter or digit and use only letters, digits, . _ : -")
        return value

    @field_validator("conversation", mode="before")
    @classmethod
    def _conversation_questions(cls, value: Any) -> Any:
        """Accept earlier turns as strings or as ``{question: ...}`` mappings."""
        if value is None:
            return []
        if isinstance(value, list):
            return [
                item["question"] if isinstance(item, dict) and "question" in item else item for item in value
            ]
        return value

    @property
    def source_file(self) -> str:
        return self._source_file

    @property
    def expects_sql(self) -> bool | None:
        """Whether SQL must be produced (True), must not be (False) or is not scored (None)."""
        expect = self.expect
        if expect.produces_sql is not None:
            return expect.produces_sql
        if expect.refuse:
            return False
        if expect.gold_sql or expect.gold_rows is not None or self.category == "sql":
            return True
        if self.category in ("document", "catalog", "unanswerable"):
            return False
        return None


def _case_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()))
        else:
            files.append(path)
    return files


def _format_validation_error(error: ValidationError) -> list[str]:
    reasons = []
    for item in error.errors():
        location = ".".join(str(part) for part in item["loc"]) or "case"
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown key"
        reasons.append(f"{location}: {message}")
    return reasons


def load_cases(paths: Sequence[Path | str]) -> list[Case]:
    """Load and validate case files (or folders of ``*.yaml``). Raises INVALID_CASES listing every problem."""
    problems: list[str] = []
    cases: list[Case] = []
    seen: dict[str, str] = {}
    files = _case_files(Path(p) for p in paths)
    if not files:
        raise CityQAError(ErrorCode.INVALID_CASES, "no case files given")
    for file in files:
        label = str(file)
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            problems.append(f"{label}: file not found")
            continue
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            problems.append(f"{label}: cannot read YAML: {' '.join(str(exc).split())}")
            continue
        if isinstance(data, dict) and set(data) == {"cases"}:
            data = data["cases"]
        if data is None:
            data = []
        if not isinstance(data, list):
            problems.append(f"{label}: expected a list of cases")
            continue
        for position, raw in enumerate(data, start=1):
            case_label = raw.get("id") if isinstance(raw, dict) and raw.get("id") else f"#{position}"
            if not isinstance(raw, dict):
                problems.append(f"{label}:{case_label}: a case must be a mapping")
                continue
            try:
                case = Case.model_validate(raw)
            except ValidationError as exc:
                problems.extend(f"{label}:{case_label}: {reason}" for reason in _format_validation_error(exc))
                continue
            case._source_file = label
            if case.id in seen:
                problems.append(f"{label}:{case.id}: duplicate id (first in {seen[case.id]})")
                continue
            seen[case.id] = label
            cases.append(case)
    if problems:
        raise CityQAError(ErrorCode.INVALID_CASES, "\n".join(problems))
    return cases


def tables_in_sql(sql: str) -> set[str]:
    """Names of the tables a query reads (lower case, without schema), excluding CTE names."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    return {table.name.lower() for table in tree.find_all(exp.Table) if table.name.lower() not in ctes}


def validate_references(
    cases: Sequence[Case],
    known_source_ids: set[str] | None = None,
    known_tables: set[str] | None = None,
    known_users: set[str] | None = None,
) -> None:
    """Check that cases name only existing sources, tables and users. ``None`` skips that check."""
    problems: list[str] = []
    tables = {name.lower() for name in known_tables} if known_tables is not None else None
    for case in cases:
        label = f"{case.source_file or '<cases>'}:{case.id}"
        expect = case.expect
        if known_source_ids is not None:
            named = [
                ("expect.sources.all_of", expect.sources.all_of),
                ("expect.sources.any_of", expect.sources.any_of),
                ("expect.sources.relevant", expect.sources.relevant),
                ("expect.must_not_cite", expect.must_not_cite),
            ]
            for field, ids in named:
                problems.extend(
                    f"{label}: {field}: unknown source id {sid!r}"
                    for sid in ids
                    if sid not in known_source_ids
                )
        if expect.gold_sql:
            try:
                used = tables_in_sql(expect.gold_sql)
            except sqlglot.errors.ParseError as exc:
                problems.append(
                    f"{label}: expect.gold_sql does not parse: {' '.join(str(exc).split())[:200]}"
                )
                used = set()
            if tables is not None:
                problems.extend(
                    f"{label}: expect.gold_sql: unknown table {name!r}" for name in sorted(used - tables)
                )
        if known_users is not None and case.user != ANONYMOUS and case.user not in known_users:
            problems.append(f"{label}: user: unknown user {case.user!r}")
    if problems:
        raise CityQAError(ErrorCode.INVALID_CASES, "\n".join(problems))
