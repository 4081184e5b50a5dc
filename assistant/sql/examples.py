"""Verified question -> SQL examples kept beside the table cards, and retrieval by token similarity.

Used as few-shot examples by an LLM generator and for debugging the rule-based one.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from assistant.sql.korean import tokens_for_similarity


class SqlExample(BaseModel):
    question: str
    sql: str
    table: str
    tags: list[str] = Field(default_factory=list)


def load_sql_examples(path: Path) -> list[SqlExample]:
    """Read examples.yaml (a list of {question, sql, table, tags}); a missing file means no examples."""
    if not path.exists():
        return []
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [SqlExample.model_validate(item) for item in raw]


def _similarity(left: set[str], right: set[str]) -> float:
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def retrieve_similar_examples(
    question: str, examples: list[SqlExample], k: int = 3, tables: set[str] | None = None
) -> list[SqlExample]:
    """The k examples whose questions share the most tokens with `question` (Jaccard), best first;
    `tables` keeps only examples over tables the caller may use."""
    wanted = set(tokens_for_similarity(question))
    pool = [e for e in examples if tables is None or e.table in tables]
    scored = [(_similarity(wanted, set(tokens_for_similarity(e.question))), i, e) for i, e in enumerate(pool)]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [example for score, _i, example in scored[:k] if score > 0]
