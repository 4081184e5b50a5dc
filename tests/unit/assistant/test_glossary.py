"""The bilingual glossary: English <-> Korean expansion, custom files, invalid files."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import CityQAError, ErrorCode
from assistant.glossary import Glossary
from assistant.tokens import search_tokens


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.load()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Haeundae beach visitors", {"해운대", "해수욕장"}),
        ("population of Suyeong-gu", {"수영구"}),
        ("How do I file a data request?", {"제공신청"}),
        ("해운대구 인구", {"Haeundae-gu", "Haeundae"}),
        ("기장군 해수욕장", {"Gijang-gun", "beach"}),
        ("공공데이터 제공신청 기한", {"public data", "request", "deadline"}),
    ],
)
def test_expansion_adds_the_other_language(glossary: Glossary, text: str, expected: set[str]) -> None:
    added = glossary.expansion(text)
    assert expected <= set(added), added
    expanded = glossary.expand(text)
    assert expanded.startswith(text)
    assert all(form in expanded for form in expected)


def test_expansion_never_repeats_what_the_text_already_says(glossary: Glossary) -> None:
    added = glossary.expansion("해운대 Haeundae")
    assert "해운대" not in added and "Haeundae" not in added
    assert "해운대구" in added


def test_text_without_glossary_terms_is_unchanged(glossary: Glossary) -> None:
    assert glossary.expansion("zebra quokka") == []
    assert glossary.expand("zebra quokka") == "zebra quokka"


def test_synonym_groups_bridge_languages(glossary: Glossary) -> None:
    groups = glossary.synonym_groups(search_tokens("haeundae quokka"))
    assert "해운대" in groups[0]
    assert groups[1] == {"quokka"}


def test_custom_glossary_file_is_merged(tmp_path: Path) -> None:
    custom = tmp_path / "city.yaml"
    custom.write_text("terms:\n  - [까치다리, magpie bridge]\n", encoding="utf-8")
    merged = Glossary.load(custom)
    assert "까치다리" in merged.expansion("Where is the magpie bridge?")
    assert "magpie bridge" in merged.expansion("까치다리 위치")
    assert "해운대" in merged.expansion("Haeundae"), "the built-in glossary must still apply"
    assert "까치다리" not in Glossary.load().expansion("Where is the magpie bridge?")


@pytest.mark.parametrize(
    "content",
    [
        "terms: [[ok, fine], broken\n",  # YAML syntax
        "words:\n  - [a, b]\n",  # no 'terms'
        "terms:\n  - just a string\n",
        "terms:\n  - [a, 3]\n",
        "- [a, b]\n",
    ],
    ids=["yaml-syntax", "no-terms", "term-not-a-list", "form-not-a-string", "top-level-list"],
)
def test_invalid_glossary_file_is_invalid_config(tmp_path: Path, content: str) -> None:
    custom = tmp_path / "bad.yaml"
    custom.write_text(content, encoding="utf-8")
    with pytest.raises(CityQAError) as raised:
        Glossary.load(custom)
    assert raised.value.code == ErrorCode.INVALID_CONFIG
    assert "bad.yaml" in raised.value.detail


def test_a_form_of_several_words_lends_its_synonyms_to_each_word(glossary: Glossary) -> None:
    """ "term of office" is one concept with 임기: both words of the question reach the Korean article."""
    tokens = search_tokens("long term office member")  # as a question's tokens: stemmed ("offic")
    groups = dict(zip(tokens, glossary.synonym_groups(tokens), strict=True))
    long, term, office, member = tokens
    assert "임기" in groups[term] and "임기" in groups[office]
    assert "위원" in groups[member]
    assert groups[long] == {long}


def test_statute_vocabulary_is_built_in(glossary: Glossary) -> None:
    added = glossary.expansion("What is the administrative fine for using a similar name?")
    assert "과태료" in added


def test_statute_vocabulary_expands_questions_but_is_not_written_into_the_index() -> None:
    question_side = Glossary.load().expansion("위원의 임기")
    index_side = Glossary.load(for_index=True).expansion("위원의 임기")
    assert "term of office" in question_side
    assert "term of office" not in index_side
    assert "Haeundae-gu" in Glossary.load(for_index=True).expansion("해운대구 인구")


def test_english_search_tokens_are_stemmed_so_inflections_meet() -> None:
    from assistant.tokens import search_tokens

    assert search_tokens("measured companies") == search_tokens("measure company")
    assert search_tokens("updates") == search_tokens("updated")


def test_korean_spellings_of_foreign_places_reach_their_english_policies(glossary: Glossary) -> None:
    """"위치토 오픈데이터 정책" finds Wichita's policy; the index is not rewritten for it."""
    groups = glossary.synonym_groups(search_tokens("위치토 오픈데이터 정책 검토 주기"))
    assert any({"위치토", "wichita"} <= group for group in groups)
    assert "Wichita" not in Glossary.load(for_index=True).expand("위치토 정책")
