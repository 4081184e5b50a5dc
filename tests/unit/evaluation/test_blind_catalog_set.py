"""The blind catalog set (evaluation/blind/catalog.yaml) is well formed and its gold holds in the CSV.

Checked against the bundled catalog CSV itself: every named dataset exists, every expected fact is in
an expected dataset's row, and for every no-match case no row mentions the topic (in Korean or
English), so a refusal really is the right answer.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from evaluation.cases import ANONYMOUS, Case, load_cases
from evaluation.metrics import text_contains

REPO = Path(__file__).resolve().parents[3]
BLIND_SET = REPO / "evaluation" / "blind" / "catalog.yaml"
CATALOG_CSV = REPO / "data" / "demo" / "catalogs" / "busan_datagokr_catalog.csv"
PREFIX = "catalog:datagokr:"

# What each no-match case asks about; no row's title, description or keywords may match.
NO_MATCH_PROBES = {
    "bcat-ko-020": r"드론|무인\s*비행|비행\s*금지|drone",
    "bcat-ko-021": r"공항|항공|김해국제|airport|flight",
    "bcat-ko-022": r"야구|관중|프로\s*스포츠|baseball",
    "bcat-ko-023": r"싱크홀|지반\s*침하|침하|함몰|땅\s*꺼짐|sinkhole",
    "bcat-ko-024": r"케이블카|삭도|스카이캡슐|cable\s*car",
    "bcat-en-020": r"킥보드|퀵보드|개인형\s*이동|공유\s*(전동|자전거|킥)|scooter",
    "bcat-en-021": r"해파리|jellyfish",
    "bcat-en-022": r"자율\s*주행|무인\s*버스|autonomous|self-driving",
    "bcat-en-023": r"기지국|5G|이동\s*통신|LTE|base station",
    "bcat-en-024": r"마약|향정|약물\s*범죄|narcotic|drug",
}


@cache
def blind_cases() -> tuple[Case, ...]:
    return tuple(load_cases([BLIND_SET]))


@cache
def catalog_rows() -> dict[str, str]:
    """Source id → the row's text (every column)."""
    with CATALOG_CSV.open(encoding="utf-8", newline="") as handle:
        return {
            PREFIX + row["목록키"].strip(): " | ".join(value or "" for value in row.values())
            for row in csv.DictReader(handle)
        }


def test_the_set_is_large_enough_bilingual_anonymous_catalog_cases() -> None:
    cases = blind_cases()
    assert len(cases) >= 40
    langs = Counter(case.lang for case in cases)
    assert langs["ko"] == langs["en"], dict(langs)
    assert {case.category for case in cases} == {"catalog"}
    assert {case.user for case in cases} == {ANONYMOUS}
    assert sum(case.expect.refuse for case in cases) >= 8
    tags = Counter(tag for case in cases for tag in case.tags)
    for tag in ("api", "department", "format", "update", "synonym", "english-name", "typo"):
        assert tags[tag] >= 2, f"too few {tag!r} cases: {dict(tags)}"


def test_every_named_dataset_is_in_the_catalog() -> None:
    rows = catalog_rows()
    for case in blind_cases():
        named = case.expect.sources.acceptable | set(case.expect.must_not_cite)
        unknown = sorted(sid for sid in named if sid not in rows)
        assert not unknown, f"{case.id}: unknown datasets {unknown}"


def test_answerable_cases_expect_a_dataset_and_refusals_expect_none() -> None:
    for case in blind_cases():
        expect = case.expect
        if expect.refuse:
            assert expect.sources.is_empty and not expect.answer_contains, case.id
        else:
            assert expect.sources.any_of, f"{case.id}: an answerable case names its datasets in any_of"


def test_expected_facts_are_in_an_expected_dataset_row() -> None:
    rows = catalog_rows()
    for case in blind_cases():
        texts = [rows[sid] for sid in sorted(case.expect.sources.expected)]
        for needle in case.expect.answer_contains:
            assert any(text_contains(text, needle) for text in texts), f"{case.id}: {needle!r}"


@pytest.mark.parametrize(("case_id", "probe"), sorted(NO_MATCH_PROBES.items()))
def test_no_dataset_matches_a_no_match_question(case_id: str, probe: str) -> None:
    case = next(case for case in blind_cases() if case.id == case_id)
    assert case.expect.refuse
    pattern = re.compile(probe, re.IGNORECASE)
    hits = sorted(sid for sid, text in catalog_rows().items() if pattern.search(text))
    assert not hits, f"{case_id}: {hits} mention the topic"


def test_every_no_match_case_has_a_probe() -> None:
    refusing = {case.id for case in blind_cases() if case.expect.refuse}
    assert refusing == set(NO_MATCH_PROBES)
