"""QuerySlots -> one DuckDB SELECT/WITH statement over the curated tables, with explicit columns and a LIMIT.

Periods are resolved to concrete years when the layer knows the table's years (the default period of
a time series is its latest year); string values are quoted safely; a measure declared over a join
(population density) reads from a `base` CTE joining the two curated tables on the card's columns.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from assistant.sql.semantic_layer import Measure, SemanticLayer, TableInfo
from assistant.sql.slots import QuerySlots

MAX_GROUP_ROWS = 200


def quote_value(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def resolve_years(slots: QuerySlots, info: TableInfo) -> list[int]:
    """The concrete years the query covers ([] when the table has no year column)."""
    if info.time_column is None:
        return []
    known = list(info.years)
    period = slots.period
    if period.years:
        return list(period.years)
    if period.last_n_years and known:
        return known[-period.last_n_years :]
    if period.year_from is not None or period.year_to is not None:
        low = period.year_from if period.year_from is not None else (known[0] if known else 0)
        high = period.year_to if period.year_to is not None else (known[-1] if known else 9999)
        return [y for y in known if low <= y <= high] if known else [low, high]
    if slots.operation == "first_year":
        return known
    if (
        slots.operation in ("trend", "compare", "topn", "groupby", "rank_of", "count_groups")
        and slots.group_by == info.time_column
    ):
        return known
    return known[-1:]


def planned_measure(info: TableInfo, slots: QuerySlots) -> Measure:
    """The measure expression the plan computes: the card's measure, per N people when asked
    ("per 1,000 people"), in the unit asked for ("in hectares"). Labels and units say so."""
    measure = info.measures[slots.measure]
    if slots.per_unit is not None:
        base = info.measures[slots.per_unit.denominator]
        per = slots.per_unit.per
        measure = replace(
            measure,
            name=f"{measure.name}_per_{per:.0f}",
            expression=f"{per:.1f} * {measure.expression_for('sum')} / {base.expression}",
            column=None,
            aggregation="derived",
            unit="",
            label_ko=f"{base.label_ko} {per:,.0f}명당 {measure.label_ko}",
            label_en=f"{measure.label_en} per {per:,.0f} {base.label_en}",
        )
    if slots.answer_scale is not None:
        scale = slots.answer_scale
        measure = replace(
            measure,
            name=f"{measure.name}_converted",
            expression=f"{measure.expression_for(slots.aggregation)} * {scale.factor:g}",
            column=None,
            aggregation="derived",
            unit=scale.label_en,
            label_ko=measure.label_ko,
            label_en=measure.label_en,
        )
    return measure


class SqlBuilder:
    def __init__(self, layer: SemanticLayer) -> None:
        self.layer = layer

    def build(self, slots: QuerySlots) -> str:
        info = self.layer.table(slots.table)
        measure = planned_measure(info, slots)
        slots.resolved_years = resolve_years(slots, info)
        ctes: list[str] = []
        relation = info.name
        if measure.join:
            ctes.append(self._join_cte(info, measure))
            relation = "base"
        builder = getattr(self, f"_{slots.operation}")
        sql: str = builder(slots, info, measure, relation, ctes)
        return sql

    # -- pieces ----------------------------------------------------------------------------------
    def _join_cte(self, info: TableInfo, measure: Measure) -> str:
        assert measure.join is not None
        join = next(j for j in info.card.joins if j.table == measure.join)
        columns = [f"m.{name}" for name in info.column_names()]
        columns += [f"j.{name}" for name in measure.join_columns]
        condition = " AND ".join(f"m.{c} = j.{c}" for c in join.on)
        return (
            f"base AS (SELECT {', '.join(columns)} FROM {info.name} AS m "
            f"JOIN {measure.join} AS j ON {condition})"
        )

    def _where(
        self, slots: QuerySlots, info: TableInfo, *, skip: set[str] | None = None, years: bool = True
    ) -> list[str]:
        clauses: list[str] = []
        for column, values in slots.filters.items():
            if skip and column in skip:
                continue
            if len(values) == 1:
                clauses.append(f"{column} = {quote_value(values[0])}")
            else:
                clauses.append(f"{column} IN ({', '.join(quote_value(v) for v in values)})")
        if slots.period.month is not None and "month" in info.dimensions and "month" not in slots.filters:
            clauses.append(f"month = {slots.period.month}")
        if years and info.time_column and slots.resolved_years:
            clauses.append(self._year_clause(info.time_column, slots.resolved_years))
        return clauses

    @staticmethod
    def _year_clause(column: str, years: list[int]) -> str:
        if len(years) == 1:
            return f"{column} = {years[0]}"
        if years == list(range(years[0], years[-1] + 1)) and len(years) > 2:
            return f"{column} BETWEEN {years[0]} AND {years[-1]}"
        return f"{column} IN ({', '.join(str(y) for y in years)})"

    @staticmethod
    def _not_null(measure: Measure) -> list[str]:
        if measure.column and not measure.is_count and not measure.is_derived:
            return [f"{measure.column} IS NOT NULL"]
        return []

    @staticmethod
    def _labels(info: TableInfo, column: str | None) -> list[str]:
        if column is None:
            return []
        dimension = info.dimensions.get(column)
        if dimension and dimension.english_column:
            return [column, dimension.english_column]
        return [column]

    @staticmethod
    def _alias(measure: Measure) -> str:
        return "accidents" if measure.is_count else measure.name

    @staticmethod
    def _compose(ctes: list[str], body: str) -> str:
        return f"WITH {', '.join(ctes)} {body}" if ctes else body

    @staticmethod
    def _where_sql(clauses: list[str]) -> str:
        return f" WHERE {' AND '.join(clauses)}" if clauses else ""

    # -- operations ------------------------------------------------------------------------------
    def _value(
        self, slots: QuerySlots, info: TableInfo, measure: Measure, relation: str, ctes: list[str]
    ) -> str:
        expression = measure.expression_for(slots.aggregation)
        where = self._where_sql(self._where(slots, info))
        return self._compose(
            ctes, f"SELECT {expression} AS {self._alias(measure)} FROM {relation}{where} LIMIT 1"
        )

    def _grouped(
        self,
        slots: QuerySlots,
        info: TableInfo,
        measure: Measure,
        relation: str,
        ctes: list[str],
        order: str,
        limit: int,
        offset: int = 0,
    ) -> str:
        labels = self._labels(info, slots.group_by)
        expression = measure.expression_for(slots.aggregation)
        alias = self._alias(measure)
        where = self._where_sql(self._where(slots, info) + self._not_null(measure))
        having = ""
        if slots.threshold is not None:
            having = f" HAVING {expression} {slots.threshold.op} {slots.threshold.value:g}"
        select = ", ".join([*labels, f"{expression} AS {alias}"])
        group = f" GROUP BY {', '.join(labels)}" if labels else ""
        tail = f" OFFSET {offset}" if offset else ""
        return self._compose(
            ctes,
            f"SELECT {select} FROM {relation}{where}{group}{having} ORDER BY {order} LIMIT {limit}{tail}",
        )

    def _groupby(
        self, slots: QuerySlots, info: TableInfo, measure: Measure, relation: str, ctes: list[str]
    ) -> str:
        order = slots.group_by if slots.group_by == info.time_column else f"{self._alias(measure)} DESC"
        if order and slots.group_by != info.time_column:
            # Ties in the labels' order: the same rows in the same order on every engine and run.
            order = ", ".join([order, *self._labels(info, slots.group_by)])
        return self._grouped(slots, info, measure, relation, ctes, order or "1", MAX_GROUP_ROWS)

    def _compare(
        self, slots: QuerySlots, info: TableInfo, measure: Measure, relation: str, ctes: list[str]
    ) -> str:
        return self._grouped(slots, info, measure, relation, ctes, slots.group_by or "1", MAX_GROUP_ROWS)

    def _trend(
        self, slots: QuerySlots, info: TableInfo, measure: Measure, relation: str, ctes: list[str]
    ) -> str:
        slots.group_by = info.time_column
        return self._grouped(slots, info, measure, relation, ctes, info.time_column or "1", MAX_GROUP_ROWS)

    def _topn(
        self, slots: QuerySlots, info: TableInfo, measure: Measure, relation: str, ctes: list[str]
    ) -> str:
        """Top/bottom N (or the N-th) by RANK, so that ties are all shown rather than cut arbitrarily."""
        labels = self._labels(info, slots.group_by)
        expression = measure.expression_for(slots.aggregation)
        alias = self._alias(measure)
        direction = "ASC" if slots.order == "asc" else "DESC"
        where = self._where_sql(self._where(slots, info) + self._not_null(measure))
        having = ""
        if slots.threshold is not None:
            having = f" HAVING {expression} {slots.threshold.op} {slots.threshold.value:g}"
        group = f" GROUP BY {', '.join(labels)}" if labels else ""
        rank = f"RANK() OVER (ORDER BY {expression} {direction} NULLS LAST)"
        condition = f"{rank} = {slots.offset + 1}" if slots.offset else f"{rank} <= {slots.limit or 1}"
        order = ", ".join([f"{alias} {direction} NULLS LAST", *labels])
        return self._compose(
            ctes,
            f"SELECT {', '.join([*labels, f'{expression} AS {alias}'])} FROM {relation}"
            f"{where}{group}{having} QUALIFY {condition} ORDER BY {order} "
            f"LIMIT {MAX_GROUP_ROWS}",
        )

    def _rank_of(
        self, slots: QuerySlots, info: TableInfo, measure: Measure, relation: str, ctes: list[str]
    ) -> str:
        column = slots.group_by or info.place_column or ""
        labels = self._labels(info, column)
        expression = measure.expression_for(slots.aggregation)
        alias = self._alias(measure)
        direction = "ASC" if slots.order == "asc" else "DESC"
        where = self._where_sql(self._where(slots, info, skip={column}) + self._not_null(measure))
        ctes = [
            *ctes,
            f"ranked AS (SELECT {', '.join(labels)}, {expression} AS {alias}, "
            f"RANK() OVER (ORDER BY {expression} {direction}) AS rank, COUNT(*) OVER () AS ranked_count "
            f"FROM {relation}{where} GROUP BY {', '.join(labels)})",
        ]
        targets = ", ".join(quote_value(v) for v in slots.filters.get(column, []))
        return self._compose(
            ctes,
            f"SELECT {', '.join(labels)}, {alias}, rank, ranked_count FROM ranked "
            f"WHERE {column} IN ({targets}) ORDER BY rank LIMIT 10",
        )

    def _share(
        self, slots: QuerySlots, info: TableInfo, measure: Measure, relation: str, ctes: list[str]
    ) -> str:
        expression = measure.expression_for("sum" if not measure.is_count else None)
        alias = self._alias(measure)
        if slots.group_by and not slots.share_part:
            labels = self._labels(info, slots.group_by)
            where = self._where_sql(self._where(slots, info) + self._not_null(measure))
            return self._compose(
                ctes,
                f"SELECT {', '.join(labels)}, {expression} AS {alias}, "
                f"100.0 * {expression} / SUM({expression}) OVER () AS share_pct FROM {relation}{where} "
                f"GROUP BY {', '.join(labels)} ORDER BY share_pct DESC LIMIT {MAX_GROUP_ROWS}",
            )
        part_slots = slots.model_copy(
            update={"filters": {c: v for c, v in slots.filters.items() if c in slots.share_part}}
        )
        part = " AND ".join(self._where(part_slots, info, years=False))
        base = self._where_sql(self._where(slots, info, skip=set(slots.share_part)))
        part_expression = f"{expression} FILTER (WHERE {part})"
        return self._compose(
            ctes,
            f"SELECT {part_expression} AS part_value, {expression} AS total_value, "
            f"100.0 * {part_expression} / {expression} AS share_pct FROM {relation}{base} LIMIT 1",
        )

    def _ratio(
        self, slots: QuerySlots, info: TableInfo, measure: Measure, relation: str, ctes: list[str]
    ) -> str:
        assert slots.second_measure is not None
        second = info.measures[slots.second_measure]
        factor = "100.0 * " if measure.unit == second.unit else "1.0 * "
        expression = f"{factor}{measure.expression} / {second.expression}"
        labels = self._labels(info, slots.group_by)
        where = self._where_sql(self._where(slots, info))
        select = ", ".join(
            [
                *labels,
                f"{measure.expression} AS {measure.name}",
                f"{second.expression} AS {second.name}",
                f"{expression} AS ratio",
            ]
        )
        direction = "ASC" if slots.order == "asc" else "DESC"
        group = f" GROUP BY {', '.join(labels)}" if labels else ""
        if labels and slots.limit:
            group += f" QUALIFY RANK() OVER (ORDER BY {expression} {direction}) <= {slots.limit}"
        if labels:
            group += f" ORDER BY ratio {direction}"
        return self._compose(ctes, f"SELECT {select} FROM {relation}{where}{group} LIMIT {MAX_GROUP_ROWS}")

    def _change(
        self, slots: QuerySlots, info: TableInfo, measure: Measure, relation: str, ctes: list[str]
    ) -> str:
        years = slots.resolved_years
        start, end = years[0], years[-1]
        slots.resolved_years = [start, end]
        time = info.time_column
        aggregation = slots.aggregation if slots.aggregation in ("sum", "avg") else None
        expression = measure.expression_for(aggregation)
        labels = self._labels(info, slots.group_by)
        where = self._where_sql(self._where(slots, info))
        select = [
            *labels,
            f"{expression} FILTER (WHERE {time} = {start}) AS start_value",
            f"{expression} FILTER (WHERE {time} = {end}) AS end_value",
        ]
        group = f" GROUP BY {', '.join(labels)}" if labels else ""
        ctes = [*ctes, f"v AS (SELECT {', '.join(select)} FROM {relation}{where}{group})"]
        outer = [
            *labels,
            "start_value",
            "end_value",
            "end_value - start_value AS change",
            "100.0 * (end_value - start_value) / start_value AS change_pct",
        ]
        if labels:
            direction = "ASC" if slots.order == "asc" else "DESC"
            limit = slots.limit or MAX_GROUP_ROWS
            return self._compose(
                ctes,
                f"SELECT {', '.join(outer)} FROM v WHERE start_value IS NOT NULL AND "
                f"end_value IS NOT NULL ORDER BY change {direction} LIMIT {limit}",
            )
        return self._compose(ctes, f"SELECT {', '.join(outer)} FROM v LIMIT 1")

    def _count_groups(
        self, slots: QuerySlots, info: TableInfo, measure: Measure, relation: str, ctes: list[str]
    ) -> str:
        labels = self._labels(info, slots.group_by or info.place_column)
        expression = measure.expression_for(slots.aggregation)
        where = self._where_sql(self._where(slots, info))
        having = ""
        if slots.threshold is not None:
            having = f" HAVING {expression} {slots.threshold.op} {slots.threshold.value:g}"
        ctes = [
            *ctes,
            f"groups AS (SELECT {', '.join(labels)}, {expression} AS value FROM {relation}{where} "
            f"GROUP BY {', '.join(labels)}{having})",
        ]
        return self._compose(ctes, "SELECT COUNT(*) AS group_count FROM groups LIMIT 1")

    # -- two-step operations -----------------------------------------------------------------------
    def _pair(
        self, slots: QuerySlots, info: TableInfo, measure: Measure, relation: str, ctes: list[str]
    ) -> list[str]:
        """A CTE `pair` with the measure for the two operands (two places, two years or two values),
        or with the two measures of a measure pair."""
        if not slots.operands and slots.second_measure:
            second = info.measures[slots.second_measure]
            where = self._where_sql(self._where(slots, info))
            return [
                *ctes,
                f"pair AS (SELECT {measure.expression} AS first_value, {second.expression} AS second_value "
                f"FROM {relation}{where})",
            ]
        column = slots.group_by or ""
        first, second = slots.operands
        if column == info.time_column:
            slots.resolved_years = [first, second]
        where = self._where_sql(self._where(slots, info) + self._not_null(measure))
        expression = measure.expression_for(slots.aggregation)
        return [
            *ctes,
            f"v AS (SELECT {column}, {expression} AS value FROM {relation}{where} GROUP BY {column})",
            f"pair AS (SELECT MAX(value) FILTER (WHERE {column} = {quote_value(first)}) AS first_value, "
            f"MAX(value) FILTER (WHERE {column} = {quote_value(second)}) AS second_value FROM v)",
        ]

    def _difference(
        self, slots: QuerySlots, info: TableInfo, measure: Measure, relation: str, ctes: list[str]
    ) -> str:
        # "How many fewer A than B" asks for B - A; the sentence names the direction either way.
        gap = "second_value - first_value" if slots.fewer else "first_value - second_value"
        return self._compose(
            self._pair(slots, info, measure, relation, ctes),
            f"SELECT first_value, second_value, {gap} AS difference FROM pair LIMIT 1",
        )

    def _times(
        self, slots: QuerySlots, info: TableInfo, measure: Measure, relation: str, ctes: list[str]
    ) -> str:
        return self._compose(
            self._pair(slots, info, measure, relation, ctes),
            "SELECT first_value, second_value, 1.0 * first_value / NULLIF(second_value, 0) AS times "
            "FROM pair LIMIT 1",
        )

    def _first_year(
        self, slots: QuerySlots, info: TableInfo, measure: Measure, relation: str, ctes: list[str]
    ) -> str:
        """The first (or last) year in which the condition held, with the year's value(s)."""
        assert slots.threshold is not None and info.time_column
        time = info.time_column
        expression = measure.expression_for(slots.aggregation)
        threshold = slots.threshold
        values = [f"{expression} AS value"]
        if threshold.other_measure:
            other = info.measures[threshold.other_measure].expression
            values.append(f"{other} AS other_value")
            condition = f"{expression} {threshold.op} {other}"
        else:
            condition = f"{expression} {threshold.op} {threshold.value:g}"
        where = self._where_sql(self._where(slots, info) + self._not_null(measure))
        direction = "DESC" if slots.order == "desc" else "ASC"
        ctes = [
            *ctes,
            f"years AS (SELECT {time}, {', '.join(values)} FROM {relation}{where} GROUP BY {time} "
            f"HAVING {condition})",
        ]
        columns = ", ".join([time, "value", *(["other_value"] if threshold.other_measure else [])])
        return self._compose(ctes, f"SELECT {columns} FROM years ORDER BY {time} {direction} LIMIT 1")

    def _average_across(
        self, slots: QuerySlots, info: TableInfo, measure: Measure, relation: str, ctes: list[str]
    ) -> str:
        """The plain mean of the places' values: each district counts once, whatever its size."""
        column = slots.group_by or info.place_column or ""
        where = self._where_sql(self._where(slots, info) + self._not_null(measure))
        ctes = [
            *ctes,
            f"groups AS (SELECT {column}, {measure.expression_for(None)} AS value FROM {relation}{where} "
            f"GROUP BY {column})",
        ]
        return self._compose(
            ctes, "SELECT COUNT(*) AS group_count, AVG(value) AS average_value FROM groups LIMIT 1"
        )
