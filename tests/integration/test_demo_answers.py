"""The issue's questions, over HTTP, against the whole demo corpus with the real model."""

from __future__ import annotations

from typing import Any

import pytest
from demo_stack import DEMO_PATHS, DemoIngest
from fastapi.testclient import TestClient

from assistant.models import Classification
from assistant.pipeline import NOT_FOUND_EN
from assistant.store_layout import StoreLayout
from ingestion.loaders import SourceDefaults

pytestmark = pytest.mark.integration

REQUEST_PROCEDURE_IDS = {"doc:open_data_request_procedure_ko.md", "doc:open_data_request_procedure_en.html"}
HAEUNDAE_BEACH_ID = "catalog:datagokr:15037510"
HAEUNDAE_BEACH_URL = "https://www.data.go.kr/data/15037510/fileData.do"
CLASSIFICATION_GUIDELINE_IDS = {
    "doc:data_classification_guideline_en.pdf",
    "doc:data_classification_guideline_ko.docx",
}
PERSONNEL_POLICY_ID = "doc:personnel_data_access_policy_en.md"


def ask(client: TestClient, question: str, key: str | None = None) -> dict[str, Any]:
    headers = {"authorization": f"Bearer {key}"} if key else {}
    response = client.post("/api/chat", json={"question": question}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def cited_ids(body: dict[str, Any]) -> set[str]:
    return {citation["source_id"] for citation in body["citations"]}


def hidden_from_public(demo_ingest: DemoIngest) -> dict[str, Classification]:
    return {
        chunk.source_id: chunk.classification
        for chunk in demo_ingest.stores.keyword_index.chunks()
        if chunk.classification != Classification.PUBLIC
    }


def test_the_whole_demo_corpus_is_ingested_without_failures(demo_ingest: DemoIngest) -> None:
    assert demo_ingest.report.failed == []
    assert demo_ingest.report.indexed, "nothing was indexed"
    tables = set(demo_ingest.stores.warehouse.tables())
    assert {"population_by_district_2025", "district_land_area"} <= tables
    assert demo_ingest.stores.vector_store.count() == len(demo_ingest.stores.keyword_index)


def test_deadline_question_is_answered_from_the_request_procedure(demo_client: TestClient) -> None:
    body = ask(demo_client, "How many days does an agency have to decide on a public data request?")
    assert "10" in body["answer"], body["answer"]
    assert cited_ids(body) & REQUEST_PROCEDURE_IDS, body["citations"]
    assert body["confidence"] in ("high", "medium")


@pytest.mark.parametrize(
    "question",
    ["Which dataset has Haeundae beach visitor numbers?", "해운대해수욕장 방문객 데이터는 어디에 있나요?"],
)
def test_haeundae_beach_visitors_are_found_in_the_catalog(demo_client: TestClient, question: str) -> None:
    body = ask(demo_client, question)
    matching = [c for c in body["citations"] if c["source_id"] == HAEUNDAE_BEACH_ID]
    assert matching, f"no citation of {HAEUNDAE_BEACH_ID}: {body['citations']} / {body['answer']}"
    assert matching[0]["url"] == HAEUNDAE_BEACH_URL
    assert matching[0]["kind"] == "catalog"


def test_an_unanswerable_question_gets_the_honest_not_found(demo_client: TestClient) -> None:
    body = ask(demo_client, "What is the capital of France?")
    assert body["confidence"] == "none"
    assert body["answer"].startswith(NOT_FOUND_EN)
    assert body["citations"] == []
    assert body["sql"] is None


@pytest.mark.parametrize(
    "question",
    [
        "Restricted data must be reviewed every 6 months",
        "How long are personnel records retained after retirement?",
        "personnel records retained after retirement",
        "민원 데이터 보관 기간",
    ],
)
def test_anonymous_never_sees_internal_or_restricted_content(
    demo_client: TestClient, demo_ingest: DemoIngest, question: str
) -> None:
    hidden = hidden_from_public(demo_ingest)
    assert PERSONNEL_POLICY_ID in hidden and set(hidden) >= CLASSIFICATION_GUIDELINE_IDS
    body = ask(demo_client, question)
    shown = (
        cited_ids(body)
        | {suggestion["source_id"] for suggestion in body.get("suggestions", [])}
        | set(body.get("retrieved_source_ids", []))
    )
    assert not shown & set(hidden), shown & set(hidden)
    for phrase in ("every 6 months", "5 years after retirement", "민원담당관"):
        assert phrase not in body["answer"]
    listed = {source["source_id"] for source in demo_client.get("/api/sources").json()}
    assert not listed & set(hidden)
    for source_id in hidden:
        response = demo_client.get(f"/api/sources/{source_id}")
        assert response.status_code == 404
        assert response.json()["error_code"] == "not_found"


def test_the_internal_key_sees_the_internal_classification_guideline(demo_client: TestClient) -> None:
    question = "How often must restricted data be reviewed?"
    body = ask(demo_client, question, key="demo-internal-key")
    assert cited_ids(body) & CLASSIFICATION_GUIDELINE_IDS, (body["citations"], body["answer"])
    assert "6" in body["answer"]
    anonymous = ask(demo_client, question)
    assert not cited_ids(anonymous) & CLASSIFICATION_GUIDELINE_IDS


def test_the_personnel_key_sees_the_personnel_policy(demo_client: TestClient) -> None:
    question = "How long are personnel records retained after retirement?"
    body = ask(demo_client, question, key="demo-personnel-key")
    assert PERSONNEL_POLICY_ID in cited_ids(body), (body["citations"], body["answer"])
    assert "5 years" in body["answer"]
    other_department = ask(demo_client, question, key="demo-complaints-key")
    assert PERSONNEL_POLICY_ID not in cited_ids(other_department)
    assert "5 years after retirement" not in other_department["answer"]


def test_re_ingesting_the_demo_changes_nothing(demo_ingest: DemoIngest) -> None:
    stores = demo_ingest.stores
    before_vectors, before_keywords = stores.vector_store.count(), len(stores.keyword_index)
    manifest = StoreLayout(demo_ingest.settings.home).current().manifest
    manifest_before = manifest.read_text(encoding="utf-8")
    report = demo_ingest.ingestor.ingest(DEMO_PATHS, SourceDefaults())
    assert report.indexed == []
    assert report.failed == []
    assert report.removed == []
    assert len(report.unchanged) == len(demo_ingest.report.indexed) + len(demo_ingest.report.unchanged)
    assert stores.vector_store.count() == before_vectors
    assert len(stores.keyword_index) == before_keywords
    assert manifest.read_text(encoding="utf-8") == manifest_before
