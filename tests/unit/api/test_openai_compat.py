"""Translating between OpenAI's messages and cityqa's answers: which message is the question, which
earlier ones are the conversation, the footer of sources and SQL (in the question's language), and
what a stream still has to send when the final checks replaced text it already sent."""

from __future__ import annotations

from typing import Any

from assistant.api.openai_compat import closing_text, footer, message_content, question_and_history
from assistant.api.openai_models import ChatCompletionRequest
from assistant.conversations import MAX_TURNS
from assistant.models import Answer, Citation, SourceKind, SqlResult, Suggestion

DOCUMENT = Citation(
    n=1,
    source_id="doc:a.md",
    kind=SourceKind.DOCUMENT,
    title="Public Data Request Procedure",
    locator="§ Deadline",
    as_of="2025-04-15",
)
CATALOG = Citation(
    n=2,
    source_id="catalog:datagokr:15037510",
    kind=SourceKind.CATALOG,
    title="해운대해수욕장 방문객 현황",
    locator="catalog entry 15037510",
    url="https://www.data.go.kr/data/15037510/fileData.do",
)
BARE = Citation(n=3, source_id="doc:b.md", kind=SourceKind.DOCUMENT, title="Notes")


def answer(question: str = "How long?", text: str = "Ten days. [1]", **fields: Any) -> Answer:
    return Answer(answer_id="a_1", conversation_id="c_1", question=question, answer=text, **fields)


def messages(*pairs: tuple[str, Any]) -> ChatCompletionRequest:
    return ChatCompletionRequest.model_validate(
        {"model": "cityqa", "messages": [{"role": role, "content": content} for role, content in pairs]}
    )


def test_the_last_user_message_is_the_question_and_earlier_pairs_are_the_history() -> None:
    request = messages(
        ("system", "Be brief."),
        ("assistant", "Hello!"),  # before any question: no turn to belong to
        ("user", "How long does a request take?"),
        ("assistant", "Ten days. [1]" + footer(answer(citations=[DOCUMENT]))),
        ("user", [{"type": "text", "text": "And the fee?"}, {"type": "text", "text": "In won."}]),
        ("assistant", "It is free."),
        ("assistant", [{"type": "text", "text": "No fee is charged."}]),
        ("user", "and afterwards?"),
        ("assistant", "Prefilled reply"),  # after the question: ignored
    )
    question, history = question_and_history(request.messages)
    assert question == "and afterwards?"
    assert [(turn.question, turn.answer) for turn in history] == [
        ("How long does a request take?", "Ten days. [1]"),
        ("And the fee?\nIn won.", "It is free. No fee is charged."),
    ]


def test_consecutive_questions_are_turns_without_answers_and_history_is_capped() -> None:
    request = messages(*[("user", f"question {n}") for n in range(MAX_TURNS + 5)])
    question, history = question_and_history(request.messages)
    assert question == f"question {MAX_TURNS + 4}"
    assert [turn.question for turn in history] == [f"question {n}" for n in range(4, MAX_TURNS + 4)]
    assert {turn.answer for turn in history} == {""}


def test_only_cityqas_own_footer_is_cut_from_an_earlier_reply() -> None:
    kept = "Step one.\n\n---\nStep two."  # a rule in someone's reply, not followed by a footer label
    request = messages(("user", "q1"), ("assistant", kept), ("user", "q2"))
    assert question_and_history(request.messages)[1][0].answer == kept
    korean = answer("기한은?", "10일입니다. [1]", citations=[DOCUMENT])
    request = messages(("user", "기한은?"), ("assistant", message_content(korean)), ("user", "연장은?"))
    assert question_and_history(request.messages)[1][0].answer == "10일입니다. [1]"


def test_the_footer_lists_sources_then_the_sql() -> None:
    sql = SqlResult(query="SELECT 1 AS one LIMIT 1", tables=["t"], columns=["one"], rows=[[1]], row_count=1)
    text = footer(answer(citations=[DOCUMENT, CATALOG, BARE], sql=sql))
    assert text == (
        "\n\n---\nSources:\n"
        "- [1] Public Data Request Procedure — § Deadline, as of 2025-04-15\n"
        "- [2] 해운대해수욕장 방문객 현황 — catalog entry 15037510, https://www.data.go.kr/data/15037510/fileData.do\n"
        "- [3] Notes\n\n"
        "SQL:\n```sql\nSELECT 1 AS one LIMIT 1\n```"
    )


def test_the_footer_speaks_the_questions_language_and_suggests_datasets_when_nothing_answers() -> None:
    korean = footer(answer("해운대구 인구는?", "색인된 자료에서 찾지 못했습니다.", citations=[DOCUMENT]))
    assert korean == "\n\n---\n출처:\n- [1] Public Data Request Procedure — § Deadline, 2025-04-15 기준"
    suggestions = [Suggestion(source_id="s:1", title="Beach visitors", url="https://x.example/1")]
    suggestions.append(Suggestion(source_id="s:2", title="Bus routes"))
    assert footer(answer(text="Not found.", suggestions=suggestions)) == (
        "\n\n---\nClosest datasets:\n- Beach visitors, https://x.example/1\n- Bus routes"
    )
    assert footer(answer(text="Not found.")) == ""


def test_a_stream_ends_with_the_rest_of_the_answer_and_its_footer() -> None:
    final = answer(text="Ten days. [1] Once extendable. [1]", citations=[DOCUMENT])
    for streamed in ("", "Ten days. [1]", final.answer):
        assert streamed + closing_text(streamed, final) == message_content(final)


def test_text_the_final_checks_replaced_is_corrected_not_silently_kept() -> None:
    final = answer(text="I could not find an answer to this in the indexed sources.")
    streamed = "The fee is 5,000 won [1]."
    rest = closing_text(streamed, final)
    assert rest.startswith("\n\n(Corrected: the text above did not pass the final source check.")
    assert rest.endswith("\n\n" + message_content(final))
    korean = answer("수수료는?", "색인된 자료에서 이 질문의 답을 찾지 못했습니다.")
    assert closing_text("수수료는 5,000원입니다 [1].", korean).startswith("\n\n(정정:")
