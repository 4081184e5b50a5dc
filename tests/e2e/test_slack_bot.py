"""The Slack bot end to end: a real server on 127.0.0.1 (as `cityqa serve` mounts the bot), signed
requests as Slack sends them (events, a slash command, a button click), and the real
`slack_sdk.WebClient` posting to a fake Slack Web API that records what the bot said.

The stack is real but for the embedder (the fake): the small corpus of the tests with every
classification, and one demo table for a statistics answer. The composer is the extractive one behind
a switch that can hold an answer back (to see the acknowledgement come first) or fail.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from fake_slack_api import BOT_USER_ID, TEAM_ID, FakeSlackApi, SlackCall
from live_server import live_server
from slack_sdk.signature import SignatureVerifier

from assistant.api.app import create_app
from assistant.bot import add_slack_routes, build_slack_app
from assistant.compose import Composition, ExtractiveComposer, StatisticsPart, TextSink
from assistant.config import Settings
from assistant.errors import CityQAError, ErrorCode
from assistant.models import Passage
from assistant.retrieval import QueryTerms
from assistant.users import key_id

pytestmark = pytest.mark.e2e

TOKEN = "xoxb-test-token"
SECRET = "test-signing-secret"
QUESTION = "How many days does the agency have to decide on a public data request?"
LAND_AREA = "What is the land area of Haeundae-gu?"
PERSONNEL = "How long are personnel records kept in the walrusvault archive?"
PERSONNEL_OFFICER = "U0PERSONNEL"  # mapped to the demo personnel key (restricted, 인사과)
CITIZEN = "U0CITIZEN"  # not in the mapping: public clearance
PUBLIC_CHANNEL = "C0GENERAL"  # capped at public in the mapping
TEAM_CHANNEL = "C0DATATEAM"

SLACK_USERS = f"""
[users.{PERSONNEL_OFFICER}]
key_id = "{key_id("demo-personnel-key")}"

[channels.{PUBLIC_CHANNEL}]
max_clearance = "public"
"""


_MESSAGE_NUMBERS = itertools.count(1)


class SwitchedComposer(ExtractiveComposer):
    """The extractive composer, held back while `gate` is clear, failing on chosen words."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.gate.set()

    def compose(
        self,
        question: str,
        passages: list[Passage],
        terms: QueryTerms,
        statistics: StatisticsPart | None,
        on_text: TextSink | None = None,
    ) -> Composition:
        assert self.gate.wait(30), "the test never opened the gate"
        if "kaboom" in question:
            raise RuntimeError("the composer broke")
        if "upstream" in question:
            raise CityQAError(ErrorCode.UPSTREAM_FAILED, "the chat model server is not answering")
        return super().compose(question, passages, terms, statistics, on_text)


