"""The rule-based question parser: a statistics question (Korean or English) -> QuerySlots.

It maps words onto the semantic layer (measures, dimensions, values, places), reads the period and the
operation cues, and resolves follow-ups against the previous question's slots. When a part of a
statistics question cannot be mapped with confidence (a place outside Busan, a year outside the data,
an unknown measure) it returns no slots and names the part — it never guesses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.sql.age_brackets import AgeGroup, age_column, find_age_groups
from assistant.sql.coverage import is_filler
from assistant.sql.gazetteer import Place
from assistant.sql.korean import content_nouns
from assistant.sql.mentions import GENERIC_MEASURE_WORDS, Mentions, collect_mentions
from assistant.sql.phrase_matcher import Match, normalise
from assistant.sql.plan_units import (
    answer_scale,
    blank,
    check_age_groups,
    find_per_unit,
    per_unit_plan,
    share_measure_for_percent,
    size_question,
    threshold_in_column_unit,
    yearly_qualifiers,
)
from assistant.sql.question_cues import (
    FoundThreshold,
    direction_words,
    expand_abbreviations,
    expand_short_years,
    extract_ordinal,
    extract_period,
    extract_top_n,
    find_threshold,
    has_cue,
    sort_direction,
)
from assistant.sql.semantic_layer import Measure, SemanticLayer, TableInfo, fold_plural
from assistant.sql.slots import Period, QuerySlots
from assistant.sql.spelling import correct_place_spellings, correct_rate_suffix, correct_word_spellings
from assistant.sql.two_step import COMPARISON_WORDS, plan_two_step_operation
from assistant.sql.units import answer_unit, column_unit

_UNKNOWN_EN_PLACE = re.compile(r"\b([a-z]+)-(gu|gun|si|dong)\b")
_UNKNOWN_KO_PLACE = re.compile(r"(?<![가-힣])([가-힣]{1,4}[구군])(?=[은는이가의에와과도을를만 ,?.]|에서|$)")
_NOT_PLACES = {
    "인구",
    "지구",
    "연구",
    "가구",
    "요구",
    "자치구",
    "행정구",
    "선거구",
    "항구",
    "입구",
    "출구",
    "도구",
    "친구",
    "추구",
    "탐구",
    "기구",
    "욕구",
    "구군",
    "아군",
    "육군",
    "해군",
    "공군",
    "장군",
    "국군",
    "어느구",
    "어떤구",
    "각구",
    "모든구",
    "몇구",
    "해당구",
    "우리구",
    "전구",
    "구·군",
    "시군구",
    "시·군·구",
}
_TABLE_PRIORITY = [
    "population_by_district_2025",
    "air_quality_by_district",
    "port_container_throughput",
    "births_by_province",
    "district_land_area",
    "traffic_fatal_accidents_2020",
]
_STOPWORDS = {
    "what",
    "was",
    "is",
    "the",
    "of",
    "in",
    "a",
    "an",
    "for",
    "how",
    "many",
    "much",
    "which",
    "were",
    "are",
    "did",
    "does",
    "do",
    "busan",
    "and",
    "to",
    "by",
    "at",
    "on",
    "with",
    "there",
    "that",
    "this",
    "number",
    "total",
    "average",
    "highest",
    "lowest",
    "most",
    "least",
    "year",
    "s",
    "'s",
    "tell",
    "me",
    "show",
    "give",
    "please",
    "about",
    "between",
    "since",
    "from",
    "than",
    "its",
    "it",
}


@dataclass
class ParseResult:
    slots: QuerySlots | None
    is_statistical: bool
    unmapped: list[str] = field(default_factory=list)
    # The normalised question, the spans the layer matched, and the matched phrases the slots leave
    # unused: what `assistant.sql.coverage` audits.
    text: str = ""
    matched_spans: list[tuple[int, int]] = field(default_factory=list)
    unused_mentions: list[str] = field(default_factory=list)


# Operations whose SQL applies `slots.threshold` (HAVING or the first/last-year condition).
_APPLY_THRESHOLD = {"groupby", "compare", "trend", "topn", "count_groups", "first_year"}


class QuestionParser:
    """Parses questions against one semantic layer."""

    def __init__(self, layer: SemanticLayer) -> None:
        self.layer = layer

    # -- entry point -----------------------------------------------------------------------------
    def parse(self, question: str, previous: QuerySlots | None = None) -> ParseResult:
        # Memo shorthand and common misspellings first: "Pop. of Haeundea-gu in '19", "고령화률"
        text = expand_abbreviations(correct_place_spellings(normalise(question), self.layer.gazetteer))
        text = correct_word_spellings(correct_rate_suffix(text), self.layer.english_words)
        text = expand_short_years(text)
        period, mentioned_years = extract_period(text)
        # Age groups and "per 1,000 people" hold numbers that are no threshold: read them first.
        ages = find_age_groups(text)
        per_unit = find_per_unit(text)
        extra_spans = [(group.start, group.end) for group in ages]
        if per_unit:
            extra_spans.append(per_unit[1])
        found = find_threshold(blank(text, extra_spans))
        mentions = collect_mentions(self._with_age_groups(self.layer.matcher.find(text), ages), text)
        threshold = _threshold_not_in_a_phrase(found, mentions)
        if threshold is not None:
            extra_spans.append((threshold.start, threshold.end))
        cue_text = re.sub(r"(?<!\d)(19|20)\d\d(?!\d)", " ", blank(mentions.rest, extra_spans))
        unmapped = self._unknown_places(mentions)
        if has_cue("document", text) and not (
            mentions.measures and has_cue("statistical", cue_text) and not has_cue("document", mentions.rest)
        ):
            return ParseResult(None, False)
        choice = (
            self._choose_measure(mentions, period, previous)
            or self._measure_by_unit(text)
            or (
                self._measure_by_words(mentions.rest, extra_spans)
                if mentions.places or mentioned_years
                else None
            )
        )
        is_followup = previous is not None and (choice is None or has_cue("followup", text))
        if choice is None and is_followup and previous is not None:
            choice = (previous.table, previous.measure, previous.second_measure)
        if choice is None:
            statistical = has_cue("statistical", text) and bool(
                mentions.places or mentioned_years or unmapped or mentions.dimensions or mentions.tables
            )
            if statistical:
                unmapped.append(f"measure '{self._unknown_measure_text(question, mentions)}'")
                unmapped += [f"age group '{group.label()}' (no table has it)" for group in ages]
            return ParseResult(None, statistical, unmapped)
        table_name, measure_name, second = choice
        info = self.layer.table(table_name)
        if (
            measure_name == "total_population"
            and self._asks_year(mentioned_years, 2023)
            and "district_land_area" in self.layer.tables
        ):
            table_name, measure_name, info = (
                "district_land_area",
                "population_2023",
                self.layer.table("district_land_area"),
            )
        slots = self._base_slots(table_name, measure_name, second, previous if is_followup else None)
        filters, place_unmapped = self._place_filters(mentions, info)
        unmapped += place_unmapped
        filters.update(self._value_filters(mentions, info))
        for column, values in filters.items():
            slots.filters[column] = values
        if not period.is_empty() or period.month is not None:
            month = period.month if period.month is not None else None
            if is_followup and period.is_empty():
                period = slots.period.model_copy(update={"month": month})
            slots.period = period
        unmapped += self._check_period(info, slots.period, mentioned_years)
        measure = info.measures[slots.measure]
        unmapped += check_age_groups(ages, info)
        plan_spans = list(extra_spans)
        slot_threshold = None
        if threshold is not None:
            share = share_measure_for_percent(threshold, info, measure)
            if share is not None:  # "65세 이상이 20% 넘는 구": the condition is on the 65+ share
                slots.measure, measure = share.name, share
            slot_threshold = threshold_in_column_unit(threshold, measure, unmapped)
        per = per_unit_plan(per_unit, info, unmapped)
        scale = answer_scale(text, measure, unmapped, plan_spans)
        full_text = re.sub(r"(?<!\d)(19|20)\d\d(?!\d)", " ", text)
        self._decide_operation(slots, info, mentions, cue_text, full_text, slot_threshold, is_followup)
        if per is not None or scale is not None or not is_followup:
            slots.per_unit, slots.answer_scale = per, scale
        plan_two_step_operation(slots, info, mentions, text, blank(text, extra_spans), slot_threshold)
        _years_when(slots, info, text)
        if unmapped:
            return ParseResult(None, True, unmapped)
        if threshold is not None and (slots.threshold is None or slots.operation not in _APPLY_THRESHOLD):
            # a condition the operation does not apply is left for the coverage audit to refuse
            plan_spans.remove((threshold.start, threshold.end))
        spans = mentions.spans + plan_spans + yearly_qualifiers(text, mentions, info)
        spans += size_question(text, info.measures[slots.measure])
        if slots.threshold is not None and slots.threshold.other_measure:
            # "deaths were fewer than births": the comparison words are the plan's condition
            spans += [(m.start(), m.end()) for p in COMPARISON_WORDS for m in p.finditer(text)]
        unused = self._unused_mentions(mentions, slots) + self._places_lost_in_phrases(text, mentions)
        return ParseResult(slots, True, [], text, spans, unused)

    def _with_age_groups(self, matches: list[Match], groups: list[AgeGroup]) -> list[Match]:
        """Add each age group as a mention of the age columns covering it ("15세 미만" -> age_0_14),
        unless a longer phrase of the layer already names that column."""
        result = list(matches)
        for group in groups:
            payloads = tuple(
                ("measure", name, column)
                for name, info in self.layer.tables.items()
                if (column := age_column(info, group))
            )
            overlapping = [m for m in result if m.start < group.end and group.start < m.end]
            if any(m.start < group.start or group.end < m.end for m in overlapping):
                continue  # a longer phrase of the layer ("65세 이상 인구 비율") names the measure
            result = [m for m in result if m not in overlapping]
            if payloads:
                result.append(Match(group.start, group.end, f"age {group.label()}", payloads))
        return sorted(result, key=lambda m: m.start)

    def _unused_mentions(self, mentions: Mentions, slots: QuerySlots) -> list[str]:
        """Phrases the layer recognised that the slots do not act on (another measure, a value or a
        place that filters nothing)."""
        unused: list[str] = []
        measures = {slots.measure}
        if slots.operation in ("ratio", "share") and slots.second_measure:
            measures.add(slots.second_measure)
        if slots.operation in ("difference", "times") and not slots.operands and slots.second_measure:
            measures.add(slots.second_measure)  # a measure pair: "more deaths than births"
        if slots.threshold and slots.threshold.other_measure:
            measures.add(slots.threshold.other_measure)
        if slots.measure.endswith("_share_pct"):
            measures.add(slots.measure.removesuffix("_share_pct"))  # "65+ above 20%": the share of 65+
        info = self.layer.table(slots.table)
        for match, candidates in mentions.measures:
            if match.phrase in GENERIC_MEASURE_WORDS:
                continue
            # The table's row count names its subject ("교통사고 사망자 수": deaths in traffic accidents).
            subject = any(
                table == slots.table and name in info.measures and info.measures[name].is_count
                for table, name in candidates
            )
            if not subject and not any(name in measures for _table, name in candidates):
                unused.append(match.phrase)
        for match, values in mentions.values:
            columns = {column for table, column, value in values if value in slots.filters.get(column, [])}
            if not columns:
                unused.append(match.phrase)
            elif len(columns) > 1:  # one word filtering two columns ("이륜차" as offender and victim)
                unused.append(f"{match.phrase} ({' or '.join(sorted(columns))})")
        filtered = {str(value) for values in slots.filters.values() for value in values}
        for match, places in mentions.places:
            if any(_is_busan_itself(place) for place in places):
                continue
            if not any(place.name in filtered or place.name_en in filtered for place in places):
                unused.append(match.phrase)
        return unused

    def _places_lost_in_phrases(self, text: str, mentions: Mentions) -> list[str]:
        """Place names written in the question that no place mention holds: a longer phrase of the
        layer swallowed them, so no filter was made and the SQL would answer for the whole city."""
        kept = [match for match, _places in mentions.places]
        lost: list[str] = []
        for name in self.layer.matcher.names_in(text):
            places = [payload[1] for payload in name.payloads if payload[0] == "place"]
            if any(k.start <= name.start and name.end <= k.end for k in kept) or all(
                _is_busan_itself(place) or place.kind == "other" for place in places
            ):
                continue
            lost.append(name.phrase)
        return lost

    # -- measure and table -----------------------------------------------------------------------
    def _choose_measure(
        self, mentions: Mentions, period: Period, previous: QuerySlots | None
    ) -> tuple[str, str, str | None] | None:
        scores: dict[str, float] = {}
        for _match, candidates in mentions.measures:
            for table in {t for t, _m in candidates}:
                scores[table] = scores.get(table, 0) + 3
        if not scores:
            for table in mentions.tables:
                if self._default_measure(self.layer.table(table)):
                    scores[table] = 3
        if not scores:
            return None
        for table in mentions.tables:
            if table in scores:
                scores[table] += 2
        for _match, value_candidates in mentions.values:
            for table in {c[0] for c in value_candidates}:
                if table in scores:
                    scores[table] += 2
        for _match, dims in mentions.dimensions:
            for table in {t for t, _c in dims}:
                if table in scores:
                    scores[table] += 0.5
        for _match, places in mentions.places:
            kinds = {place.kind for place in places}
            for table in scores:
                kind = self.layer.table(table).place_kind
                if kind in kinds and kind != "district":
                    scores[table] += 1.5 if len(kinds) == 1 else 0.5
                if kind == "district" and "district" in kinds:
                    scores[table] += 1
        years = period.years + [y for y in (period.year_from, period.year_to) if y]
        for table in scores:
            info = self.layer.table(table)
            if years and info.years and all(info.years[0] <= y <= info.years[-1] for y in years):
                scores[table] += 1
        if previous is not None and previous.table in scores:
            scores[previous.table] += 0.5
        best = max(
            scores, key=lambda t: (scores[t], -_TABLE_PRIORITY.index(t) if t in _TABLE_PRIORITY else -99)
        )
        info = self.layer.table(best)
        ranked: list[tuple[float, str]] = []
        for match, candidates in mentions.measures:
            for table, name in candidates:
                if table != best:
                    continue
                measure = info.measures[name]
                weight = float(match.end - match.start)
                if match.phrase in GENERIC_MEASURE_WORDS:
                    weight -= 10
                if measure.is_count:
                    weight -= 20
                ranked.append((weight, name))
        if not ranked:
            default = self._default_measure(info)
            return (best, default, None) if default else None
        ranked.sort(key=lambda item: -item[0])
        names = list(dict.fromkeys(name for _w, name in ranked))
        second = names[1] if len(names) > 1 else None
        return best, names[0], second

    def _measure_by_words(
        self, rest: str, spans: list[tuple[int, int]]
    ) -> tuple[str, str, str | None] | None:
        """ "Busan's divorce count in 2019": no measure phrase is written out, but an English word of
        the question belongs to one measure's names alone ("divorce" → divorces). Asked only of a
        question naming a place or a year; short words ("fine", "area") are too often about
        something else. Taken when one measure has the most such words, which are then used (added
        to `spans`)."""
        found: dict[tuple[str, str], list[re.Match[str]]] = {}
        for match in re.finditer(r"[a-z]{5,}", rest):
            if is_filler(match.group(0)):
                continue
            owners = self.layer.measure_words.get(fold_plural(match.group(0)), ())
            if len(owners) == 1:
                found.setdefault(owners[0], []).append(match)
        if not found:
            return None
        ranked = sorted(found.items(), key=lambda item: -len(item[1]))
        if len(ranked) > 1 and len(ranked[1][1]) == len(ranked[0][1]):
            return None  # two measures fit as well: which one is meant is a guess
        (table, name), matches = ranked[0]
        spans.extend(match.span() for match in matches)
        return table, name, None

    def _measure_by_unit(self, text: str) -> tuple[str, str, str | None] | None:
        """ "How large is Gijang-gun in hectares?": the one measure whose unit is of the asked kind."""
        wanted = answer_unit(text)
        if (
            wanted is None
            or wanted.unit is None
            or wanted.unit.kind in ("people", "cases", "places", "percent")
        ):
            return None
        fits = [
            (info.name, measure.name)
            for info in self.layer.tables.values()
            for measure in info.measures.values()
            if not measure.is_derived
            and (unit := column_unit(measure.unit))
            and unit[0].kind == wanted.unit.kind
        ]
        return (fits[0][0], fits[0][1], None) if len(fits) == 1 else None

    @staticmethod
    def _default_measure(info: TableInfo) -> str | None:
        """The measure a bare mention of the table means: its row count, or its only measure."""
        count = next((m.name for m in info.measures.values() if m.is_count), None)
        if count:
            return count
        plain = [m.name for m in info.measures.values() if not m.is_derived]
        return plain[0] if len(plain) == 1 else None

    @staticmethod
    def _asks_year(years: list[int], year: int) -> bool:
        return bool(years) and all(y == year for y in years)

    def _base_slots(
        self, table: str, measure: str, second: str | None, previous: QuerySlots | None
    ) -> QuerySlots:
        if previous is None:
            return QuerySlots(table=table, measure=measure, second_measure=second)
        slots = previous.model_copy(deep=True)
        slots.resolved_years = []
        if previous.table != table:
            columns = set(self.layer.table(table).column_names())
            slots.filters = {c: v for c, v in slots.filters.items() if c in columns}
            if self.layer.table(table).time_column is None:
                slots.period = Period()
            slots.share_part = []
        if previous.measure != measure or previous.table != table:
            slots.second_measure = second if previous.second_measure is None else slots.second_measure
        slots.table, slots.measure = table, measure
        return slots

    # -- places, values, periods -----------------------------------------------------------------
    def _unknown_places(self, mentions: Mentions) -> list[str]:
        unmapped = [
            f"place '{places[0].name_en}' (not covered by the Busan tables)"
            for _m, places in mentions.places
            if all(p.kind == "other" for p in places)
        ]
        for match in _UNKNOWN_EN_PLACE.finditer(mentions.rest):
            unmapped.append(f"district '{match.group(0)}' (not a Busan district)")
        for match in _UNKNOWN_KO_PLACE.finditer(mentions.rest):
            if match.group(1) not in _NOT_PLACES:
                unmapped.append(f"district '{match.group(1)}' (not a Busan district)")
        return unmapped

    def _place_filters(self, mentions: Mentions, info: TableInfo) -> tuple[dict[str, list[Any]], list[str]]:
        filters: dict[str, list[Any]] = {}
        unmapped: list[str] = []
        for _match, places in mentions.places:
            if all(p.kind == "other" for p in places):
                continue
            chosen = self._resolve_place(places, info)
            if chosen is None:
                place = places[0]
                if (
                    place.kind == "province"
                    and place.name == "부산광역시"
                    or place.kind == "port"
                    and place.name == "Busan"
                ):
                    continue  # "Busan" on a Busan-only table: the whole city, no filter
                unmapped.append(f"{place.kind} '{place.name_en}' (the table {info.name} does not cover it)")
                continue
            column, value = chosen
            if value not in filters.setdefault(column, []):
                filters[column].append(value)
        return filters, unmapped

    @staticmethod
    def _resolve_place(places: list[Place], info: TableInfo) -> tuple[str, str] | None:
        kind = info.place_kind
        for place in places:
            if place.kind == kind and info.place_column:
                return info.place_column, place.name
        if kind == "port":
            for place in places:
                if place.kind == "province" and place.name_en in {"Busan", "Incheon"}:
                    return "port", place.name_en
        return None

    @staticmethod
    def _value_filters(mentions: Mentions, info: TableInfo) -> dict[str, list[Any]]:
        filters: dict[str, list[Any]] = {}
        for _match, candidates in mentions.values:
            for table, column, value in candidates:
                if table == info.name and value not in filters.setdefault(column, []):
                    filters[column].append(value)
        return {c: v for c, v in filters.items() if v}

    @staticmethod
    def _check_period(info: TableInfo, period: Period, mentioned_years: list[int]) -> list[str]:
        unmapped: list[str] = []
        year_text = info.card.as_of[:4]  # a drafted card may have no as-of date yet
        as_of_year = int(year_text) if year_text.isdigit() else None
        if info.time_column is None:
            wanted = set(period.years) | {y for y in (period.year_from, period.year_to) if y}
            wrong = sorted(y for y in wanted if y != as_of_year)
            if wrong or period.last_n_years:
                unmapped.append(
                    f"year {', '.join(map(str, wrong)) or 'range'} (the table {info.name} "
                    f"only has {info.card.as_of[:7]})"
                )
            if (
                period.month is not None
                and info.name == "population_by_district_2025"
                and period.month != int(info.card.as_of[5:7])
            ):
                unmapped.append(f"month {period.month} (the table has {info.card.as_of[:7]} only)")
            return unmapped
        if info.years:
            low, high = info.years[0], info.years[-1]
            for year in mentioned_years:
                if not low <= year <= high:
                    unmapped.append(f"year {year} (the data covers {low}-{high})")
        if period.month is not None and "month" not in info.column_names():
            # "births in March 2021" from a yearly table would be the whole year's births
            unmapped.append(f"month {period.month} (the table {info.name} has yearly figures only)")
        return unmapped

    # -- operation -------------------------------------------------------------------------------
    def _decide_operation(
        self,
        slots: QuerySlots,
        info: TableInfo,
        mentions: Mentions,
        cue_text: str,
        full_text: str,
        threshold: Any,
        is_followup: bool,
    ) -> None:
        measure = info.measures[slots.measure]
        cues = {
            name: has_cue(name, cue_text)
            for name in (
                "desc",
                "asc",
                "avg",
                "sum",
                "trend",
                "change",
                "share",
                "ratio",
                "rank",
                "compare",
                "group",
            )
        }
        cues.update(
            {
                name: has_cue(name, full_text)
                for name in ("which", "year_target", "month_target", "count_groups")
            }
        )
        # "30% 넘는 구 몇 개예요?": a bare count word over a condition counts the rows meeting it
        cues["count_groups"] |= threshold is not None and has_cue("count_words", full_text)
        if not (cues["desc"] or cues["asc"]) and re.search(r"(가장|제일)\s*§", cue_text):
            # "가장 넓은 구": the superlative's adjective is itself the measure's word (넓은 = area)
            cues["desc"] = True
        ordinal = extract_ordinal(full_text)
        explicit_top = extract_top_n(full_text, explicit_only=True)
        # "인구 적은 구 3곳": a plain adjective makes "3곳" the N of a ranking as "가장 적은" would
        # (read on the full text: "넓은" is also a word of the area measure)
        ranked = cues["desc"] or cues["asc"] or bool(direction_words(full_text, top_n_form=True))
        top_n = explicit_top or (extract_top_n(full_text) if ranked else None)
        group_dim = self._group_dimension(mentions, info, cue_text)
        any_cue = (
            any(cues.values())
            or ordinal is not None
            or top_n is not None
            or group_dim is not None
            or threshold is not None
        )
        if is_followup and not any_cue:
            if slots.operation in ("difference", "times", "first_year", "average_across"):
                # the previous question's operands or condition do not carry over to a new place
                slots.operation, slots.operands, slots.threshold, slots.group_by = "value", [], None, None
            if (
                slots.operation in ("topn", "rank_of")
                and slots.group_by == info.time_column
                and len(slots.period.years) == 1
            ):
                slots.operation = "value"
            self._normalise_compare(slots, info)
            return
        slots.threshold = threshold
        slots.operands, slots.fewer = [], False
        slots.aggregation = "avg" if cues["avg"] else "sum" if cues["sum"] and not measure.is_count else None
        slots.limit, slots.offset, slots.group_by, slots.share_part = None, 0, None, []
        period = slots.period
        time_column = info.time_column
        two_points = (
            len(period.years) == 2
            or (period.year_from is not None and period.year_to is not None)
            or period.last_n_years is not None
            or (period.year_from is not None and cues["change"])
        )
        multi = next((c for c, v in slots.filters.items() if len(v) >= 2), None)
        place_column = info.place_column
        single_place = bool(place_column and len(slots.filters.get(place_column, [])) == 1)
        sort = cues["desc"] or cues["asc"] or ordinal is not None or top_n is not None
        part_columns = [c for c in slots.filters if c != time_column]
        if (
            slots.second_measure
            and (cues["ratio"] or cues["share"])
            and info.measures[slots.second_measure].aggregation == "sum"
            and measure.aggregation == "sum"
        ):
            slots.operation = "ratio"
            slots.group_by = group_dim
            if sort and not single_place:
                # "Which district has the most 65+ residents as a share of its population?": rank the
                # districts by the ratio, never one city-wide ratio for a "which" question.
                slots.group_by = group_dim or place_column
                slots.order = sort_direction(cue_text, top_n_form=top_n is not None)
                slots.limit = top_n or 1
        elif (
            cues["share"]
            and not cues["change"]
            and not measure.is_percentage
            and (part_columns or group_dim)
            and measure.aggregation in ("sum", "count")
        ):
            slots.operation = "share"
            slots.share_part = [] if group_dim and not part_columns else part_columns
            slots.group_by = group_dim if not part_columns else None
        elif cues["change"] and two_points and time_column and not cues["trend"]:
            slots.operation = "change"
            slots.group_by = group_dim if group_dim != time_column else None
            if slots.group_by or (sort and not single_place):
                slots.group_by = slots.group_by or place_column
                slots.order = (
                    "asc"
                    if cues["asc"] or re.search(r"decreas|fell|drop|declin|감소|줄|하락|떨어", cue_text)
                    else "desc"
                )
                slots.limit = top_n or (1 if sort else None)
        elif cues["rank"] and ordinal is None and single_place and not sort:
            slots.operation = "rank_of"
            slots.group_by = place_column
            slots.order = "asc" if cues["asc"] else "desc"
        elif sort and not (cues["count_groups"] and threshold is not None):
            slots.operation = "topn"
            slots.order = sort_direction(cue_text, top_n_form=top_n is not None)
            slots.group_by = self._target_dimension(slots, info, mentions, cues, group_dim, single_place)
            if ordinal is not None:
                slots.limit, slots.offset = 1, ordinal - 1
            else:
                slots.limit = top_n or 1
        elif (
            (cues["trend"] or (period.is_range() and not cues["avg"] and not cues["sum"]))
            and time_column
            and group_dim in (None, time_column)
            # "how many districts had annual precipitation above 2 m in 2020": a count, not a trend
            and not (cues["count_groups"] and threshold is not None and len(period.years) == 1)
        ):
            slots.operation = "trend"
            slots.group_by = time_column
        elif multi or (len(period.years) >= 2 and time_column):
            slots.operation = "compare"
            slots.group_by = multi or time_column
            if cues["change"] and multi is None:
                slots.operation = "change"
                slots.group_by = None
        elif cues["count_groups"] and (threshold is not None or group_dim or not measure.is_count):
            slots.operation = "count_groups"
            slots.group_by = _counted_dimension(full_text, info) or group_dim or place_column
        elif group_dim or threshold is not None:
            slots.operation = "groupby"
            slots.group_by = group_dim or place_column
        else:
            slots.operation = "value"
        self._normalise_compare(slots, info)

    @staticmethod
    def _normalise_compare(slots: QuerySlots, info: TableInfo) -> None:
        if slots.operation == "value":
            multi = next((c for c, v in slots.filters.items() if len(v) >= 2), None)
            if multi:
                slots.operation, slots.group_by = "compare", multi
            elif len(slots.period.years) >= 2 and info.time_column:
                slots.operation, slots.group_by = "compare", info.time_column

    def _group_dimension(self, mentions: Mentions, info: TableInfo, cue_text: str) -> str | None:
        for match, dims in mentions.dimensions:
            columns = [c for t, c in dims if t == info.name]
            if not columns:
                continue
            grouped = (
                match.phrase.endswith(("별", "별로"))
                or match.phrase.startswith(("by ", "per ", "each "))
                or self._grouping_context(mentions.rest, match)
            )
            if grouped:
                return columns[0]
        if (
            info.time_column
            and has_cue("trend", cue_text)
            and re.search(
                r"연도별|해마다|매년|by year|per year|each year|every year|year by year|yearly|annual",
                cue_text,
            )
        ):
            return info.time_column
        if info.place_column and re.search(
            r"(각|모든)\s*(구|구군|구·군|자치구|시도|항만)|(구|구군|시도|항만)\s*(마다|별로)", cue_text
        ):
            return info.place_column
        return None

    @staticmethod
    def _grouping_context(rest: str, match: Match) -> bool:
        before = rest[max(0, match.start - 22) : match.start]
        after = rest[match.end : match.end + 6]
        return bool(
            re.search(r"\b(by|per|each|every|all|for each|for every|across|of all|breakdown)\s*$", before)
            or re.search(r"(각|모든)\s*$", before)
            or re.match(r"\s*(마다|별)", after)
        )

    def _target_dimension(
        self,
        slots: QuerySlots,
        info: TableInfo,
        mentions: Mentions,
        cues: dict[str, bool],
        group_dim: str | None,
        single_place: bool,
    ) -> str | None:
        if cues["year_target"] and info.time_column:
            return info.time_column
        if cues["month_target"] and "month" in info.dimensions:
            return "month"
        if group_dim:
            return group_dim
        for _match, dims in mentions.dimensions:
            for table, column in dims:
                if (
                    table == info.name
                    and column != info.time_column
                    and not (column in slots.filters and len(slots.filters[column]) == 1)
                ):
                    return column
        if single_place and info.time_column and len(slots.period.years) != 1:
            return info.time_column
        return info.place_column

    def _unknown_measure_text(self, question: str, mentions: Mentions) -> str:
        words = [
            w for w in re.findall(r"[A-Za-z][A-Za-z0-9\.\-]*", mentions.rest) if w.lower() not in _STOPWORDS
        ]
        nouns = content_nouns(mentions.rest)
        parts = [w for w in words if len(w) > 1] + [
            n for n in nouns if n not in {"년", "월", "구", "수", "몇"}
        ]
        return " ".join(parts[:4]) or question.strip()[:40]


def _years_when(slots: QuerySlots, info: TableInfo, text: str) -> None:
    """ "In which years did the port of Busan handle more than 20 million TEU?": the years are the
    rows to list, not the one port the question names."""
    grouped = slots.group_by
    if (
        slots.operation == "groupby"
        and slots.threshold is not None
        and info.time_column
        and grouped != info.time_column
        and len(slots.filters.get(grouped or "", [])) == 1
        and has_cue("year_target", text)
    ):
        slots.group_by = info.time_column


def _is_busan_itself(place: Place) -> bool:
    """Busan (the city or its port): on Busan's tables the whole, no filter to apply."""
    return (place.kind, place.name) in {("province", "부산광역시"), ("port", "Busan")}


