"""Issue 8: confident-wrong rate, answered-when-retrieved, lead-source and locator accuracy, and the
calibration table (cases and accuracy per confidence level)."""

from __future__ import annotations

import pytest
from eval_factories import BEACH_CATALOG, POLICY_DOC, POP_TABLE, citation, make_answer, make_case

from assistant.models import Citation
from evaluation import metrics
from evaluation.cases import SourcesExpectation
from evaluation.cli import parse_max_scores, parse_min_scores
from evaluation.metric_names import LOWER_IS_BETTER, METRICS
from evaluation.scoring import CaseResult, score_case, summarize, summarize_group

NEW_METRICS = ("confident_wrong_rate", "answered_when_retrieved", "lead_source_accuracy", "locator_accuracy")


def _located(n: int, source_id: str, locator: str) -> Citation:
    return citation(n, source_id).model_copy(update={"locator": locator})


def _checks(result: CaseResult) -> dict[str, bool | None]:
    return {check.name: check.passed for check in result.checks}


# ----- confident-wrong -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("confidence", "text", "expected"),
    [
        ("high", "Within 15 days [1].", 1.0),  # wrong and sure of it
        ("medium", "Within 15 days [1].", 1.0),
        ("low", "Within 15 days [1].", 0.0),  # wrong but says it is unsure
        ("high", "Within 10 days [1].", 0.0),  # right
    ],
)
def test_confident_wrong_is_a_wrong_answer_with_high_or_medium_confidence(
    confidence: str, text: str, expected: float
) -> None:
    case = make_case("document", answer_contains=["10 days"], sources={"any_of": [POLICY_DOC]})
    result = score_case(case, make_answer(text, confidence=confidence), latency_ms=1)
    assert result.scores["confident_wrong"] == expected


def test_an_answered_refusal_case_is_confident_wrong_and_a_refusal_is_not() -> None:
    case = make_case("unanswerable", refuse=True)
    answered = score_case(case, make_answer("Paris [1].", confidence="medium"), latency_ms=1)
    assert answered.scores["confident_wrong"] == 1.0
    refused = score_case(case, make_answer("Not found.", citations=[], confidence="none"), latency_ms=1)
    assert refused.scores["confident_wrong"] == 0.0


def test_an_error_is_scored_but_never_confident() -> None:
    result = score_case(
        make_case("document"), None, latency_ms=1, error="internal: boom", error_code="internal"
    )
    assert result.scores["confident_wrong"] == 0.0


def test_confident_wrong_rate_per_scope_is_lower_is_better_and_usable_as_threshold() -> None:
    case = make_case("document", answer_contains=["10 days"])
    ko_case = case.model_copy(update={"id": "ko-case", "lang": "ko"})
    results = [
        score_case(case, make_answer("15 days [1].", confidence="high"), latency_ms=1),
        score_case(case, make_answer("10 days [1].", confidence="high"), latency_ms=1),
        score_case(ko_case, make_answer("15일 [1].", confidence="low"), latency_ms=1),
        score_case(
            make_case("catalog", refuse=True), make_answer("x [1]", confidence="medium"), latency_ms=1
        ),
    ]
    summary = summarize(results)
    assert summary["overall"]["confident_wrong_rate"] == pytest.approx(2 / 4)
    assert summary["overall"]["n"]["confident_wrong_rate"] == 4
    assert summary["by_category"]["document"]["confident_wrong_rate"] == pytest.approx(1 / 3)
    assert summary["by_category"]["catalog"]["confident_wrong_rate"] == 1.0
    assert summary["by_lang"]["ko"]["confident_wrong_rate"] == 0.0
    assert "confident_wrong_rate" in LOWER_IS_BETTER
    assert parse_max_scores(["confident_wrong_rate=0.01"])[0].op == "<="
    assert parse_min_scores(["by_lang.ko.confident_wrong_rate=1%"])[0].op == "<="


# ----- answered when retrieved ---------------------------------------------------------------------


def test_answered_when_retrieved_counts_only_cases_whose_gold_is_in_the_top_5() -> None:
    case = make_case("catalog", answer_contains=["해운대"], sources={"any_of": [BEACH_CATALOG]})
    others = [f"catalog:datagokr:{n}" for n in range(5)]
    found_right = score_case(
        case,
        make_answer(
            "해운대 [1]", citations=[citation(1, BEACH_CATALOG)], retrieved=[POLICY_DOC, BEACH_CATALOG]
        ),
        latency_ms=1,
    )
    found_wrong = score_case(
        case,
        make_answer("부산 [1]", citations=[citation(1, POLICY_DOC)], retrieved=[BEACH_CATALOG]),
        latency_ms=1,
    )
    not_found = score_case(case, make_answer("해운대 [1]", retrieved=[*others, BEACH_CATALOG]), latency_ms=1)
    assert found_right.scores["answer_correct_when_retrieved"] == 1.0
    assert found_wrong.scores["answer_correct_when_retrieved"] == 0.0
    assert not_found.scores.get("answer_correct_when_retrieved") is None
    no_gold = score_case(make_case("document"), make_answer(retrieved=[POLICY_DOC]), latency_ms=1)
    assert no_gold.scores.get("answer_correct_when_retrieved") is None

    overall = summarize_group([found_right, found_wrong, not_found, no_gold])
    assert overall["answered_when_retrieved"] == 0.5
    assert overall["n"]["answered_when_retrieved"] == 2


# ----- lead source ---------------------------------------------------------------------------------