@dataclass
class SlackBot:
    url: str
    slack: FakeSlackApi
    composer: SwitchedComposer
    audit_log: Path
    stack: Any

    def new_ts(self) -> str:
        """A new message ts, as Slack gives each message."""
        return f"1761000000.{next(_MESSAGE_NUMBERS):06d}"

    def send(self, body: bytes, content_type: str, *, secret: str = SECRET, age: int = 0) -> httpx.Response:
        timestamp = str(int(time.time()) - age)
        signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
        headers = {
            "content-type": content_type,
            "x-slack-request-timestamp": timestamp,
            "x-slack-signature": signature,
        }
        return httpx.post(f"{self.url}/slack/events", content=body, headers=headers, timeout=30)

    def event(self, event: dict[str, Any], **signing: Any) -> httpx.Response:
        body = {
            "token": "unused",
            "team_id": TEAM_ID,
            "api_app_id": "A0CITYQA",
            "type": "event_callback",
            "event_id": f"Ev{event['ts'].replace('.', '')}",
            "event_time": int(time.time()),
            "event": event,
        }
        return self.send(json.dumps(body).encode(), "application/json", **signing)

    def mention(
        self, text: str, user: str = CITIZEN, channel: str = TEAM_CHANNEL, thread_ts: str | None = None
    ) -> dict[str, Any]:
        event = {
            "type": "app_mention",
            "user": user,
            "text": f"<@{BOT_USER_ID}> {text}",
            "channel": channel,
            "ts": self.new_ts(),
            "team": TEAM_ID,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        response = self.event(event)
        assert response.status_code == 200, response.text
        return event

    def direct_message(self, text: str, user: str = CITIZEN, **extra: Any) -> dict[str, Any]:
        event = {
            "type": "message",
            "channel_type": "im",
            "user": user,
            "text": text,
            "channel": f"D0{user}",
            "ts": self.new_ts(),
            "team": TEAM_ID,
            **extra,
        }
        response = self.event(event)
        assert response.status_code == 200, response.text
        return event

    def command(self, text: str, user: str = CITIZEN, channel: str = TEAM_CHANNEL) -> httpx.Response:
        form = {
            "token": "unused",
            "team_id": TEAM_ID,
            "channel_id": channel,
            "channel_name": "data-team",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/cityqa",
            "text": text,
            "response_url": self.slack.response_url(f"command-{self.new_ts()}"),
            "trigger_id": "1.2.3",
        }
        return self.send(urlencode(form).encode(), "application/x-www-form-urlencoded")

    def click(self, posted: SlackCall, action_id: str, user: str = CITIZEN) -> httpx.Response:
        (button,) = [
            e
            for b in posted.blocks
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"] == action_id
        ]
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM_ID},
            "user": {"id": user, "username": user.lower()},
            "api_app_id": "A0CITYQA",
            "token": "unused",
            "trigger_id": "1.2.3",
            "container": {"type": "message", "message_ts": posted.ts, "channel_id": posted.args["channel"]},
            "channel": {"id": posted.args["channel"]},
            "message": {
                "type": "message",
                "text": posted.args["text"],
                "ts": posted.ts,
                "thread_ts": posted.args.get("thread_ts"),
                "blocks": posted.blocks,
            },
            "response_url": self.slack.response_url("click"),
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "cityqa_feedback",
                    "value": button["value"],
                    "action_ts": str(time.time()),
                }
            ],
        }
        return self.send(
            urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded"
        )

    def reply_to(self, event: dict[str, Any], count: int = 1) -> list[SlackCall]:
        """The bot's messages in the thread of `event`."""
        thread = event.get("thread_ts") or event["ts"]
        return self.slack.wait_for(
            "chat.postMessage",
            lambda call: call.args["channel"] == event["channel"] and call.args.get("thread_ts") == thread,
            count=count,
        )

    def audit_row(self, answer_id: str) -> dict[str, Any]:
        rows = [json.loads(line) for line in self.audit_log.read_text(encoding="utf-8").splitlines()]
        (row,) = [row for row in rows if row.get("kind") == "answer" and row["answer_id"] == answer_id]
        return row


def answer_id_of(call: SlackCall) -> str:
    values = {e["value"] for b in call.blocks if b["type"] == "actions" for e in b["elements"]}
    (value,) = values
    return value


@pytest.fixture(scope="module")
def bot(tmp_path_factory, corpus_stack_builder) -> Iterator[SlackBot]:
    folder = tmp_path_factory.mktemp("e2e-slack")
    composer = SwitchedComposer()
    stack = corpus_stack_builder(folder, composer=composer)
    users_file = folder / "slack_users.toml"
    users_file.write_text(SLACK_USERS, encoding="utf-8")
    with FakeSlackApi(TOKEN).serve() as slack:
        settings = Settings(
            home=folder / "home",
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_users_file=users_file,
            slack_api_url=slack.base_url + "api/",
        )
        app = create_app(stack.assistant, stack.users, stack.sources)
        add_slack_routes(app, build_slack_app(settings, stack.assistant, stack.users))
        with live_server(app) as port:
            yield SlackBot(f"http://127.0.0.1:{port}", slack, composer, stack.audit_log_path, stack)
    stack.warehouse.close()


def test_slack_checks_the_url_with_a_challenge(bot: SlackBot) -> None:
    body = json.dumps({"token": "unused", "challenge": "c4llenge", "type": "url_verification"}).encode()
    response = bot.send(body, "application/json")
    assert response.status_code == 200 and response.json() == {"challenge": "c4llenge"}


def test_a_mention_is_answered_in_its_thread_with_numbered_linked_sources(bot: SlackBot) -> None:
    event = bot.mention(QUESTION)
    (reply,) = bot.reply_to(event)
    assert reply.args["thread_ts"] == event["ts"]
    text = reply.block_text
    assert "within 10 days" in text and "[1]" in text
    assert "*Sources*\n[1] Public Data Request Procedure — § Deadline, as of 2025-04-15" in text
    assert BOT_USER_ID not in text and "Confidence: *high*" in text
    (actions,) = [block for block in reply.blocks if block["type"] == "actions"]
    assert [e["action_id"] for e in actions["elements"]] == ["cityqa_feedback_up", "cityqa_feedback_down"]
    row = bot.audit_row(answer_id_of(reply))
    assert row["user"] == f"slack:{CITIZEN}" and row["question"] == QUESTION  # the mention is gone
    assert bot.slack.calls("auth.test"), "bolt learns the bot's own user id from auth.test"


def test_catalog_sources_link_to_their_dataset(bot: SlackBot) -> None:
    event = bot.mention("Which dataset has Haeundae beach visitor numbers?")
    (reply,) = bot.reply_to(event)
    assert "<https://www.data.go.kr/data/" in reply.block_text


