"""The SQL generator seam and its offline default, the semantic-layer parser.

`SqlGenerator.generate(question, layer, history)` returns a `SqlDraft`: the SQL (or None when the
question cannot be mapped with confidence), whether the question is statistical at all, the parts it
could not map, and the slots a follow-up question reuses. `describe_result` turns an executed draft
into one or two sentences with the number, unit and period (citations are added by the composer).
"""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel, Field, ValidationError

from assistant.models import SqlResult, Turn
from assistant.sql.coverage import audit_parse
from assistant.sql.parser import QuestionParser
from assistant.sql.phrasing import describe_slots_result
from assistant.sql.semantic_layer import SemanticLayer
from assistant.sql.slots import QuerySlots
from assistant.sql.sql_builder import SqlBuilder


class SqlDraft(BaseModel):
    sql: str | None = Field(description="None when the question cannot be mapped onto the tables.")
    tables: list[str] = Field(default_factory=list)
    is_statistical: bool = Field(description="The question asks for a number/ranking/trend from the tables.")
    unmapped: list[str] = Field(default_factory=list, description="Parts that could not be mapped.")
    ignored: list[str] = Field(
        default_factory=list,
        description="Words of the question the SQL does not use (answer is low confidence).",
    )
    slots: dict[str, Any] = Field(default_factory=dict, description="Reused by follow-up questions.")
    description: str = ""
    written_by_model: bool = Field(False, description="A language model wrote the SQL (not the parser).")
    notes: list[str] = Field(default_factory=list, description="What the answer should say about the SQL.")


class SqlGenerator(Protocol):
    def generate(self, question: str, layer: SemanticLayer, history: list[Turn]) -> SqlDraft: ...


def previous_slots(history: list[Turn], layer: SemanticLayer) -> QuerySlots | None:
    """The slots of the latest earlier turn that has usable ones."""
    for turn in reversed(history):
        if not turn.slots:
            continue
        try:
            slots = QuerySlots.model_validate(turn.slots)
        except ValidationError:
            continue
        if slots.table in layer.tables and slots.measure in layer.table(slots.table).measures:
            return slots
    return None


def describe_slots(slots: QuerySlots, layer: SemanticLayer) -> str:
    """A short machine description of what is computed, e.g. 'total_population for 해운대구, 2025-05'."""
    info = layer.table(slots.table)
    measure = slots.measure if slots.aggregation is None else f"{slots.aggregation}({slots.measure})"
    parts = [f"{slots.operation} of {measure}"]
    if slots.second_measure and slots.operation == "ratio":
        parts[0] += f" / {slots.second_measure}"
    filters = [f"{column}={'/'.join(str(v) for v in values)}" for column, values in slots.filters.items()]
    if filters:
        parts.append("for " + ", ".join(filters))
    if slots.group_by:
        parts.append(f"by {slots.group_by}")
    if slots.resolved_years:
        years = slots.resolved_years
        parts.append(str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}")
    elif info.time_column is None:
        parts.append(info.card.as_of[:7])
    if slots.limit and slots.operation != "first_year":
        parts.append(
            f"{'bottom' if slots.order == 'asc' else 'top'} {slots.limit}"
            + (f" from rank {slots.offset + 1}" if slots.offset else "")
        )
    if slots.operands:
        parts.append(f"{slots.operands[0]} against {slots.operands[1]}" + (" (fewer)" if slots.fewer else ""))
    if slots.per_unit:
        parts.append(f"per {slots.per_unit.per:g} {slots.per_unit.denominator}")
    if slots.answer_scale:
        parts.append(f"in {slots.answer_scale.label_en} (x{slots.answer_scale.factor:g})")
    if slots.threshold:
        other = slots.threshold.other_measure
        parts.append(f"where value {slots.threshold.op} {other or format(slots.threshold.value, 'g')}")
    if slots.operation == "first_year":
        parts.append("last year" if slots.order == "desc" else "first year")
    return ", ".join(parts)


class SemanticParserGenerator:
    """The offline default generator: rules over the semantic layer, no LLM."""

    def generate(self, question: str, layer: SemanticLayer, history: list[Turn]) -> SqlDraft:
        parser = QuestionParser(layer)
        result = parser.parse(question, previous_slots(history, layer))
        if result.slots is None:
            return SqlDraft(
                sql=None, is_statistical=result.is_statistical, unmapped=result.unmapped, description=""
            )
        slots = result.slots
        info = layer.table(slots.table)
        audit = audit_parse(
            result.text,
            result.matched_spans,
            slots,
            result.unused_mentions,
            derived_measure=info.measures[slots.measure].is_derived,
            time_column=info.time_column,
            place_column=info.place_column,
        )
        if audit.critical:
            # The SQL would compute something else than what was asked: say what, and compute nothing.
            return SqlDraft(sql=None, is_statistical=True, unmapped=[f"'{part}'" for part in audit.critical])
        sql = SqlBuilder(layer).build(slots)
        info = layer.table(slots.table)
        measure = info.measures[slots.measure]
        tables = sorted({slots.table, *([measure.join] if measure.join else [])})
        return SqlDraft(
            sql=sql,
            tables=tables,
            is_statistical=True,
            unmapped=[],
            ignored=audit.minor,
            slots=slots.to_dict(),
            description=describe_slots(slots, layer),
        )


def describe_result(draft: SqlDraft, result: SqlResult, layer: SemanticLayer, lang: str) -> str:
    """One or two sentences stating the number(s) with unit and period; no citation markers."""
    if not draft.slots:
        if not result.rows:
            return (
                "조건에 맞는 행이 없습니다." if lang == "ko" else "No rows matched the question's conditions."
            )
        return ("결과: " if lang == "ko" else "Result: ") + "; ".join(
            ", ".join(str(v) for v in row) for row in result.rows[:10]
        )
    slots = QuerySlots.model_validate(draft.slots)
    return describe_slots_result(slots, result, layer, lang)
