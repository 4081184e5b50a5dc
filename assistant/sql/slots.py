"""Query slots: the structured meaning of a statistics question, reused by follow-up questions."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Operation = Literal[
    "value", "groupby", "topn", "rank_of", "share", "change", "trend", "compare", "count_groups", "ratio"
]
ThresholdOp = Literal[">", ">=", "<", "<="]


class Threshold(BaseModel):
    op: ThresholdOp
    value: float


class Period(BaseModel):
    """Which years (or the table's fixed period). Empty means: the table's default period."""

    years: list[int] = Field(default_factory=list, description="Explicit years (one, or several to compare).")
    year_from: int | None = None
    year_to: int | None = None
    last_n_years: int | None = None
    month: int | None = None

    def is_empty(self) -> bool:
        return (
            not self.years and self.year_from is None and self.year_to is None and self.last_n_years is None
        )

    def is_range(self) -> bool:
        return self.year_from is not None or self.year_to is not None or self.last_n_years is not None


class QuerySlots(BaseModel):
    table: str
    measure: str
    second_measure: str | None = Field(None, description="Denominator of a ratio of two measures.")
    operation: Operation = "value"
    aggregation: str | None = Field(None, description="Aggregation the user asked for (sum/avg/min/max).")
    filters: dict[str, list[Any]] = Field(default_factory=dict, description="Dimension column -> values.")
    period: Period = Field(default_factory=Period)
    group_by: str | None = None
    order: Literal["desc", "asc"] = "desc"
    limit: int | None = None
    offset: int = 0
    threshold: Threshold | None = None
    share_part: list[str] = Field(
        default_factory=list, description="Filter columns forming the share's part."
    )
    resolved_years: list[int] = Field(default_factory=list, description="Years the SQL uses, once resolved.")

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