def test_a_follow_up_in_the_thread_continues_the_conversation(bot: SlackBot) -> None:
    first = bot.mention(LAND_AREA)
    bot.reply_to(first)
    follow_up = bot.mention("And Suyeong-gu?", thread_ts=first["ts"])
    replies = bot.reply_to(follow_up, count=2)
    first_row, second_row = (bot.audit_row(answer_id_of(reply)) for reply in replies)
    assert second_row["conversation_id"] == first_row["conversation_id"]
    assert "수영구" in second_row["sql"]  # understood with the question before it

    elsewhere = bot.mention("And Suyeong-gu?")  # a new thread is a new conversation
    (other,) = bot.reply_to(elsewhere)
    assert bot.audit_row(answer_id_of(other))["conversation_id"] != first_row["conversation_id"]
    assert bot.audit_row(answer_id_of(other))["sql"] is None


def test_a_statistics_answer_shows_its_sql_and_result_table(bot: SlackBot) -> None:
    event = bot.mention(LAND_AREA)
    (reply,) = bot.reply_to(event)
    sections = [block["text"]["text"] for block in reply.blocks if block["type"] == "section"]
    assert "51.54" in sections[0]
    sql_index = sections.index("*SQL*")
    assert sections[sql_index + 1].startswith("```SELECT") and sections[sql_index + 1].endswith("```")
    assert "district_land_area" in sections[sql_index + 1]
    assert sections[sql_index + 2].startswith("*Result* (first 1 of 1 rows")
    table = sections[sql_index + 3].strip("`").splitlines()
    assert len(table) == 3 and set(table[1]) <= {"-", " "}  # header, rule, one row
    assert "51.54" in table[2] and len(table[0]) >= len(table[2].rstrip())
    assert "[1] " in reply.block_text  # the table is cited


def test_a_direct_message_is_answered_and_bot_messages_and_edits_are_not(bot: SlackBot) -> None:
    user = "U0DMUSER"
    bot.direct_message("I answer myself", user=user, bot_id="B0OTHER", subtype="bot_message")
    bot.direct_message("edited", user=user, subtype="message_changed")
    bot.direct_message("my own reply", user=BOT_USER_ID)
    event = bot.direct_message(QUESTION, user=user)
    bot.event(dict(event))  # Slack retrying the same event: answered once
    (reply,) = bot.reply_to(event)
    assert "within 10 days" in reply.block_text
    assert [call for call in bot.slack.calls("chat.postMessage") if call.args["channel"] == f"D0{user}"] == [
        reply
    ]


def test_the_slash_command_is_acknowledged_before_the_answer_and_posted_to_the_channel(bot: SlackBot) -> None:
    channel = "C0SLASH"
    bot.composer.gate.clear()  # the answer waits until the acknowledgement was seen
    try:
        started = time.monotonic()
        response = bot.command(QUESTION, channel=channel)
        assert response.status_code == 200 and time.monotonic() - started < 3
        assert "Looking that up" in response.json()["text"]
        assert not [call for call in bot.slack.calls("chat.postMessage") if call.args["channel"] == channel]
    finally:
        bot.composer.gate.set()
    (posted,) = bot.slack.wait_for("chat.postMessage", lambda call: call.args["channel"] == channel)
    assert "thread_ts" not in posted.args or posted.args["thread_ts"] is None  # starts a thread
    assert posted.blocks[0]["type"] == "context"
    assert posted.blocks[0]["elements"][0]["text"] == f"<@{CITIZEN}> asked: _{QUESTION}_"
    assert "within 10 days" in posted.block_text

    # A follow-up mention in the thread of the posted answer continues its conversation.
    follow_up = bot.mention("Can the deadline be extended?", channel=channel, thread_ts=posted.ts)
    (reply,) = bot.reply_to(follow_up)
    assert (
        bot.audit_row(answer_id_of(reply))["conversation_id"]
        == bot.audit_row(answer_id_of(posted))["conversation_id"]
    )


def test_an_empty_slash_command_gets_help_and_no_post(bot: SlackBot) -> None:
    response = bot.command("  ")
    assert response.status_code == 200 and "/cityqa" in response.json()["text"]


def test_a_slash_command_where_the_bot_is_not_a_member_answers_through_the_response_url(
    bot: SlackBot,
) -> None:
    bot.slack.not_a_member.add("C0PRIVATE")
    assert bot.command(QUESTION, channel="C0PRIVATE").status_code == 200
    (answer,) = bot.slack.wait_for("response_url", lambda call: call.args["hook"].startswith("command-"))
    assert answer.args["response_type"] == "in_channel" and "within 10 days" in answer.block_text


