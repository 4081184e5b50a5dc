"""Reading a `text/event-stream` body the way a browser's EventSource does (for the API tests)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass
class ServerSentEvent:
    event: str  # "message" when the event names no type, as in EventSource
    data: str

    def json(self) -> Any:
        return json.loads(self.data)


def read_events(body: str) -> tuple[list[ServerSentEvent], list[str]]:
    """The events of a stream and its comment lines, in order (the WHATWG parsing rules, without
    `id` and `retry`, which cityqa does not send)."""
    events: list[ServerSentEvent] = []
    comments: list[str] = []
    assert body.endswith("\n\n"), body[-200:]
    for block in body.replace("\r\n", "\n").split("\n\n"):
        event, data = "message", []
        for line in block.split("\n"):
            if not line:
                continue
            if line.startswith(":"):
                comments.append(line[1:].strip())
                continue
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                event = value
            elif field == "data":
                data.append(value)
            else:
                raise AssertionError(f"unexpected field {field!r} in {block!r}")
        if data:
            events.append(ServerSentEvent(event, "\n".join(data)))
    return events, comments
