"""Answers as Block Kit messages: escaping, links, sources, SQL and its table, and Slack's limits."""

from __future__ import annotations

import json

import pytest

from assistant.bot.blocks import (
    FALLBACK_TEXT_LIMIT,
    MAX_BLOCKS_PER_MESSAGE,
    MESSAGE_TEXT_BUDGET,
    SECTION_TEXT_LIMIT,
    SlackMessage,
    render_answer,
    render_notice,
    split_text,
)
from assistant.bot.mrkdwn import escaped_length
from assistant.bot.text_table import display_width
from assistant.models import Answer, Citation, SourceKind, SqlResult, Suggestion


def make_answer(text: str = "Ten days. [1]", **fields: object) -> Answer:
    values: dict[str, object] = {
        "answer_id": "a_0123456789abcdef",
        "conversation_id": "c_1",
        "question": "How many days?",
        "answer": text,
        "confidence": "high",
        "citations": [
            Citation(
                n=1,
                source_id="doc:request.md",
                kind=SourceKind.DOCUMENT,
                title="Public Data Request Procedure",
                locator="§ Deadline",
                url="https://city.example/request?a=1&b=2",
                as_of="2025-04-15",
            )
        ],
    }
    values.update(fields)
    return Answer.model_validate(values)


def sections(message: SlackMessage) -> list[str]:
    return [block["text"]["text"] for block in message.blocks if block["type"] == "section"]


def all_blocks(messages: list[SlackMessage]) -> list[dict]:
    return [block for message in messages for block in message.blocks]


def test_an_answer_has_its_text_sources_confidence_and_buttons() -> None:
    (message,) = render_answer(make_answer())
    assert sections(message) == [
        "Ten days. [1]",
        "*Sources*\n[1] <https://city.example/request?a=1&amp;b=2|Public Data Request Procedure>"
        " — § Deadline, as of 2025-04-15",
    ]
    context, actions = message.blocks[-2:]
    assert context["elements"][0]["text"] == "Confidence: *high* · `a_0123456789abcdef`"
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [
        ("cityqa_feedback_up", "a_0123456789abcdef"),
        ("cityqa_feedback_down", "a_0123456789abcdef"),
    ]
    assert message.text == "Ten days. [1]"


def test_source_text_cannot_ping_a_channel_or_hide_a_link() -> None:
    text = "Ask <!channel> & see <https://evil.example|the rules> [1]"
    citation = Citation(
        n=1, source_id="x", kind=SourceKind.DOCUMENT, title="A|B <C>", url="javascript:alert(1)"
    )
    (message,) = render_answer(make_answer(text, citations=[citation], notes=["<@U123> said"]))
    dumped = json.dumps(message.blocks)
    assert "<!channel>" not in dumped and "<https://evil" not in dumped and "<@U123>" not in dumped
    assert sections(message)[0] == "Ask &lt;!channel&gt; &amp; see &lt;https://evil.example|the rules&gt; [1]"
    assert sections(message)[1] == "*Sources*\n[1] A¦B &lt;C&gt;"  # no link for a javascript: URL
    assert "&lt;!channel&gt;" in message.text


def test_not_found_lists_the_suggested_datasets() -> None:
    answer = make_answer(
        "I could not find an answer to this in the indexed sources.",
        citations=[],
        confidence="none",
        suggestions=[Suggestion(source_id="catalog:1", title="Beach visitors", url="https://data.example/1")],
    )
    (message,) = render_answer(answer)
    assert sections(message)[1] == "*Datasets that might help*\n• <https://data.example/1|Beach visitors>"
    assert "none — not found in the indexed sources" in message.blocks[-2]["elements"][0]["text"]


def test_the_sql_is_a_code_block_and_the_result_an_aligned_table() -> None:
    rows = [[f"구{i}", i * 1000.5, None if i == 3 else i] for i in range(25)]
    sql = SqlResult(
        query="SELECT district, area, n FROM t WHERE x < 3 AND y = '```'",
        columns=["district", "area", "n"],
        rows=rows,
        row_count=25,
        truncated=True,
    )
    (message,) = render_answer(make_answer(sql=sql))
    texts = sections(message)
    index = texts.index("*SQL*")
    assert texts[index + 1] == "```SELECT district, area, n FROM t WHERE x &lt; 3 AND y = '`\u200b``'```"
    assert texts[index + 2] == "*Result* (first 10 of 25 rows, cut at the row limit)"
    table = texts[index + 3].removeprefix("```").removesuffix("```").splitlines()
    assert len(table) == 12  # header, rule, 10 rows
    assert table[0].startswith("district") and set(table[1]) == {"-", " "}
    assert table[2] == "구0" + " " * 12 + "0  0"
    assert table[3].endswith("1000.5  1") and table[5].endswith("3001.5")  # numbers right, None blank
    assert len({display_width(line) for line in table[:3]}) == 1  # Hangul counts two cells


