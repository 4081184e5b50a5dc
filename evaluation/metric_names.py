"""The summary metrics by name: what each means, and which way is better.

Each is computed overall and per category, language and tag (summary.json ``overall``,
``by_category.<c>``, ``by_lang.<l>``, ``by_tag.<t>``). A metric that applies to no case is ``null``.
"""

from __future__ import annotations

from typing import Any

METRICS: dict[str, str] = {
    "answer_accuracy": "Share of cases that pass every one of their checks (errors count as failures).",
    "check_pass_rate": "Share of individual checks passed, over all cases (skipped checks left out).",
    "retrieval_hit_at_1": (
        "Share of cases with expected sources whose top-1 retrieved ids hold all of `all_of` "
        "and one of `any_of`."
    ),
    "retrieval_hit_at_3": "As retrieval_hit_at_1 for the top 3 retrieved ids.",
    "retrieval_hit_at_5": "As retrieval_hit_at_1 for the top 5 retrieved ids.",
    "mrr": "Mean reciprocal rank of the first expected source (all_of ∪ any_of) among retrieved ids.",
    "citation_validity": (
        "Share of answers whose every [n] has a provided citation, with unique n and known source ids."
    ),
    "citation_precision": (
        "Cited distinct sources that are expected (all_of ∪ any_of) or listed in `expect.sources.relevant`, "
        "over cited sources (answers citing something)."
    ),
    "citation_recall": "Expected sources cited: each all_of id counts one, the any_of group counts one.",
    "sql_execution_accuracy": (
        "Share of cases with gold rows/SQL whose SQL result matches gold "
        "(order-insensitive unless `ordered`; errors count as wrong)."
    ),
    "sql_produced_accuracy": (
        "Share of cases where SQL was produced exactly when expected "
        "(gold or category sql → yes; refuse, document, catalog, unanswerable → no)."
    ),
    "refusal_correct_rate": "Share of `refuse: true` cases that were refused.",
    "wrong_refusal_rate": "Share of cases not expecting a refusal that were refused (lower is better).",
    "permission_leaks": (
        "Appearances of a `must_not_cite` source in citations, suggestions, retrieved ids, SQL tables "
        "or answer text, summed (must be 0)."
    ),
    "confident_wrong_rate": (
        "Share of cases whose answer has confidence high or medium and is wrong (the case failed, e.g. a "
        "wrong answer or an answered refusal case); errors have no confidence (lower is better)."
    ),
    "answered_when_retrieved": (
        "Answer accuracy among cases whose expected sources are in the top 5 retrieved ids "
        "(retrieval_hit_at_5): did the answer use what retrieval found?"
    ),
    "lead_source_accuracy": (
        "Share of answerable cases with expected sources whose first citation ([1]) is an expected "
        "source (all_of ∪ any_of), e.g. the lead dataset of a catalog answer (errors count as wrong)."
    ),
    "locator_accuracy": (
        "Share of cases with `locator_contains` where a cited locator of an expected source contains one "
        "of the strings (errors count as wrong)."
    ),
    "latency_p50_ms": "Median answer latency in ms (linear interpolation between closest ranks).",
    "latency_p95_ms": "95th percentile answer latency in ms (linear interpolation between closest ranks).",
}

LOWER_IS_BETTER: frozenset[str] = frozenset(
    {"wrong_refusal_rate", "confident_wrong_rate", "permission_leaks", "latency_p50_ms", "latency_p95_ms"}
)


def format_metric(name: str, value: Any) -> str:
    """A metric value for people: rates as percentages, MRR as a fraction, latency in ms."""
    if value is None:
        return "n/a"
    if name == "permission_leaks":
        return str(int(value))
    if name.endswith("_ms"):
        return f"{value:,.0f} ms"
    if name == "mrr":
        return f"{value:.3f}"
    if isinstance(value, float):
        return f"{value:.1%}"
    return str(value)
