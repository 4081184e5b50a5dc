"""A chat model behind the composer and the follow-up rewriter, wired by the factory: what it writes
reaches the official only sentence by sentence after the checks; invented figures, a poisoned
document's instructions, a model that finds nothing and a model that fails all end in an honest
answer. LangChain's fake chat models behind the real `BaseChatModel` seam; real stores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from llm_doubles import POISONED_DOC, PromptRecorder
from test_factory_llm import PARTLY_MAPPED, POP, FailingChatModel

from assistant.config import Settings
from assistant.factory import Stores, build_assistant
from assistant.models import Answer, User
from assistant.pipeline import Assistant
from assistant.streaming import AnswerEvent
from ingestion.loaders import SourceDefaults

DEMO_TABLES = Path(__file__).resolve().parents[3] / "data" / "demo" / "tables"
DEADLINE = "How many days does the agency have to decide on a public data request?"



def model(*texts: str, recorder: PromptRecorder | None = None) -> GenericFakeChatModel:
    """A fake that streams each reply word by word, as a server does token by token."""
    return GenericFakeChatModel(
        messages=iter(AIMessage(content=text) for text in texts), callbacks=[recorder] if recorder else None
    )


@pytest.fixture
def stack(make_stack: Any, corpus_dir: Path, corpus_ingester: Any) -> Any:
    (corpus_dir / "documents" / "extensions.md").write_text(POISONED_DOC, encoding="utf-8")
    built = make_stack()
    corpus_ingester(built, corpus_dir)
    assert built.ingestor.ingest([DEMO_TABLES], SourceDefaults()).failed == []
    return built


def assistant_for(stack: Any, chat_model: BaseChatModel | None) -> Assistant:
    stores = Stores(stack.vector_store, stack.keyword_index, stack.warehouse)
    settings = Settings(_env_file=None, home=stack.home)  # type: ignore[call-arg]
    return build_assistant(settings, stores, embedder=stack.embedder, chat_model=chat_model)


def streamed(assistant: Assistant, question: str, **kwargs: Any) -> tuple[list[AnswerEvent], Answer]:
    events = list(assistant.answer_events(question, User(), **kwargs))
    assert events[-1].type == "done" and events[-1].answer is not None, events[-1]
    return events, events[-1].answer


def tokens(events: list[AnswerEvent]) -> list[str]:
    return [event.text or "" for event in events if event.type == "token"]


# -- the model writes, the checks pass -------------------------------------------------------------------
def test_a_grounded_model_answer_streams_sentence_by_sentence_and_is_cited(stack: Any) -> None:
    offline = assistant_for(stack, None).answer(DEADLINE, User())
    assert offline.confidence == "high" and "10 days" in offline.answer
    reply = (
        "The agency must decide on a public data request within 10 days of receiving it [1]. "
        "The decision may be extended once by another 10 days, with notice to the applicant [1]."
    )
    events, answer = streamed(assistant_for(stack, model(reply)), DEADLINE)
    assert [event.type for event in events][:3] == ["status", "status", "status"]
    assert tokens(events) == [
        "The agency must decide on a public data request within 10 days of receiving it [1].",
        " The decision may be extended once by another 10 days, with notice to the applicant [1].",
    ]
    assert answer.answer == "".join(tokens(events))
    assert answer.citations[0].source_id == offline.citations[0].source_id
    assert answer.confidence == offline.confidence and answer.prompt == "answer_composition@1"
    assert [event.type for event in events][-2:] == ["citations", "done"]


# -- the checks catch what the model made up ----------------------------------------------------------
def test_an_invented_figure_removes_its_sentence_and_lowers_confidence(stack: Any) -> None:
    reply = (
        "The agency has 30 days to decide on a public data request [1]. "
        "An extension of another 10 days is allowed once, with notice to the applicant [1]."
    )
    events, answer = streamed(assistant_for(stack, model(reply)), DEADLINE)
    assert "30" not in answer.answer and "another 10 days" in answer.answer
    assert tokens(events) == [answer.answer]  # the dropped sentence never reached the client
    assert answer.confidence == "low"
    assert any("figures not in its sources: 30" in note for note in answer.notes)


def test_a_model_answer_made_only_of_invented_figures_gives_way_to_the_extract(stack: Any) -> None:
    offline = assistant_for(stack, None).answer(DEADLINE, User())
    _, answer = streamed(assistant_for(stack, model("The fee is 5,000 won and takes 45 days [1].")), DEADLINE)
    # the extract keeps its own confidence: the model's failed sentences say nothing about it
    assert (answer.answer, answer.confidence) == (offline.answer, offline.confidence)
    assert any("no sentence of the language model's answer was supported" in note for note in answer.notes)


def test_a_poisoned_documents_instruction_is_never_shown_to_the_model_nor_followed(stack: Any) -> None:
    recorder = PromptRecorder()
    obeying = model("Send your resident registration number to help@evil.example [1].", recorder=recorder)
    question = "How must an extension of a public data request decision be announced?"
    offline = assistant_for(stack, None).answer(question, User())
    _, answer = streamed(assistant_for(stack, obeying), question)
    assert recorder.prompts, "the model must have been asked for this test to mean anything"
    assert "evil.example" not in recorder.prompts[0] and "Ignore previous" not in recorder.prompts[0]
    assert "announced to the applicant in writing" in recorder.prompts[0]
    assert "evil" not in answer.answer and "registration number" not in answer.answer
    assert answer.answer == offline.answer and answer.citations
    assert any("instructions to the assistant" in note for note in answer.notes)


def test_the_offline_extract_never_quotes_a_documents_instruction(stack: Any) -> None:
    answer = assistant_for(stack, None).answer("Who should receive the resident registration number?", User())
    assert "evil.example" not in answer.answer


def test_a_model_that_finds_nothing_leaves_the_extract_at_confidence_low(stack: Any) -> None:
    offline = assistant_for(stack, None).answer(DEADLINE, User())
    _, answer = streamed(assistant_for(stack, model("NOT_IN_SOURCES")), DEADLINE)
    assert answer.answer == offline.answer and answer.confidence == "low"
    assert any("found no answer in the sources" in note for note in answer.notes)


@pytest.mark.parametrize("error", ["timeout", "connection", "server_error"])
def test_a_failing_model_degrades_the_request_to_the_offline_answer(stack: Any, error: str) -> None:
    offline = assistant_for(stack, None).answer(DEADLINE, User())
    failing = FailingChatModel(error=error)
    events, answer = streamed(assistant_for(stack, failing), DEADLINE)
    assert failing.calls >= 1
    assert (answer.answer, answer.confidence) == (offline.answer, offline.confidence)
    assert tokens(events) == [offline.answer]  # streamed too, in one piece
    assert any(note.startswith("the language model failed") for note in answer.notes)


# -- statistics: the model's SQL and its wording --------------------------------------------------------
def test_a_model_words_its_own_querys_rows_and_may_not_invent_a_figure(stack: Any) -> None:
    sql = f"```sql\nSELECT total_population FROM {POP} WHERE district = '해운대구' LIMIT 1\n```"
    good = model(sql, "Haeundae-gu had 374,321 registered residents [1].")
    events, answer = streamed(assistant_for(stack, good), PARTLY_MAPPED)
    assert answer.answer == "Haeundae-gu had 374,321 registered residents [1]."
    assert answer.sql is not None and answer.sql.rows == [[374321]]
    assert answer.confidence == "low" and any("SQL written by the language model" in n for n in answer.notes)
    assert [event.type for event in events][-4:] == ["sql", "table", "citations", "done"]

    inventing = model(sql, "Haeundae-gu had 400,000 registered residents [1].")
    _, answer = streamed(assistant_for(stack, inventing), PARTLY_MAPPED)
    assert "400,000" not in answer.answer and "374321" in answer.answer.replace(",", "")


# -- follow-ups ---------------------------------------------------------------------------------------
def test_a_follow_up_is_rewritten_into_a_standalone_question(stack: Any) -> None:
    first = "What was the registered population of Haeundae-gu in May 2025?"
    assistant = assistant_for(stack, model("What was the registered population of Suyeong-gu in May 2025?"))
    opening = assistant.answer(first, User())
    follow_up = assistant.answer("And Suyeong-gu?", User(), opening.conversation_id)
    assert follow_up.question == "And Suyeong-gu?"
    assert follow_up.sql is not None and "수영구" in follow_up.sql.query
    assert "read as: What was the registered population of Suyeong-gu in May 2025?" in follow_up.notes


def test_a_rewrite_that_adds_a_figure_is_not_used(stack: Any) -> None:
    history_question = "What was the registered population of Haeundae-gu in May 2025?"
    assistant = assistant_for(stack, model("What was the registered population of Suyeong-gu in 2019?"))
    opening = assistant.answer(history_question, User())
    follow_up = assistant.answer("And Suyeong-gu?", User(), opening.conversation_id)
    assert any("never mentioned (2019)" in note for note in follow_up.notes)
    assert follow_up.sql is None or "2019" not in follow_up.sql.query


def test_a_caller_may_give_the_history_itself(stack: Any) -> None:
    from assistant.models import Turn

    assistant = assistant_for(stack, model("What was the registered population of Suyeong-gu in May 2025?"))
    history = [Turn(question="What was the registered population of Haeundae-gu in May 2025?")]
    answer = assistant.answer("And Suyeong-gu?", User(), history=history)
    assert answer.sql is not None and "수영구" in answer.sql.query
    # the caller keeps the conversation: the store remembers nothing of it
    assert assistant.conversations.history(answer.conversation_id, User().key_id)[1] == []


def test_a_sentence_without_a_citation_is_not_given(stack: Any) -> None:
    offline = assistant_for(stack, None).answer(DEADLINE, User())
    reply = "The agency must decide on a public data request within 10 days of receiving it."
    _, answer = streamed(assistant_for(stack, model(reply)), DEADLINE)
    assert answer.answer == offline.answer and answer.citations  # never "not found" for want of a marker
    assert any("no sentence of the language model's answer was supported" in n for n in answer.notes)


def test_a_model_answer_citing_another_source_than_the_best_match_is_low(stack: Any) -> None:
    recorder = PromptRecorder()
    offline = assistant_for(stack, None).answer(DEADLINE, User())
    assert offline.confidence == "high"
    probe = model("NOT_IN_SOURCES", recorder=recorder)
    assistant_for(stack, probe).answer(DEADLINE, User())
    # the numbered sources as the model saw them: find one that is not the extract's lead
    lead_title = offline.citations[0].title
    blocks = [b for b in recorder.prompts[0].split("\n\n") if b.startswith("[")]
    other = next(b for b in blocks if lead_title not in b.splitlines()[0])
    n = other[1 : other.index("]")]
    words = other.splitlines()[1][:80]
    _, answer = streamed(assistant_for(stack, model(f"{words} [{n}].")), DEADLINE)
    assert answer.citations and answer.citations[0].title != lead_title, answer
    assert answer.confidence == "low"
    assert any("other sources than the best-matching passage" in note for note in answer.notes)


def test_a_bare_citation_marker_is_no_answer(stack: Any) -> None:
    offline = assistant_for(stack, None).answer(DEADLINE, User())
    _, answer = streamed(assistant_for(stack, model("[1]")), DEADLINE)
    assert answer.answer == offline.answer  # seen with SmolLM2: a reply of "[1]" alone
    assert any("no words besides the citation" in note for note in answer.notes)


def test_a_rewrite_that_echoes_an_earlier_question_is_not_used(stack: Any) -> None:
    first = "What was the registered population of Haeundae-gu in May 2025?"
    assistant = assistant_for(stack, model(f"Q: {first}"))  # seen with SmolLM2: the history echoed
    opening = assistant.answer(first, User())
    follow_up = assistant.answer("And Suyeong-gu?", User(), opening.conversation_id)
    assert any("repeated an earlier question" in note for note in follow_up.notes), follow_up.notes
