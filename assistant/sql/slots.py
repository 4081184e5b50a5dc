"""Query slots: the structured meaning of a statistics question, reused by follow-up questions."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Operation = Literal[
    "value",
    "groupby",
    "topn",
    "rank_of",
    "share",
    "change",
    "trend",
    "compare",
    "count_groups",
    "ratio",
    # two-step forms
    "difference",  # the measure for two operands (places or years) and first - second
    "times",  # the measure for two operands and first / second ("몇 배")
    "first_year",  # the first (order asc) or last (desc) year the threshold held
    "average_across",  # the plain mean of the groups' values (a rate averaged over districts)
]
ThresholdOp = Literal[">", ">=", "<", "<="]
Order = Literal["desc", "asc"]


class Threshold(BaseModel):
    """A condition on the measure: compared with a value in the column's unit, or with another measure."""

    op: ThresholdOp
    value: float
    other_measure: str | None = Field(None, description="Compare with this measure instead of `value`.")
    stated: str | None = Field(None, description="The amount as the question wrote it ('2천만 TEU').")


class PerUnit(BaseModel):
    """ "per 1,000 people": the measure divided by a denominator measure, times `per`."""

    per: float
    denominator: str


class AnswerScale(BaseModel):
    """State the answer in another unit than the column's ("in hectares", "몇만 TEU")."""

    factor: float
    label_ko: str
    label_en: str


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
    """The plan of a statistics question: a measure expression (`measure`, optionally `per_unit` and
    `answer_scale`) x a dimension (`group_by`) x filters (`filters`, `period`, `threshold`) x an
    operation, including the two-step ones. `sql_builder` computes exactly this and `phrasing`
    states exactly this; nothing else of the question reaches the SQL."""

    table: str
    measure: str
    second_measure: str | None = Field(
        None, description="The other measure: denominator of a ratio, second of a measure pair."
    )
    operation: Operation = "value"
    aggregation: str | None = Field(None, description="Aggregation the user asked for (sum/avg/min/max).")
    filters: dict[str, list[Any]] = Field(default_factory=dict, description="Dimension column -> values.")
    period: Period = Field(default_factory=Period)
    group_by: str | None = None
    order: Order = "desc"
    limit: int | None = None
    offset: int = 0
    threshold: Threshold | None = None
    share_part: list[str] = Field(
        default_factory=list, description="Filter columns forming the share's part."
    )
    resolved_years: list[int] = Field(default_factory=list, description="Years the SQL uses, once resolved.")
    operands: list[Any] = Field(
        default_factory=list, description="difference/times: the two values of `group_by`, first and second."
    )
    fewer: bool = Field(False, description="difference asked as 'how many fewer': second - first.")
    per_unit: PerUnit | None = None
    answer_scale: AnswerScale | None = None

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