def test_a_wide_result_shows_eight_columns_and_says_so() -> None:
    sql = SqlResult(
        query="SELECT *", columns=[f"c{i}" for i in range(12)], rows=[list(range(12))], row_count=1
    )
    texts = sections(render_answer(make_answer(sql=sql))[0])
    assert "4 more column(s) not shown" in texts[texts.index("*SQL*") + 2]
    assert "c7" in texts[-1] and "c8" not in texts[-1]


def test_a_korean_question_gets_korean_labels() -> None:
    (message,) = render_answer(make_answer(question="며칠 안에 결정하나요?"))
    assert sections(message)[1].startswith("*출처*\n[1] ")
    assert "2025-04-15 기준" in sections(message)[1]
    assert message.blocks[-1]["elements"][0]["text"]["text"] == "👍 도움됨"


def test_the_asker_of_a_slash_command_is_shown() -> None:
    (message,) = render_answer(make_answer(question="Is it <ten> days?"), asked_by="U0CITIZEN")
    assert message.blocks[0]["elements"][0]["text"] == "<@U0CITIZEN> asked: _Is it &lt;ten&gt; days?_"


def test_a_long_answer_is_split_within_slacks_limits() -> None:
    sentence = "The agency must decide within 10 days & tell the applicant. "
    long_text = (sentence * 60 + "\n\n") * 12  # ~44,000 characters
    citations = [
        Citation(
            n=n,
            source_id=f"doc:{n}",
            kind=SourceKind.DOCUMENT,
            title=f"Source {n} " + "x" * 200,
            url=f"https://city.example/{n}",
        )
        for n in range(1, 301)
    ]
    messages = render_answer(make_answer(long_text, citations=citations))
    assert len(messages) > 1
    for message in messages:
        assert len(message.blocks) <= MAX_BLOCKS_PER_MESSAGE
        assert sum(len(text) for text in sections(message)) <= MESSAGE_TEXT_BUDGET
        assert all(len(text) <= SECTION_TEXT_LIMIT for text in sections(message))
        assert len(message.text) <= 40_000
    assert len(messages[0].text) <= 5 * FALLBACK_TEXT_LIMIT
    assert messages[1].text == f"(continued, part 2 of {len(messages)})"
    # The buttons come once, at the very end; nothing is lost or reordered.
    assert [i for i, m in enumerate(messages) for b in m.blocks if b["type"] == "actions"] == [
        len(messages) - 1
    ]
    answer_sections = [t for t in sections_of(messages) if t.startswith("The agency")]
    assert " ".join(answer_sections).replace("&amp;", "&").split() == long_text.split()
    source_lines = [line for t in sections_of(messages) for line in t.splitlines() if line.startswith("[")]
    assert [int(line[1 : line.index("]")]) for line in source_lines] == list(range(1, 301))


def sections_of(messages: list[SlackMessage]) -> list[str]:
    return [text for message in messages for text in sections(message)]


def test_split_text_cuts_at_paragraphs_then_sentences_then_words() -> None:
    paragraphs = "a" * 50 + "\n\n" + "b" * 50
    assert split_text(paragraphs, 80) == ["a" * 50, "b" * 50]
    sentences = "One two three. Four five six. Seven eight nine."
    assert split_text(sentences, 32) == ["One two three. Four five six.", "Seven eight nine."]
    assert split_text("word " * 10, 12) == ["word word", "word word", "word word", "word word", "word word"]
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]  # no break at all: cut anywhere


def test_split_text_counts_the_escaped_length() -> None:
    pieces = split_text("&" * 7000, SECTION_TEXT_LIMIT)
    assert all(escaped_length(piece) <= SECTION_TEXT_LIMIT for piece in pieces)
    assert "".join(pieces) == "&" * 7000


def test_split_text_keeps_the_leading_spaces_of_table_lines() -> None:
    table = "\n".join(["name   n", "-----  --", *[f"row{i:02d}  {i:>2}" for i in range(40)]])
    pieces = split_text(table, 100, len)
    assert "\n".join(pieces) == table
    assert all(len(piece) <= 100 for piece in pieces)


@pytest.mark.parametrize("text", ["Sorry: &lt;x&gt;", "y" * 5000])
def test_a_notice_is_one_section_within_limits(text: str) -> None:
    notice = render_notice(text)
    assert len(notice.blocks) == 1 and len(notice.blocks[0]["text"]["text"]) <= SECTION_TEXT_LIMIT
    assert len(notice.text) <= FALLBACK_TEXT_LIMIT
