"""A fake Slack Web API on 127.0.0.1 for the bot's end-to-end tests.

The real `slack_sdk.WebClient` talks to it (`base_url`): it records every call, checks the bot token
and the message limits Slack enforces (so an over-long message fails here as it would on Slack), and
answers like Slack (`{"ok": true, "ts": …}`). It also takes the posts a slash command's
`response_url` receives.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from live_server import live_server
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

BOT_USER_ID = "U0CITYQABOT"
BOT_ID = "B0CITYQABOT"
TEAM_ID = "T0CITY"


@dataclass
class SlackCall:
    method: str  # "chat.postMessage", or "response_url" for a post to a response URL
    args: dict[str, Any]
    response: dict[str, Any] = field(default_factory=dict)  # what the fake answered
    at: float = field(default_factory=time.monotonic)

    @property
    def ts(self) -> str:
        return self.response["ts"]

    @property
    def blocks(self) -> list[dict[str, Any]]:
        blocks = self.args.get("blocks") or []
        return json.loads(blocks) if isinstance(blocks, str) else blocks

    @property
    def block_text(self) -> str:
        """Every text of the blocks, one per line (sections, context elements, button labels)."""
        texts = []
        for block in self.blocks:
            if "text" in block:
                texts.append(block["text"]["text"])
            texts += [
                element["text"] if isinstance(element["text"], str) else element["text"]["text"]
                for element in block.get("elements", [])
                if "text" in element
            ]
        return "\n".join(texts)


class FakeSlackApi:
    def __init__(self, bot_token: str) -> None:
        self.bot_token = bot_token
        self.not_a_member: set[str] = set()  # channels where chat.postMessage answers not_in_channel
        self._calls: list[SlackCall] = []
        self._changed = threading.Condition()
        self._next_ts = 1_760_000_000
        self.base_url = ""
        self.app = Starlette(
            routes=[
                Route("/api/{method}", self._api, methods=["GET", "POST"]),
                Route("/response/{hook}", self._response_url, methods=["POST"]),
            ]
        )

    @contextmanager
    def serve(self) -> Iterator[FakeSlackApi]:
        with live_server(self.app) as port:  # type: ignore[arg-type]
            self.base_url = f"http://127.0.0.1:{port}/"
            yield self

    def response_url(self, hook: str) -> str:
        return f"{self.base_url}response/{hook}"

    def calls(self, method: str | None = None) -> list[SlackCall]:
        with self._changed:
            return [call for call in self._calls if method is None or call.method == method]

    def wait_for(
        self,
        method: str,
        where: Callable[[SlackCall], bool] = lambda call: True,
        count: int = 1,
        timeout: float = 30,
    ) -> list[SlackCall]:
        """The first `count` calls of `method` that satisfy `where`, waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [call for call in self._calls if call.method == method and where(call)]
                if len(found) >= count:
                    return found[:count]
                left = deadline - time.monotonic()
                assert left > 0, f"no {count} {method} call(s) within {timeout} s; calls: {self._calls}"
                self._changed.wait(left)

    def _record(self, call: SlackCall) -> None:
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()

    def _new_ts(self) -> str:
        with self._changed:
            self._next_ts += 1
            return f"{self._next_ts}.000100"

    async def _api(self, request: Request) -> JSONResponse:
        method = request.path_params["method"]
        args = await _arguments(request)
        token = request.headers.get("authorization", "").removeprefix("Bearer ") or args.get("token")
        response = (
            self._answer(method, args) if token == self.bot_token else {"ok": False, "error": "invalid_auth"}
        )
        self._record(SlackCall(method, args, response))
        return JSONResponse(response)

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://city.slack.com/",
                "team": "City",
                "user": "cityqa",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
            }
        if method not in ("chat.postMessage", "chat.postEphemeral", "chat.update"):
            return {"ok": False, "error": "unknown_method"}
        problem = _message_problem(args)
        if problem is None and method == "chat.postMessage" and args.get("channel") in self.not_a_member:
            problem = "not_in_channel"
        if problem is not None:
            return {"ok": False, "error": problem}
        ts = args["ts"] if method == "chat.update" else self._new_ts()
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        return {
            "ok": True,
            "channel": args["channel"],
            "ts": ts,
            "message": {"text": args.get("text"), "ts": ts},
        }

    async def _response_url(self, request: Request) -> JSONResponse:
        args = {"hook": request.path_params["hook"], **json.loads(await request.body())}
        self._record(SlackCall("response_url", args, {"ok": True}))
        return JSONResponse({"ok": True})


async def _arguments(request: Request) -> dict[str, Any]:
    """A call's arguments: slack_sdk sends JSON for some methods and a form for others."""
    body = await request.body()
    if request.headers.get("content-type", "").startswith("application/json"):
        return json.loads(body or b"{}")
    return dict(parse_qsl(body.decode("utf-8"))) | dict(request.query_params)


def _message_problem(args: dict[str, Any]) -> str | None:
    """Slack's limits on a message: the error Slack would answer, or None."""
    if not args.get("channel"):
        return "channel_not_found"
    text = args.get("text") or ""
    blocks = SlackCall("", args).blocks
    if not text and not blocks:
        return "no_text"
    if len(text) > 40_000:
        return "msg_too_long"
    if len(blocks) > 50:
        return "invalid_blocks"
    for block in blocks:
        if block.get("type") == "section" and len(block["text"]["text"]) > 3000:
            return "invalid_blocks"
        if block.get("type") == "context" and len(block["elements"]) > 10:
            return "invalid_blocks"
    return None
