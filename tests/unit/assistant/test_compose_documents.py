"""The offline composer reads statute sentences in their place (issue 8): the article heading
counts, English questions reach Korean articles through the glossary and are told where the Korean
quote comes from, and a tie between two sections is never stated with confidence."""

from __future__ import annotations

import pytest

from assistant.compose import Composition, ExtractiveComposer
from assistant.glossary import Glossary
from assistant.models import Chunk, Passage, SourceKind
from assistant.pipeline import _confidence
from assistant.retrieval import QueryTerms
from assistant.tokens import search_tokens

TITLE = "개인정보 보호법"
ARTICLES = {
    "제7조의4 (위원의 임기)": "① 위원의 임기는 3년으로 하되, 한 차례만 연임할 수 있다.",
    "제7조의10 (회의)": "② 위원장 또는 2명 이상의 위원은 보호위원회에 의안을 제의할 수 있다.",
    "제13조의2 (개인정보 보호의 날)": "① 국가는 매년 9월 30일을 기념일로 지정하고 행사를 개최할 수 있다.",
    "제28조의9 (국외 이전 중지 명령)": "② 명령을 받은 날부터 7일 이내에 보호위원회에 이의를 제기할 수 있다.",
}


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.load()


def _terms(question: str, glossary: Glossary) -> QueryTerms:
    tokens = list(dict.fromkeys(search_tokens(question)))
    groups = glossary.synonym_groups(tokens)
    return QueryTerms(groups=groups, weights=[1.0] * len(groups), tokens=tokens)


def _passages(articles: dict[str, str], title: str = TITLE) -> list[Passage]:
    return [
        Passage(
            chunk=Chunk(
                chunk_id=f"c{n}",
                source_id="doc:privacy_act.md",
                kind=SourceKind.DOCUMENT,
                title=title,
                locator=f"§ 제2장 > {heading}",
                text=f"{heading}\n{sentence}",
            ),
            score=1.0,
            relevance=0.9,
        )
        for n, (heading, sentence) in enumerate(articles.items())
    ]


def _compose(question: str, glossary: Glossary, articles: dict[str, str] = ARTICLES) -> Composition:
    return ExtractiveComposer().compose(question, _passages(articles), _terms(question, glossary), None)


def test_the_article_heading_says_what_a_sentence_is_about(glossary: Glossary) -> None:
    """The sentence names neither 개인정보 nor 보호의 날; its article heading does."""
    composition = _compose("개인정보 보호의 날이 며칠이에요?", glossary)
    assert composition.text.startswith("① 국가는 매년 9월 30일을")
    assert composition.provided[1].locator.endswith("제13조의2 (개인정보 보호의 날)")


def test_an_english_question_quotes_the_korean_article_and_says_where_it_is_from(glossary: Glossary) -> None:
    question = "How long is the term of office of a member of the Personal Information Protection Commission?"
    composition = _compose(question, glossary)
    assert composition.text.startswith(
        "The Korean text of “개인정보 보호법”, 제7조의4 (위원의 임기) says: “① 위원의 임기는 3년으로"
    )
    assert composition.text.endswith("[1]")


def test_an_english_question_answered_in_korean_is_not_vouched_for_by_glossary_matches(
    glossary: Glossary,
) -> None:
    """Coverage through the bilingual glossary finds the sentence; only the question's own words
    vouch for it (the pipeline's confidence reads lead_coverage)."""
    question = "How long is the term of office of a member of the Personal Information Protection Commission?"
    composition = _compose(question, glossary)
    assert composition.lead_coverage is not None and composition.lead_coverage < 0.5


def test_two_sections_answering_equally_well_are_a_tie(glossary: Glossary) -> None:
    articles = {
        "제6조 (기본계획)": "① 장관은 3년마다 기본계획을 수립하여야 한다.",
        "제9조 (기본계획)": "① 청장은 5년마다 기본계획을 수립하여야 한다.",
    }
    tie = _compose("기본계획은 몇 년마다 수립하나요?", glossary, articles)
    assert tie.lead_margin == pytest.approx(0.0)
    clear = _compose("위원 임기는 몇 년이에요?", glossary)
    assert clear.text.startswith("① 위원의 임기는 3년")
    assert clear.lead_margin is not None and clear.lead_margin > 0.02


def test_a_tie_is_never_stated_with_confidence() -> None:
    relevant = _passages(ARTICLES)
    strong = Composition(text="x [1]", lead_coverage=1.0, answer_type_met=True, lead_margin=0.3)
    tied = Composition(text="x [1]", lead_coverage=1.0, answer_type_met=True, lead_margin=0.0)
    assert _confidence(relevant, None, [], 0, strong) == "high"
    assert _confidence(relevant, None, [], 0, tied) == "low"


def test_a_table_card_quoted_without_a_computed_figure_is_low() -> None:
    """ "What day is E-Government Day?" must not be vouched for by a table card's description."""
    from assistant.models import Citation

    card = Citation(n=1, source_id="table:traffic", kind=SourceKind.TABLE, title="교통사고", snippet="…")
    composition = Composition(
        text="The table “교통사고”: Every fatal accident in 2020. [1]",
        provided={1: card},
        lead_coverage=1.0,
        answer_type_met=True,
        lead_margin=0.5,
    )
    assert _confidence(_passages(ARTICLES), None, [], 0, composition) == "low"