def test_lead_source_correct_looks_at_the_first_citation_only() -> None:
    expected = SourcesExpectation(any_of=[BEACH_CATALOG, POP_TABLE])
    first = make_answer("a [1] b [2]", citations=[citation(1, POP_TABLE), citation(2, POLICY_DOC)])
    second = make_answer("a [1] b [2]", citations=[citation(1, POLICY_DOC), citation(2, BEACH_CATALOG)])
    unordered = make_answer("a [2] b [1]", citations=[citation(2, POLICY_DOC), citation(1, BEACH_CATALOG)])
    assert metrics.lead_source_correct(first, expected) == 1.0
    assert metrics.lead_source_correct(second, expected) == 0.0
    assert metrics.lead_source_correct(unordered, expected) == 1.0  # [1] leads, whatever the list order
    assert metrics.lead_source_correct(make_answer("none", citations=[]), expected) == 0.0
    assert metrics.lead_source_correct(first, SourcesExpectation()) is None


def test_lead_source_accuracy_in_the_summary_skips_refusals_and_counts_errors_as_wrong() -> None:
    case = make_case("catalog", sources={"any_of": [BEACH_CATALOG]})
    lead = score_case(case, make_answer("x [1]", citations=[citation(1, BEACH_CATALOG)]), latency_ms=1)
    trailing = score_case(
        case,
        make_answer("x [1] y [2]", citations=[citation(1, POLICY_DOC), citation(2, BEACH_CATALOG)]),
        latency_ms=1,
    )
    assert trailing.passed  # the gold dataset is cited, just not first
    assert (lead.scores["lead_source_correct"], trailing.scores["lead_source_correct"]) == (1.0, 0.0)
    crashed = score_case(case, None, latency_ms=1, error="internal: boom", error_code="internal")
    assert crashed.scores["lead_source_correct"] == 0.0
    refusal = score_case(make_case("catalog", refuse=True), make_answer("x [1]"), latency_ms=1)
    assert refusal.scores.get("lead_source_correct") is None
    summary = summarize_group([lead, trailing, crashed, refusal])
    assert summary["lead_source_accuracy"] == pytest.approx(1 / 3)
    assert summary["n"]["lead_source_accuracy"] == 3


# ----- locator -------------------------------------------------------------------------------------


def test_locator_matches_only_citations_of_expected_sources() -> None:
    cited = [_located(1, POLICY_DOC, "§ 처리 기한"), _located(2, BEACH_CATALOG, "제7조 (정의)")]
    assert metrics.locator_matches(cited, {POLICY_DOC}, ["처리 기한"])
    assert metrics.locator_matches(cited, {POLICY_DOC}, ["제9조", "§ 처리"])
    assert not metrics.locator_matches(cited, {POLICY_DOC}, ["제7조"])  # right locator, wrong source
    assert metrics.locator_matches(cited, {BEACH_CATALOG}, ["제7조"])
    # no expected source: any citation's locator counts
    assert metrics.locator_matches([_located(1, POLICY_DOC, "p. 3")], set(), ["P. 3"])


def test_a_case_with_locator_contains_passes_only_with_the_right_locator() -> None:
    case = make_case(
        "document",
        answer_contains=["10 days"],
        sources={"any_of": [POLICY_DOC]},
        locator_contains=["§ How long"],
    )
    right = score_case(
        case,
        make_answer("10 days [1].", citations=[_located(1, POLICY_DOC, "§ How long it takes")]),
        latency_ms=1,
    )
    wrong = score_case(
        case, make_answer("10 days [1].", citations=[_located(1, POLICY_DOC, "§ Fees")]), latency_ms=1
    )
    assert right.passed and _checks(right)["locator"] is True
    assert not wrong.passed and _checks(wrong)["locator"] is False
    assert "§ Fees" in next(c.detail for c in wrong.checks if c.name == "locator")
    plain = score_case(make_case("document", sources={"any_of": [POLICY_DOC]}), make_answer(), latency_ms=1)
    assert "locator" not in _checks(plain) and plain.scores.get("locator_correct") is None
    crashed = score_case(case, None, latency_ms=1, error="internal: boom", error_code="internal")
    assert crashed.scores["locator_correct"] == 0.0

    summary = summarize_group([right, wrong, plain, crashed])
    assert summary["locator_accuracy"] == pytest.approx(1 / 3)
    assert summary["n"]["locator_accuracy"] == 3


# ----- calibration ---------------------------------------------------------------------------------


def test_calibration_gives_cases_and_accuracy_per_confidence_level() -> None:
    case = make_case("document", answer_contains=["10 days"])
    results = [
        score_case(case, make_answer("10 days [1].", confidence="high"), latency_ms=1),
        score_case(case, make_answer("15 days [1].", confidence="high"), latency_ms=1),
        score_case(case, make_answer("10 days [1].", confidence="low"), latency_ms=1),
        score_case(
            make_case("unanswerable", refuse=True),
            make_answer("No.", citations=[], confidence="none"),
            latency_ms=1,
        ),
        score_case(case, None, latency_ms=1, error="internal: boom", error_code="internal"),
    ]
    calibration = summarize(results)["overall"]["calibration"]
    assert list(calibration)[:4] == ["high", "medium", "low", "none"]
    assert calibration["high"] == {"cases": 2, "accuracy": 0.5}
    assert calibration["medium"] == {"cases": 0, "accuracy": None}
    assert calibration["low"] == {"cases": 1, "accuracy": 1.0}
    assert calibration["none"] == {"cases": 1, "accuracy": 1.0}
    assert calibration["no answer"] == {"cases": 1, "accuracy": 0.0}
    assert "no answer" not in summarize_group(results[:1])["calibration"]


def test_the_new_metrics_are_named_and_described() -> None:
    for name in NEW_METRICS:
        assert name in METRICS and METRICS[name]