def _threshold_not_in_a_phrase(threshold: FoundThreshold | None, mentions: Mentions) -> FoundThreshold | None:
    """ "children under 15" names a measure (age 0-14), not a condition on its value."""
    if threshold is None:
        return None
    for match, _candidates in mentions.measures:
        if match.start <= threshold.amount.start and threshold.amount.end <= match.end:
            return None
        numbers = re.findall(r"\d+(?:\.\d+)?", match.phrase.replace(",", ""))
        if any(float(number) == threshold.amount.value for number in numbers):
            return None
    return threshold


_COUNTED_YEARS = re.compile(
    r"how many years|몇\s*(?:개\s*)?(?:년|해)|(?:해|연도|년도)(?:가|는|이)?\s*몇\s*(?:번|회|개|차례)"
)
_COUNTED_PLACES = re.compile(
    r"how many (?:districts|gu|boroughs|ports|provinces|regions)|몇\s*(?:개|곳|군데)(?!\s*(?:월|년))"
    r"|(?:구|곳|시도|항만)(?:는|은|이|가)?\s*몇"
)


def _counted_dimension(text: str, info: TableInfo) -> str | None:
    """What "how many …" counts: years or places, as the question says."""
    if info.time_column and _COUNTED_YEARS.search(text):
        return info.time_column
    if info.place_column and _COUNTED_PLACES.search(text):
        return info.place_column
    return None


def measure_of(layer: SemanticLayer, slots: QuerySlots) -> Measure:
    return layer.measure(slots.table, slots.measure)
