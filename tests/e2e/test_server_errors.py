"""A real server, configured like `cityqa serve`, on 127.0.0.1: requests the HTTP parser refuses,
methods it does not know and oversized bodies all get the one JSON error shape.

The app is built with the fake embedder (no model is loaded); raw sockets send what no HTTP client
library would.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from live_server import live_server

from assistant.api.app import create_app
from assistant.api.errors import ErrorBody
from assistant.api.server import SERVE_HTTP_PROTOCOL, JsonErrorsH11Protocol

pytestmark = pytest.mark.e2e

MAX_BODY_BYTES = 4096


@dataclass
class Server:
    port: int
    protocol: type[asyncio.Protocol]


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def error(self) -> dict[str, Any]:
        """The body, checked to be the one error shape, with the request id of the header."""
        assert self.headers["content-type"] == "application/json", self
        body = json.loads(self.body)
        ErrorBody.model_validate(body)
        assert set(body) == {"ok", "error_code", "detail", "request_id"}
        assert body["ok"] is False and body["detail"]
        assert body["request_id"] == self.headers["x-request-id"]
        return body


@pytest.fixture(scope="module")
def app(tmp_path_factory, stack_builder) -> Iterator[FastAPI]:
    stack = stack_builder(tmp_path_factory.mktemp("e2e") / "home")
    yield create_app(stack.assistant, stack.users, stack.sources, max_body_bytes=MAX_BODY_BYTES)
    stack.warehouse.close()


@pytest.fixture(scope="module", params=[SERVE_HTTP_PROTOCOL, JsonErrorsH11Protocol], ids=lambda p: p.__name__)
def server(request, app: FastAPI) -> Iterator[Server]:
    # `cityqa serve`'s uvicorn settings (assistant/cli.py), with a test protocol and a quiet log.
    with live_server(app, protocol=request.param) as port:
        yield Server(port=port, protocol=request.param)


def exchange(server: Server, raw: bytes) -> RawResponse:
    """Send raw bytes, read the response until the server closes the connection."""
    received = b""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(raw)
        try:
            while chunk := connection.recv(65536):
                received += chunk
        except ConnectionResetError:  # the server may close with part of a refused request unread
            pass
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return RawResponse(status=int(status_line.split()[1]), headers=headers, body=body)


def test_the_server_answers(server: Server) -> None:
    response = exchange(server, b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert response.status == 200
    assert json.loads(response.body) == {"ok": True, "chunks": 0}


def test_a_100_kb_path(server: Server) -> None:
    response = exchange(
        server, b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    )
    # httptools' parser refuses the request line; h11 passes it on and the app finds no such route.
    expected = (400, "bad_request") if server.protocol is SERVE_HTTP_PROTOCOL else (404, "not_found")
    assert (response.status, response.error()["error_code"]) == expected


@pytest.mark.parametrize(
    "raw",
    [
        b"\x00\x01\x02 garbage\r\n\r\n",
        b"GET\r\n\r\n",
        b"POST /api/chat HTTP/1.1\r\nHost: t\r\nContent-Length: ten\r\n\r\n",
        b"GET / HTTP/1.1\r\n: x\r\n\r\n",
    ],
    ids=["binary", "no-target", "bad-content-length", "empty-header-name"],
)
def test_a_malformed_request(server: Server, raw: bytes) -> None:
    response = exchange(server, raw)
    assert response.status == 400
    body = response.error()
    assert body["error_code"] == "bad_request"
    assert body["request_id"].startswith("r_")
    assert response.headers["connection"] == "close"


@pytest.mark.parametrize("method", [b"FOO", b"PROPFIND"])
def test_an_unknown_method(server: Server, method: bytes) -> None:
    response = exchange(server, method + b" /api/chat HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    body = response.error()
    if response.status == 405:  # it reached the app
        assert body["error_code"] == "method_not_allowed"
        assert response.headers["allow"] == "POST"
    else:  # httptools' parser knows no FOO: refused before the app
        assert (server.protocol, method, response.status) == (SERVE_HTTP_PROTOCOL, b"FOO", 400)
        assert body["error_code"] == "bad_request"


def test_a_declared_oversized_body_is_refused_before_it_is_sent(server: Server) -> None:
    head = (
        b"POST /api/chat HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"X-Request-Id: e2e-413\r\nContent-Length: 20000000\r\n\r\n"
    )
    response = exchange(server, head + b'{"question": "')
    assert response.status == 413
    body = response.error()
    assert (body["error_code"], body["request_id"]) == ("payload_too_large", "e2e-413")
    assert response.headers["connection"] == "close"


def test_a_chunked_oversized_body_is_counted(server: Server) -> None:
    payload = json.dumps({"question": "x" * (2 * MAX_BODY_BYTES)}).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (payload[:1000], payload[1000:]))
    head = (
        b"POST /api/chat HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    response = exchange(server, head + chunks + b"0\r\n\r\n")
    assert response.status == 413
    assert response.error()["error_code"] == "payload_too_large"
