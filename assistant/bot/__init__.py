"""cityqa's Slack bot: answers mentions, direct messages and `/cityqa` in Slack threads, with the
sources, SQL and result table in Block Kit and 👍/👎 feedback buttons.

`cityqa serve` mounts it at `POST /slack/events` when CITYQA_SLACK_BOT_TOKEN and
CITYQA_SLACK_SIGNING_SECRET are set. The bot uses `assistant`; `assistant`'s core never imports it.
"""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response

from assistant.api.errors import error_response
from assistant.bot.slack_app import build_slack_app
from assistant.errors import ErrorCode

SLACK_EVENTS_PATH = "/slack/events"

__all__ = ["SLACK_EVENTS_PATH", "add_slack_routes", "build_slack_app"]


def add_slack_routes(app: FastAPI, bolt_app: App) -> None:
    """Mount `bolt_app` at POST /slack/events (events, slash commands and interactivity alike).

    This is bolt's FastAPI adapter (`slack_bolt.adapter.fastapi` is its Starlette handler) with one
    change: `App.dispatch` is synchronous (it verifies the signature, may call `auth.test` and waits
    for the listener's `ack()`), so it runs in the thread pool rather than on the event loop, where
    it would hold up every other request. The route is outside the OpenAPI document: it is Slack's."""

    @app.post(SLACK_EVENTS_PATH, include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        body = await request.body()
        bolt_response = await run_in_threadpool(bolt_app.dispatch, to_bolt_request(request, body))
        if bolt_response.status == 401:  # a bad signature: refused in cityqa's one error shape
            return error_response(request, ErrorCode.UNAUTHORIZED, "invalid Slack request signature")
        return to_starlette_response(bolt_response)
