"""How `cityqa serve` runs the app: uvicorn, with the error shape even for requests it cannot parse.

Uvicorn answers a request that never reaches the app (an unparseable request line, a method its
parser does not know, an over-long URL …) with a plain-text 400 "Invalid HTTP request received.".
The protocol classes below send the one JSON error shape instead, with a new request id. Uvicorn's
default ("auto") is httptools, installed with `uvicorn[standard]` (which chromadb requires), so
`cityqa serve` uses `JsonErrorsHttpToolsProtocol`; `JsonErrorsH11Protocol` does the same over h11.
"""

from __future__ import annotations

import json

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from assistant.api.errors import error_body, error_headers, new_request_id
from assistant.errors import ErrorCode


def bad_request_response(detail: str) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """Headers and body of a 400 in the error shape, for a request that never reached the app."""
    request_id = new_request_id()
    body = json.dumps(error_body(ErrorCode.BAD_REQUEST, detail, request_id)).encode("utf-8")
    headers = {
        "content-type": "application/json",
        "content-length": str(len(body)),
        **error_headers(ErrorCode.BAD_REQUEST, request_id),
        "connection": "close",
    }
    return [(name.encode("ascii"), value.encode("ascii")) for name, value in headers.items()], body


class JsonErrorsHttpToolsProtocol(HttpToolsProtocol):
    def send_400_response(self, msg: str) -> None:
        headers, body = bad_request_response(msg)
        head = [b"HTTP/1.1 400 Bad Request\r\n"]
        head += [
            name + b": " + value + b"\r\n" for name, value in [*self.server_state.default_headers, *headers]
        ]
        self.transport.write(b"".join([*head, b"\r\n", body]))
        self.transport.close()


class JsonErrorsH11Protocol(H11Protocol):
    def send_400_response(self, msg: str) -> None:
        headers, body = bad_request_response(msg)
        events = (
            h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
            h11.Data(data=body),
            h11.EndOfMessage(),
        )
        for event in events:
            output = self.conn.send(event)
            if output:
                self.transport.write(output)
        self.transport.close()


# What `cityqa serve` passes to uvicorn as `http=` (uvicorn's own "auto" choice, with JSON errors).
SERVE_HTTP_PROTOCOL = JsonErrorsHttpToolsProtocol
