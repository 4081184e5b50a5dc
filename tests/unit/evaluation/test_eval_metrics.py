"""Every scoring primitive on hand-made values and Answers."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from eval_factories import BEACH_CATALOG, POLICY_DOC, POP_TABLE, SECRET_DOC, citation, make_answer

from assistant.models import SourceKind
from evaluation import metrics
from evaluation.cases import NumberExpectation, SourcesExpectation

# ----- answer text ----------------------------------------------------------------------------------


def test_text_contains_is_case_insensitive_and_ignores_thousands_separators() -> None:
    assert metrics.text_contains("Population was 375,075 people", "375075")
    assert metrics.text_contains("Population was 375075 people", "375,075")
    assert metrics.text_contains("HAEUNDAE-GU had", "haeundae-gu")
    assert not metrics.text_contains("Population was 375,076", "375,075")


def test_extract_numbers_skips_citation_markers_and_expands_korean_units() -> None:
    numbers = metrics.extract_numbers("해운대구 인구는 375,075명입니다 [1]. 약 37.5만 명, 2.5% 증가 [2].")
    assert 375075 in numbers
    assert 375000 in numbers
    assert 2.5 in numbers
    assert 1 not in numbers and 2 not in numbers


@pytest.mark.parametrize(
    ("text", "expected", "ok"),
    [
        ("It was 375,075 people [1].", NumberExpectation(value=375075, tolerance=0.5), True),
        ("It was 375,080 people [1].", NumberExpectation(value=375075, tolerance=0.5), False),
        ("It was 375,080 people [1].", NumberExpectation(value=375075, tolerance_pct=0.01), True),
        ("It was 375,075 [1].", NumberExpectation(value=375075, unit="명"), False),
        ("It was 375,075 residents [1].", NumberExpectation(value=375075, unit="명"), True),
        ("375,075명입니다 [1].", NumberExpectation(value=375075, unit="명"), True),
        ("Nothing here.", NumberExpectation(value=3), False),
        ("Down by -2.5% [1].", NumberExpectation(value=-2.5, tolerance=0.01, unit="%"), True),
    ],
)
def test_number_matches_tolerance_and_unit(text: str, expected: NumberExpectation, ok: bool) -> None:
    assert metrics.number_matches(text, expected)[0] is ok


def test_refusal_is_confidence_none_or_unmapped_without_sources() -> None:
    assert metrics.is_refusal(
        make_answer("Not found in the indexed sources.", citations=[], confidence="none")
    )
    unmapped = make_answer("I cannot map this.", citations=[], confidence="low", notes=["unmapped: measure"])
    assert metrics.is_refusal(unmapped)
    assert not metrics.is_refusal(make_answer("Found [1].", confidence="low", notes=["unmapped: year"]))
    assert not metrics.is_refusal(make_answer("Found [1]."))


# ----- retrieval ------------------------------------------------------------------------------------


def test_hit_at_k_needs_all_of_and_one_of_any_of() -> None:
    retrieved = [BEACH_CATALOG, POLICY_DOC, POP_TABLE]
    assert metrics.hit_at_k(retrieved, SourcesExpectation(all_of=[POLICY_DOC]), 1) == 0.0
    assert metrics.hit_at_k(retrieved, SourcesExpectation(all_of=[POLICY_DOC]), 2) == 1.0
    both = SourcesExpectation(all_of=[POLICY_DOC], any_of=[POP_TABLE, SECRET_DOC])
    assert metrics.hit_at_k(retrieved, both, 2) == 0.0
    assert metrics.hit_at_k(retrieved, both, 3) == 1.0
    assert metrics.hit_at_k([], SourcesExpectation(any_of=[POP_TABLE]), 5) == 0.0


def test_reciprocal_rank_of_first_expected_source() -> None:
    retrieved = [BEACH_CATALOG, POLICY_DOC, POP_TABLE]
    assert metrics.reciprocal_rank(retrieved, {POP_TABLE}) == pytest.approx(1 / 3)
    assert metrics.reciprocal_rank(retrieved, {POP_TABLE, POLICY_DOC}) == pytest.approx(1 / 2)
    assert metrics.reciprocal_rank(retrieved, {BEACH_CATALOG}) == 1.0
    assert metrics.reciprocal_rank(retrieved, {SECRET_DOC}) == 0.0


# ----- citations ------------------------------------------------------------------------------------


def test_marker_to_a_passage_never_provided_is_invalid() -> None:
    answer = make_answer("A [1]. B [2]. C [3].", citations=[citation(1, POLICY_DOC), citation(2, POP_TABLE)])
    problems = metrics.citation_problems(answer)
    assert problems == ["markers [3] refer to no provided passage"]


def test_unknown_cited_source_id_and_duplicate_numbers_are_invalid() -> None:
    answer = make_answer(
        "A [1].", citations=[citation(1, "doc:documents/made_up.md"), citation(1, POLICY_DOC)]
    )
    problems = metrics.citation_problems(answer, known_source_ids={POLICY_DOC})
    assert any("duplicate citation numbers [1]" in p for p in problems)
    assert any("doc:documents/made_up.md" in p for p in problems)


def test_valid_citations_have_no_problems() -> None:
    answer = make_answer("A [1] and [2].", citations=[citation(1, POLICY_DOC), citation(2, POP_TABLE)])
    assert metrics.citation_problems(answer, known_source_ids={POLICY_DOC, POP_TABLE}) == []
    assert metrics.citation_problems(make_answer("No markers.", citations=[])) == []


def test_citation_precision_and_recall() -> None:
    expected = SourcesExpectation(all_of=[POP_TABLE, POLICY_DOC], relevant=[BEACH_CATALOG])
    assert metrics.citation_precision(
        [POP_TABLE, BEACH_CATALOG, SECRET_DOC], expected.acceptable
    ) == pytest.approx(2 / 3)
    assert metrics.citation_precision([], expected.acceptable) is None
    assert metrics.citation_recall([POP_TABLE], expected) == 0.5
    with_any = SourcesExpectation(all_of=[POP_TABLE], any_of=[POLICY_DOC, BEACH_CATALOG])
    assert metrics.citation_recall([POP_TABLE, BEACH_CATALOG], with_any) == 1.0
    assert metrics.citation_recall([POP_TABLE], with_any) == 0.5
    assert metrics.citation_recall([POP_TABLE], SourcesExpectation()) is None


def test_sources_cited_reports_what_is_missing() -> None:
    ok, detail = metrics.sources_cited([POLICY_DOC], SourcesExpectation(all_of=[POP_TABLE]))
    assert not ok and POP_TABLE in detail
    assert metrics.sources_cited([POP_TABLE], SourcesExpectation(any_of=[POP_TABLE, POLICY_DOC]))[0]


# ----- permission -----------------------------------------------------------------------------------


def test_leaks_are_found_in_citations_suggestions_retrieved_sql_and_text() -> None:
    answer = make_answer(
        f"See [1] and {SECRET_DOC}.",
        citations=[citation(1, SECRET_DOC)],
        suggestions=[SECRET_DOC],
        retrieved=[POLICY_DOC, SECRET_DOC],
        sql_rows=[[1]],
        sql_tables=["salaries"],
    )
    leaks = metrics.find_leaks(answer, [SECRET_DOC, "table:salaries"])
    assert sorted(leak["where"] for leak in leaks) == sorted(
        ["citation [1]", "suggestion", "retrieved", "answer text", "sql"]
    )
    assert metrics.find_leaks(make_answer("Fine [1]."), [SECRET_DOC]) == []


@pytest.mark.parametrize("where", ["citation", "suggestion", "retrieved"])
def test_one_leak_each_way(where: str) -> None:
    answer = make_answer(
        "Text [1].",
        citations=[citation(1, SECRET_DOC if where == "citation" else POLICY_DOC)],
        suggestions=[SECRET_DOC] if where == "suggestion" else [],
        retrieved=[SECRET_DOC] if where == "retrieved" else [POLICY_DOC],
    )
    assert len(metrics.find_leaks(answer, [SECRET_DOC])) == 1


# ----- SQL result sets ------------------------------------------------------------------------------


def test_empty_gold_matches_empty_answer_but_not_a_non_empty_one() -> None:
    assert metrics.result_sets_match([], [])[0]
    ok, detail = metrics.result_sets_match([[375075]], [])
    assert not ok and "expected 1 rows, got 0" in detail
    assert not metrics.result_sets_match([], [[1]])[0]


def test_wrong_order_fails_only_when_ordered() -> None:
    gold = [["Haeundae-gu", 375075], ["Busanjin-gu", 361000]]
    answer = [["Busanjin-gu", 361000], ["Haeundae-gu", 375075]]
    assert metrics.result_sets_match(gold, answer, ordered=False)[0]
    ok, detail = metrics.result_sets_match(gold, answer, ordered=True)
    assert not ok and "row 1" in detail
    assert metrics.result_sets_match(gold, gold, ordered=True)[0]


def test_extra_answer_columns_are_allowed_and_matching_is_not_greedy() -> None:
    gold = [[1], [1, 2]]
    answer = [[1, 2, "x"], [1, 9]]
    # gold row [1] could greedily take the first answer row and starve [1, 2]; a matching exists.
    assert metrics.result_sets_match(gold, answer)[0]
    assert not metrics.result_sets_match([[1, 2], [1, 2]], [[1, 2], [1, 3]])[0]


def test_values_compare_numerically_with_four_significant_digits() -> None:
    assert metrics.result_sets_match([[375075]], [[375075.0]])[0]
    assert metrics.result_sets_match([[0.123456]], [[0.1235]])[0]
    assert metrics.result_sets_match([[decimal.Decimal("12.5")]], [["12.5"]])[0]
    assert metrics.result_sets_match([["Haeundae-gu"]], [[" haeundae-gu "]])[0]
    assert metrics.result_sets_match([[dt.date(2025, 5, 1)]], [["2025-05-01"]])[0]
    assert not metrics.result_sets_match([[375075]], [[375076]])[0]
    assert not metrics.result_sets_match([[0.1234]], [[0.1245]])[0]


def test_normalize_value_keeps_big_integers_exact() -> None:
    assert metrics.normalize_value(3_750_751) == 3_750_751
    assert metrics.normalize_value(3.0) == 3
    assert metrics.normalize_value(None) is None


# ----- latency --------------------------------------------------------------------------------------


def test_percentile_interpolates_between_closest_ranks() -> None:
    values = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert metrics.percentile(values, 50) == 30.0
    assert metrics.percentile(values, 95) == pytest.approx(48.0)
    assert metrics.percentile([7.0], 95) == 7.0
    assert metrics.percentile([], 50) is None
    assert metrics.percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5


def test_mean_skips_values_that_do_not_apply() -> None:
    assert metrics.mean([1.0, None, 0.0]) == 0.5
    assert metrics.mean([None]) is None


def test_citation_helpers_on_kinds() -> None:
    answer = make_answer(
        "[1] [2] [1]", citations=[citation(1, POP_TABLE, SourceKind.TABLE), citation(2, POP_TABLE)]
    )
    assert metrics.cited_source_ids(answer) == [POP_TABLE]
    assert metrics.citation_markers(answer.answer) == [1, 2, 1]
