"""The bundled case files in evaluation/datasets/ validate and name only what the demo corpus has.

Source ids are computed from the demo files themselves (document loaders, the catalog CSV's 목록키
column, the table cards' ``name``), without any model or store, the way `cityqa ingest
data/demo/catalogs data/demo/documents data/demo/tables` would name them.
"""

from __future__ import annotations

import csv
import tomllib
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml

from evaluation.cases import ANONYMOUS, Case, load_cases, validate_references
from evaluation.metrics import text_contains
from ingestion.loaders import SourceDefaults, load_file

REPO = Path(__file__).resolve().parents[3]
DATASETS = REPO / "evaluation" / "datasets"
DEMO = REPO / "data" / "demo"
DOCUMENTS = DEMO / "documents"
CATALOG_CSV = DEMO / "catalogs" / "busan_datagokr_catalog.csv"
TABLES = DEMO / "tables"
API_KEYS = DEMO / "api_keys.toml"

NON_SQL_MINIMUMS = {"document": 20, "catalog": 15, "unanswerable": 8, "permission": 10}
RESTRICTED_DOCS = {
    "doc:personnel_data_access_policy_en.md": "demo-personnel-key",
    "doc:citizen_complaints_handling_internal_ko.md": "demo-complaints-key",
}
INTERNAL_DOCS = {"doc:data_classification_guideline_en.pdf", "doc:data_classification_guideline_ko.docx"}


@cache
def all_cases() -> tuple[Case, ...]:
    return tuple(load_cases([DATASETS]))


@cache
def dev_cases() -> tuple[Case, ...]:
    return tuple(load_cases([DATASETS / "dev_cases.yaml"]))


