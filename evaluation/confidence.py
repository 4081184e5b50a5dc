"""How well the stated confidence matches being right: confident-wrong and the calibration table.

A case is *confident-wrong* when its answer says confidence ``high`` or ``medium`` and the case failed
(a wrong answer, or an answered refusal case). The calibration table gives, per confidence level,
how many cases had it and the share of them that passed; a run's errors (no answer, so no
confidence) get their own ``no answer`` row when there are any.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

CONFIDENCE_LEVELS: tuple[str, ...] = ("high", "medium", "low", "none")
CONFIDENT_LEVELS: frozenset[str] = frozenset({"high", "medium"})
NO_ANSWER = "no answer"


def is_confident_wrong(confidence: str | None, passed: bool) -> bool:
    return confidence in CONFIDENT_LEVELS and not passed


def calibration_table(outcomes: Iterable[tuple[str | None, bool]]) -> dict[str, dict[str, Any]]:
    """``{level: {"cases": n, "accuracy": share passed or None}}`` from (confidence, passed) pairs,
    every level of `CONFIDENCE_LEVELS` in order, then ``no answer`` if some case had no confidence."""
    tallies: dict[str, list[bool]] = {level: [] for level in CONFIDENCE_LEVELS}
    for confidence, passed in outcomes:
        tallies.setdefault(confidence if confidence is not None else NO_ANSWER, []).append(passed)
    return {
        level: {"cases": len(passed), "accuracy": sum(passed) / len(passed) if passed else None}
        for level, passed in tallies.items()
    }