def test_a_feedback_click_is_stored_and_acknowledged_to_the_clicker(bot: SlackBot) -> None:
    event = bot.mention(QUESTION, channel="C0FEEDBACK")
    (reply,) = bot.reply_to(event)
    answer_id = answer_id_of(reply)

    started = time.monotonic()
    response = bot.click(reply, "cityqa_feedback_up", user="U0RATER")
    assert response.status_code == 200 and time.monotonic() - started < 3
    (thanks,) = bot.slack.wait_for("chat.postEphemeral", lambda call: call.args["user"] == "U0RATER")
    assert "recorded" in thanks.args["text"] and thanks.args["thread_ts"] == event["ts"]
    (record,) = bot.stack.assistant.feedback.for_answer(answer_id)
    assert (record.rating, record.channel, record.user) == ("up", "slack", "slack:U0RATER")

    bot.click(reply, "cityqa_feedback_down", user="U0RATER")  # a change of mind replaces the rating
    bot.slack.wait_for("chat.postEphemeral", lambda call: call.args["user"] == "U0RATER", count=2)
    assert [r.rating for r in bot.stack.assistant.feedback.for_answer(answer_id)] == ["down"]


def test_a_click_on_an_unknown_answer_is_told_so(bot: SlackBot) -> None:
    event = bot.mention(QUESTION, channel="C0UNKNOWN")
    (reply,) = bot.reply_to(event)
    for block in reply.blocks:
        for element in block.get("elements", []):
            if "value" in element:
                element["value"] = "a_0000000000000000"
    bot.click(reply, "cityqa_feedback_up", user="U0STRANGER")
    (told,) = bot.slack.wait_for("chat.postEphemeral", lambda call: call.args["user"] == "U0STRANGER")
    assert "could not be recorded" in told.args["text"]
    assert bot.stack.assistant.feedback.for_answer("a_0000000000000000") == []


def test_a_restricted_document_reaches_only_a_mapped_cleared_user(bot: SlackBot) -> None:
    citizen = bot.direct_message(PERSONNEL, user="U0NOBODY")
    (refused,) = bot.reply_to(citizen)
    assert "walrusvault" not in refused.block_text and "Personnel Records Policy" not in refused.block_text
    assert "Confidence: *none" in refused.block_text

    officer = bot.direct_message(PERSONNEL, user=PERSONNEL_OFFICER)
    (answered,) = bot.reply_to(officer)
    assert "walrusvault" in answered.block_text and "[1] Personnel Records Policy" in answered.block_text
    assert bot.audit_row(answer_id_of(answered))["user"] == key_id("demo-personnel-key")

    # In a channel capped at public, the same officer's reply keeps to public sources, and says why.
    in_channel = bot.mention(PERSONNEL, user=PERSONNEL_OFFICER, channel=PUBLIC_CHANNEL)
    (capped,) = bot.reply_to(in_channel)
    assert "walrusvault" not in capped.block_text and "only public sources" in capped.block_text


def test_wrong_missing_or_stale_signatures_are_refused_and_never_answered(bot: SlackBot) -> None:
    channel = "C0SIGNED"
    event = {
        "type": "app_mention",
        "user": CITIZEN,
        "text": f"<@{BOT_USER_ID}> {QUESTION}",
        "channel": channel,
        "ts": bot.new_ts(),
    }
    for signing in ({"secret": "not-the-secret"}, {"age": 600}):
        refused = bot.event(dict(event, ts=bot.new_ts()), **signing)
        assert refused.status_code == 401
        assert refused.json()["ok"] is False and refused.json()["error_code"] == "unauthorized"
    unsigned = httpx.post(
        f"{bot.url}/slack/events", json={"type": "event_callback", "event": event}, timeout=30
    )
    assert unsigned.status_code == 401
    body = json.dumps({"token": "unused", "challenge": "c4llenge", "type": "url_verification"}).encode()
    assert bot.send(body, "application/json", secret="not-the-secret").status_code == 401

    signed = bot.mention(QUESTION, channel=channel)  # then one good request: only it is answered
    bot.reply_to(signed)
    assert len([call for call in bot.slack.calls("chat.postMessage") if call.args["channel"] == channel]) == 1


def test_errors_in_the_pipeline_reach_the_thread_as_a_short_message(bot: SlackBot) -> None:
    broken = bot.mention(f"{QUESTION} kaboom", channel="C0ERRORS")
    (message,) = bot.reply_to(broken)
    assert "something went wrong" in message.block_text and "`r_" in message.block_text
    assert "kaboom" not in message.block_text and "RuntimeError" not in message.block_text

    upstream = bot.mention(f"{QUESTION} upstream", channel="C0ERRORS")
    (message,) = bot.reply_to(upstream)
    assert message.block_text == "Sorry, I could not answer that: the chat model server is not answering"

    empty = bot.mention("", channel="C0ERRORS")
    (message,) = bot.reply_to(empty)
    assert "Ask me a question" in message.block_text
