"""A question that names Korea is about Korean law or bodies: an answer led by an English text (a
US city's policy whose words happen to meet the question's) is never stated with confidence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.compose import Composition, StatisticsPart, citation_for
from assistant.models import Passage, User
from assistant.retrieval import QueryTerms
from ingestion.loaders import SourceDefaults

POLICY = """---
title: Open Data Policy of an American city
---

# Compliance plan

The Chief Data Officer shall publish the open data compliance plan annually and review it every year.
"""


class LeadWithTheFirstPassage:
    """States the first passage's last line with full coverage, as a confident extract would."""

    def compose(
        self,
        question: str,
        passages: list[Passage],
        terms: QueryTerms,
        statistics: StatisticsPart | None,
        on_text: Any = None,
    ) -> Composition:
        if not passages:
            return Composition(text="")
        lead = passages[0]
        sentence = lead.chunk.text.strip().splitlines()[-1]
        citation = citation_for(lead, 1, snippet=sentence)
        return Composition(
            text=f"{sentence} [1]",
            provided={1: citation},
            lead_coverage=1.0,
            answer_type_met=True,
            lead_margin=1.0,
        )


@pytest.fixture
def stack(make_stack: Any, tmp_path: Path) -> Any:
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "policy.md").write_text(POLICY, encoding="utf-8")
    built = make_stack(composer=LeadWithTheFirstPassage())
    built.ingestor.ingest([documents], SourceDefaults())
    return built


def test_an_english_source_never_confidently_answers_a_question_about_korea(stack: Any) -> None:
    about_korea = stack.assistant.answer("How often is Korea's open data compliance plan published?", User())
    assert about_korea.citations and about_korea.confidence == "low"
    assert any("Korea" in note for note in about_korea.notes)


def test_the_same_source_may_answer_a_question_that_does_not_name_korea(stack: Any) -> None:
    anywhere = stack.assistant.answer("How often is the open data compliance plan published?", User())
    assert anywhere.citations and not any("Korea" in note for note in anywhere.notes)
