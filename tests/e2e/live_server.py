"""A real uvicorn server for an app on 127.0.0.1, configured like `cityqa serve` (for e2e tests)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

from assistant.api.server import SERVE_HTTP_PROTOCOL


@contextmanager
def live_server(app: FastAPI, protocol: type[asyncio.Protocol] = SERVE_HTTP_PROTOCOL) -> Iterator[int]:
    """Serve `app` in a thread until the block ends; yields the port."""
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.bind(("127.0.0.1", 0))  # a free port, held from here on: no race with other tests
    config = uvicorn.Config(app, http=protocol, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield listening.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listening.close()