@cache
def demo_table_names() -> frozenset[str]:
    names = set()
    for card in sorted(TABLES.glob("*.yaml")):
        data = yaml.safe_load(card.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "name" in data:  # examples.yaml is a list, not a card
            names.add(str(data["name"]))
    return frozenset(names)


@cache
def demo_source_ids() -> frozenset[str]:
    ids: set[str] = set()
    for path in sorted(DOCUMENTS.iterdir()):
        if path.is_file() and not path.name.endswith(".meta.yaml"):
            ids.update(
                loaded.source.source_id
                for loaded in load_file(path, root=DOCUMENTS, defaults=SourceDefaults())
            )
    with CATALOG_CSV.open(encoding="utf-8", newline="") as handle:
        ids.update(f"catalog:datagokr:{row['목록키'].strip()}" for row in csv.DictReader(handle))
    ids.update(f"table:{name}" for name in demo_table_names())
    return frozenset(ids)


@cache
def demo_source_texts() -> dict[str, str]:
    """Searchable text of every document and catalog entry: sections, title and link."""
    texts: dict[str, str] = {}
    for root, paths in ((DOCUMENTS, sorted(DOCUMENTS.iterdir())), (CATALOG_CSV.parent, [CATALOG_CSV])):
        for path in paths:
            if not path.is_file() or path.name.endswith(".meta.yaml"):
                continue
            for loaded in load_file(path, root=root, defaults=SourceDefaults()):
                source = loaded.source
                parts = [source.title, *(section.text for section in loaded.sections), source.url or ""]
                texts[source.source_id] = "\n".join(parts)
    return texts


@cache
def demo_users() -> frozenset[str]:
    return frozenset(tomllib.loads(API_KEYS.read_text(encoding="utf-8"))["keys"])


def test_the_demo_corpus_yields_the_expected_kinds_of_source_ids() -> None:
    ids = demo_source_ids()
    assert "doc:open_data_request_procedure_ko.md" in ids
    assert "doc:data_classification_guideline_en.pdf" in ids
    assert "catalog:datagokr:15037510" in ids
    assert "table:population_by_district_2025" in ids
    assert sum(sid.startswith("catalog:") for sid in ids) == 2725
    assert sum(sid.startswith("doc:") for sid in ids) == 8


def test_the_loaders_name_the_catalog_rows_like_the_csv() -> None:
    loaded = {sid for sid in demo_source_texts() if sid.startswith("catalog:")}
    assert loaded == {sid for sid in demo_source_ids() if sid.startswith("catalog:")}


def test_every_case_file_loads_and_validates() -> None:
    files = sorted(p.name for p in DATASETS.rglob("*") if p.suffix in (".yaml", ".yml"))
    assert "dev_cases.yaml" in files
    cases = all_cases()
    assert {Path(case.source_file).name for case in cases} == set(files)


def test_cases_name_only_sources_tables_and_users_of_the_demo() -> None:
    validate_references(
        all_cases(),
        known_source_ids=set(demo_source_ids()),
        known_tables=set(demo_table_names()),
        known_users=set(demo_users()),
    )


def test_every_user_is_a_demo_key_or_anonymous() -> None:
    allowed = demo_users() | {ANONYMOUS}
    unknown = sorted({case.user for case in all_cases()} - allowed)
    assert not unknown, f"unknown users {unknown}"


def test_dev_set_is_non_sql_and_large_enough() -> None:
    cases = dev_cases()
    assert len(cases) >= 70
    assert all(case.category != "sql" for case in cases)


@pytest.mark.parametrize(("category", "minimum"), sorted(NON_SQL_MINIMUMS.items()))
def test_each_category_has_enough_cases_in_both_languages(category: str, minimum: int) -> None:
    langs = Counter(case.lang for case in all_cases() if case.category == category)
    assert sum(langs.values()) >= minimum, f"{category}: {dict(langs)}"
    assert langs["en"] > 0 and langs["ko"] > 0, f"{category}: {dict(langs)}"


def test_mixed_and_follow_up_cases_are_present_in_both_languages() -> None:
    cases = dev_cases()
    assert {case.lang for case in cases if case.category == "mixed"} == {"en", "ko"}
    followups = [case for case in cases if case.conversation]
    assert {case.lang for case in followups} == {"en", "ko"}
    assert all("followup" in case.tags for case in followups)


def test_refusals_expect_no_answer_and_answers_expect_a_source() -> None:
    for case in dev_cases():
        expect = case.expect
        if expect.refuse:
            assert not expect.answer_contains and expect.sources.is_empty, case.id
        elif case.category in ("document", "catalog", "permission", "mixed"):
            assert not expect.sources.is_empty, f"{case.id}: an answered case must expect a source"
            assert expect.answer_contains, f"{case.id}: an answered case must expect some answer text"
        if case.category == "unanswerable":
            assert expect.refuse, case.id


def test_expected_answer_text_appears_in_an_expected_source() -> None:
    """Answers are extractive, so each expected string must be copyable from a cited source."""
    texts = demo_source_texts()
    for case in dev_cases():
        readable = [texts[sid] for sid in sorted(case.expect.sources.expected) if sid in texts]
        if not readable:  # only tables expected: their values are checked by the SQL cases
            continue
        for needle in case.expect.answer_contains:
            assert any(text_contains(text, needle) for text in readable), f"{case.id}: {needle!r}"


def test_no_case_expects_a_source_its_user_may_not_see() -> None:
    for case in dev_cases():
        expected = case.expect.sources.acceptable
        for doc, owner in RESTRICTED_DOCS.items():
            if case.user != owner:
                assert doc not in expected, f"{case.id}: {case.user} cannot see {doc}"
        if case.user in (ANONYMOUS, "demo-public-key"):
            assert not expected & INTERNAL_DOCS, f"{case.id}: {case.user} cannot see internal documents"


def test_denied_permission_cases_forbid_the_hidden_documents() -> None:
    denied = [case for case in dev_cases() if case.category == "permission" and case.expect.refuse]
    assert len(denied) >= 5
    for case in denied:
        assert case.expect.must_not_cite, f"{case.id}: a denied case must name what must not leak"
        missing = _sources_of_allowed_twins(case) - set(case.expect.must_not_cite)
        assert not missing, f"{case.id}: must_not_cite lacks {sorted(missing)}"


def _sources_of_allowed_twins(case: Case) -> set[str]:
    """The documents that answer the same question when a user with clearance asks it."""
    return {
        source_id
        for other in dev_cases()
        if other.question == case.question and not other.expect.refuse
        for source_id in other.expect.sources.expected
    }
