"""Slack text both ways: escaping and links out, the plain question in."""

from __future__ import annotations

import pytest

from assistant.bot.mrkdwn import code_block, escape, link, question_from_slack_text


def test_escape_only_touches_slacks_three_characters() -> None:
    assert escape("a & b < c > d *e* _f_") == "a &amp; b &lt; c &gt; d *e* _f_"


@pytest.mark.parametrize(
    ("url", "label", "expected"),
    [
        ("https://x.example/a?b=1&c=2", "Title", "<https://x.example/a?b=1&amp;c=2|Title>"),
        ("https://x.example/a b|c>d", "T", "<https://x.example/a%20b%7Cc%3Ed|T>"),
        ("https://x.example/", "A|B & <C>", "<https://x.example/|A¦B &amp; &lt;C&gt;>"),
        ("javascript:alert(1)", "Click", "Click"),
        ("/relative/path", "Rel", "Rel"),
        (None, "Plain <b>", "Plain &lt;b&gt;"),
    ],
)
def test_link(url: str | None, label: str, expected: str) -> None:
    assert link(url, label) == expected


def test_a_code_block_cannot_be_closed_from_inside() -> None:
    assert code_block("a ``` b < c") == "```a `\u200b`` b &lt; c```"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<@U0BOT> How many days?", "How many days?"),
        ("<@U0BOT|cityqa>   해운대구   인구는?  ", "해운대구 인구는?"),
        ("What did <@U0KIM|kim> ask about <#C0DATA|data-team>?", "What did @kim ask about #data-team?"),
        (
            "See <https://data.go.kr/x?a=1&amp;b=2|this> and <https://x.example>",
            "See this and https://x.example",
        ),
        ("<!here> is 3 &lt; 4 &amp;&amp; 5 &gt; 2? <@U0BOT>", "is 3 < 4 && 5 > 2?"),
        ("<@U0BOT>", ""),
    ],
)
def test_the_question_in_a_slack_message(text: str, expected: str) -> None:
    assert question_from_slack_text(text, "U0BOT") == expected


def test_without_the_bot_id_every_mention_is_dropped() -> None:
    assert question_from_slack_text("<@U0BOT> hello <@U0KIM>", None) == "hello"
