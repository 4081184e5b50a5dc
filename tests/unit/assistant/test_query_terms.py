"""How a question's terms meet passages: topic terms, compound parts and typos (issue 8, round 3)."""

from __future__ import annotations

from assistant.query_spelling import IndexSpeller
from assistant.retrieval import QueryTerms


def _terms(tokens: list[str], topic: list[bool], parts: list[frozenset[str]] | None = None) -> QueryTerms:
    return QueryTerms(
        groups=[{token} for token in tokens],
        weights=[1.0] * len(tokens),
        tokens=tokens,
        topic=topic,
        parts=parts or [],
    )


def test_topic_terms_leave_out_the_words_that_frame_the_ask() -> None:
    terms = _terms(["키즈카페", "데이터", "부서"], [True, False, False])
    topic = terms.topic_terms()
    assert topic.tokens == ["키즈카페"]
    assert terms.coverage({"키즈카페"}) == 1 / 3
    assert topic.coverage({"키즈카페"}) == 1.0


def test_a_question_of_asking_words_only_keeps_them_all() -> None:
    terms = _terms(["데이터", "부서"], [False, False])
    assert terms.topic_terms().tokens == ["데이터", "부서"]


def test_a_compound_is_covered_by_its_parts_together_not_by_one_of_them() -> None:
    terms = _terms(["키즈카페"], [True], [frozenset({"키즈", "카페"})])
    assert terms.coverage({"키즈카페"}) == 1.0
    assert terms.coverage({"키즈", "카페", "현황"}) == 1.0
    assert terms.coverage({"카페"}) == 0.0
    assert terms.search_tokens() == ["키즈카페", "카페", "키즈"]


def test_a_word_the_corpus_lacks_is_read_as_the_one_indexed_word_it_misspells() -> None:
    vocabulary = {word: n for n, word in enumerate(["bus", "stop", "bicycl", "lane", "bike", "like"])}
    speller = IndexSpeller()
    assert speller.correct("buss", vocabulary) == "bus"
    assert speller.correct("bycicl", vocabulary) == "bicycl"
    assert speller.correct("stop", vocabulary) == "stop"  # indexed as written
    assert speller.correct("lake", vocabulary) == "lake"  # near "like" and "lane": a guess, kept
    assert speller.correct("버스", vocabulary) == "버스"  # Korean is left alone
