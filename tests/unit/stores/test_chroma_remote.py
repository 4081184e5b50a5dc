"""The Chroma server client's pieces that need no server: its URL, its errors, generation collections."""

from __future__ import annotations

import socket
import time

import httpx
import pytest

from assistant.errors import CityQAError, ErrorCode
from assistant.stores.chroma_remote import ChromaServerAddress, ServerCalls, server_version
from ingestion.generations import _generation_of_collection


@pytest.mark.parametrize(
    ("url", "host", "port", "ssl"),
    [
        ("http://127.0.0.1:8001", "127.0.0.1", 8001, False),
        ("http://chroma.city.local", "chroma.city.local", 8000, False),
        ("https://chroma.city.local", "chroma.city.local", 443, True),
        ("127.0.0.1:9000", "127.0.0.1", 9000, False),
    ],
)
def test_the_server_url_gives_host_port_and_tls(url: str, host: str, port: int, ssl: bool) -> None:
    assert ChromaServerAddress.parse(url) == ChromaServerAddress(host, port, ssl)


def test_a_url_that_is_not_http_is_a_configuration_error() -> None:
    with pytest.raises(CityQAError) as raised:
        ChromaServerAddress.parse("ftp://chroma:21")
    assert raised.value.code is ErrorCode.INVALID_CONFIG and "CITYQA_CHROMA_URL" in raised.value.detail


def test_nothing_listening_is_reported_at_once() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again below: nothing listens there
    started = time.monotonic()
    with pytest.raises(CityQAError) as raised:
        server_version(f"http://127.0.0.1:{port}", timeout_s=30)
    assert time.monotonic() - started < 3
    assert raised.value.code is ErrorCode.UPSTREAM_FAILED
    assert raised.value.detail.startswith(f"the Chroma server at http://127.0.0.1:{port} does not answer")


class FailingCollection:
    name = "cityqa_chunks_g3"

    def count(self) -> int:
        raise httpx.ReadTimeout("timed out")

    def peek(self) -> int:
        raise KeyError("not a transport failure")


def test_server_calls_turn_transport_failures_into_one_error_and_leave_others() -> None:
    collection = ServerCalls(FailingCollection(), "http://chroma:8000")

    assert collection.name == "cityqa_chunks_g3" and collection.server_url == "http://chroma:8000"
    with pytest.raises(CityQAError, match=r"http://chroma:8000 does not answer \(no answer within"):
        collection.count()
    with pytest.raises(KeyError):
        collection.peek()


@pytest.mark.parametrize(
    ("name", "number"),
    [
        ("cityqa_chunks_g0", 0),
        ("cityqa_chunks_g12", 12),
        ("cityqa_chunks", None),
        ("cityqa_chunks_gx", None),
        ("other_g3", None),
        ("cityqa_chunks_g3_old", None),
    ],
)
def test_generation_collections_are_recognised_by_name(name: str, number: int | None) -> None:
    assert _generation_of_collection(name, "cityqa_chunks") == number
