"""The `slack_bolt.App` of cityqa: listeners for mentions, direct messages, the slash command and
the feedback buttons, over `SlackAnswerer`.

Slack wants every request acknowledged within 3 seconds. Bolt's default (process_before_response
False) does that: events are acknowledged as they arrive, and each listener runs in bolt's thread
pool while the HTTP response goes back; the slash command and button listeners call `ack()` first.

Bolt verifies each request's signature with the signing secret (a wrong, missing or stale one is
401 and never reaches a listener) and answers Slack's `url_verification` challenge.
"""

from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from assistant.bot.blocks import FEEDBACK_ACTIONS
from assistant.bot.identity import SlackIdentities
from assistant.bot.labels import labels_for
from assistant.bot.replies import SlackAnswerer
from assistant.config import Settings
from assistant.errors import CityQAError, ErrorCode
from assistant.pipeline import Assistant
from assistant.users import UserDirectory

logger = logging.getLogger(__name__)

LISTENER_THREADS = 8  # questions answered at once; more wait their turn (each is acknowledged already)
_FEEDBACK_ACTION = re.compile("^(" + "|".join(map(re.escape, FEEDBACK_ACTIONS)) + ")$")
# Slack sends the app only its own commands, so any name works (/cityqa by convention, /cityqa-dev …).
_ANY_COMMAND = re.compile(r"^/")


def build_slack_app(
    settings: Settings,
    assistant: Assistant,
    users: UserDirectory,
    identities: SlackIdentities | None = None,
) -> App:
    """The bot, configured from settings: token, signing secret, Slack users file, Web API URL.

    Nothing reaches Slack here. Token verification at startup is off, so `cityqa serve` starts while
    Slack is unreachable; bolt calls `auth.test` on the first request instead (to learn the bot's own
    user id) and keeps the result."""
    if settings.slack_bot_token is None or settings.slack_signing_secret is None:
        raise CityQAError(
            ErrorCode.INVALID_CONFIG,
            "the Slack bot needs CITYQA_SLACK_BOT_TOKEN and CITYQA_SLACK_SIGNING_SECRET",
        )
    client = WebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=_with_trailing_slash(settings.slack_api_url or WebClient.BASE_URL),
        # Slack limits posting to about one message a second per channel: wait and retry, as it asks.
        retry_handlers=[ConnectionErrorRetryHandler(), RateLimitErrorRetryHandler(max_retry_count=2)],
    )
    app = App(
        name="cityqa",
        logger=logging.getLogger("cityqa.slack"),
        client=client,
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        token_verification_enabled=False,
        listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="cityqa-slack"),
    )
    answerer = SlackAnswerer(
        assistant, identities or SlackIdentities.from_file(settings.slack_users_file, users)
    )
    register_listeners(app, answerer)
    return app


def register_listeners(app: App, answerer: SlackAnswerer) -> None:
    @app.event("app_mention")
    def on_mention(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if event.get("bot_id") or not event.get("user"):  # another bot mentioning us: no bot loops
            return
        _answer_message(answerer, event, context, client)

    @app.event("message")
    def on_message(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        # Direct messages only; not edits, deletions, joins or any other subtype, and never a bot's
        # message (our own replies arrive here too).
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        if not event.get("user") or event.get("user") == context.bot_user_id:
            return
        _answer_message(answerer, event, context, client)

    @app.event(re.compile(".+"))  # last: any other event the app is subscribed to
    def on_other_event(event: dict[str, Any]) -> None:
        # Acknowledged and left alone: Slack retries an event answered 404 and, after enough failures,
        # turns the app's event subscriptions off.
        logger.debug("Slack event %s ignored", event.get("type"))

    @app.command(_ANY_COMMAND)
    def on_command(ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond) -> None:
        text = command.get("text") or ""
        labels = labels_for(text)
        if not text.strip() or text.strip().lower() == "help":
            ack(text=labels.empty_question, response_type="ephemeral")
            return
        ack(text=labels.working, response_type="ephemeral")  # the asker alone sees it, within 3 s
        answerer.answer_command(
            client,
            respond,
            channel=command["channel_id"],
            slack_user=command["user_id"],
            user_name=command.get("user_name"),
            text=text,
        )

    @app.action(_FEEDBACK_ACTION)
    def on_feedback(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        message = body.get("message") or {}
        container = body.get("container") or {}
        user = body.get("user") or {}
        answerer.record_feedback(
            client,
            channel=str((body.get("channel") or {}).get("id") or container.get("channel_id")),
            thread_ts=message.get("thread_ts"),  # the answer's thread, if it is in one
            slack_user=user["id"],
            user_name=user.get("username") or user.get("name"),
            action_id=action["action_id"],
            answer_id=action.get("value") or "",
            message_text=message.get("text") or "",
        )


def _answer_message(
    answerer: SlackAnswerer, event: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    answerer.answer_message(
        client,
        channel=event["channel"],
        ts=event["ts"],
        thread_ts=event.get("thread_ts"),
        slack_user=event["user"],
        text=event.get("text") or "",
        bot_user_id=context.bot_user_id,
    )


def _with_trailing_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"
