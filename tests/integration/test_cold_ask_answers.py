"""Cold start (issue 11): over the demo corpus, queries embedded by the ONNX export (what `cityqa ask`
and `cityqa serve` use once an ingest wrote it) retrieve and answer exactly as sentence-transformers
queries do."""

from __future__ import annotations

import pytest
from demo_stack import DemoIngest

from assistant.embeddings import QueryOnnxEmbedder, embedder_for
from assistant.factory import build_assistant
from assistant.models import Answer
from assistant.users import UserDirectory

pytestmark = pytest.mark.integration

QUESTIONS = [
    "해운대구 인구는?",
    "How many days does an agency have to decide on a public data request?",
    "What was the registered population of Haeundae-gu in May 2025?",
    "Which dataset has Haeundae beach visitor numbers?",
    "해운대해수욕장 방문객 데이터는 어디에 있나요?",
    "What is the capital of France?",
    "How long are personnel records retained after retirement?",
    "How often must restricted data be reviewed?",
    "공공데이터 제공신청은 며칠 안에 결정하나요?",
    "2025년 5월 부산진구와 동래구의 인구 합계는?",
    "Which department publishes the bus stop data?",
]
KEYS = [None, "demo-personnel-key"]


def _comparable(answer: Answer) -> dict[str, object]:
    return answer.model_dump(mode="json", exclude={"answer_id", "conversation_id", "timings_ms"})


def test_the_ingest_exported_the_model_and_the_assistant_uses_it(demo_ingest: DemoIngest) -> None:
    assistant = build_assistant(demo_ingest.settings, demo_ingest.stores)
    embedder = assistant.retriever.embedder
    assert isinstance(embedder, QueryOnnxEmbedder)
    assert embedder._query_encoder() is not None, "no ONNX export in the demo home after the ingest"


def test_onnx_queries_retrieve_and_answer_as_sentence_transformers_queries(
    demo_ingest: DemoIngest, demo_users: UserDirectory
) -> None:
    settings = demo_ingest.settings
    onnx = build_assistant(settings, demo_ingest.stores)
    torch_queries = embedder_for(settings.embedding_model, settings.embedding_batch_size)  # no home
    reference = build_assistant(settings, demo_ingest.stores, embedder=torch_queries)
    for question in QUESTIONS:
        for key in KEYS:
            user = demo_users.authenticate(key)
            top5 = [
                passage.chunk.chunk_id
                for passage in onnx.retriever.retrieve_passages_for_user(question, user, 5)
            ]
            expected_top5 = [
                passage.chunk.chunk_id
                for passage in reference.retriever.retrieve_passages_for_user(question, user, 5)
            ]
            assert top5 == expected_top5, (question, key)
            answer, expected = onnx.answer(question, user), reference.answer(question, user)
            assert _comparable(answer) == _comparable(expected), (question, key)
