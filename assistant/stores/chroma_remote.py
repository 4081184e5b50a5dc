"""A Chroma server (`chroma run`) as the vector store: a client with time limits, a heartbeat check,
and a server that is down or hung turned into one clear error.

chromadb's HTTP client waits for ever (its httpx session has no timeout) and says "Could not connect
to a Chroma server" only while it is being built. So the server's heartbeat is asked first, with a
time limit, and the client's session gets a time limit too: a server that is down is reported at
once, a hung one after CITYQA_CHROMA_TIMEOUT_S, both as `upstream_failed` naming the URL.
Imported only when CITYQA_CHROMA_URL is set.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import httpx

from assistant.errors import CityQAError, ErrorCode

logger = logging.getLogger(__name__)

API_PATH = "/api/v2"
# Connecting to a live server on a network takes milliseconds; a host that does not answer the
# connection at all is given this long before it is reported, whatever the request time limit.
CONNECT_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class ChromaServerAddress:
    host: str
    port: int
    ssl: bool

    @classmethod
    def parse(cls, url: str) -> ChromaServerAddress:
        parsed = urlparse(url if "://" in url else f"http://{url}")
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise CityQAError(
                ErrorCode.INVALID_CONFIG, f"CITYQA_CHROMA_URL {url!r} is not an http(s)://host:port URL"
            )
        ssl = parsed.scheme == "https"
        return cls(parsed.hostname, parsed.port or (443 if ssl else 8000), ssl)

    @property
    def api(self) -> str:
        return f"{'https' if self.ssl else 'http'}://{self.host}:{self.port}{API_PATH}"


def _timeout(timeout_s: float) -> httpx.Timeout:
    return httpx.Timeout(timeout_s, connect=min(timeout_s, CONNECT_TIMEOUT_S))


def unreachable(url: str, error: BaseException) -> CityQAError:
    reasons: dict[type[BaseException], str] = {
        httpx.ConnectError: "connection refused or host unreachable",
        httpx.ConnectTimeout: "no connection within the time limit",
        httpx.ReadTimeout: "no answer within the time limit (CITYQA_CHROMA_TIMEOUT_S)",
        httpx.PoolTimeout: "no connection within the time limit",
        httpx.RemoteProtocolError: "the connection was closed",
    }
    reason = reasons.get(type(error)) or str(error) or type(error).__name__
    return CityQAError(
        ErrorCode.UPSTREAM_FAILED,
        f"the Chroma server at {url} does not answer ({reason}): start it (`chroma run --path <folder> "
        "--port <port>`) or fix CITYQA_CHROMA_URL",
    )


def server_version(url: str, timeout_s: float) -> str:
    """The server's version, once its heartbeat has answered (CityQAError when it does not)."""
    address = ChromaServerAddress.parse(url)
    try:
        with httpx.Client(timeout=_timeout(timeout_s)) as client:
            client.get(f"{address.api}/heartbeat").raise_for_status()
            return str(client.get(f"{address.api}/version").json())
    except httpx.TransportError as error:
        raise unreachable(url, error) from error
    except (httpx.HTTPStatusError, ValueError) as error:
        raise CityQAError(
            ErrorCode.UPSTREAM_FAILED, f"{url} did not answer like a Chroma server: {error}"
        ) from error


def http_client(url: str, timeout_s: float, settings: Any) -> Any:
    """An HttpClient to the server at `url` whose requests each take at most `timeout_s`."""
    import chromadb

    server_version(url, timeout_s)
    address = ChromaServerAddress.parse(url)
    try:
        client = chromadb.HttpClient(host=address.host, port=address.port, ssl=address.ssl, settings=settings)
    except (httpx.TransportError, ValueError) as error:  # gone since the heartbeat
        raise unreachable(url, error) from error
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = _timeout(timeout_s)
    else:
        logger.warning(
            "chromadb %s: could not give its HTTP client a time limit; a hung Chroma server makes "
            "requests wait",
            chromadb.__version__,
        )
    return client


@contextmanager
def server_errors(url: str) -> Iterator[None]:
    """A request to the server that fails on the way (refused, timed out, cut) as one clear error."""
    try:
        yield
    except httpx.TransportError as error:
        raise unreachable(url, error) from error


class ServerCalls:
    """A chromadb client or collection whose calls turn transport failures into `unreachable`
    errors; `server_url` tells the vector store it talks to a server."""

    def __init__(self, target: Any, url: str) -> None:
        self._target = target
        self.server_url = url

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            with server_errors(self.server_url):
                return value(*args, **kwargs)

        return call


def require_collection(client: Any, name: str, url: str) -> None:
    """A clear error when the server does not hold `name`: the collection of a published generation
    (the server runs with another --path, or lost its data), rather than answering from a new empty one."""
    if name not in {collection.name for collection in client.list_collections()}:
        raise CityQAError(
            ErrorCode.UPSTREAM_FAILED,
            f"the Chroma server at {url} holds no collection {name!r}, which this home's served "
            "generation was ingested into: is the server running with another --path, or were its "
            "data lost? Restore the server's folder, or ingest again into a new CITYQA_HOME",
        )


@dataclass(frozen=True)
class ChromaServerCheck:
    usable: bool
    detail: str


def check_chroma_server(url: str, timeout_s: float, collection: str, published: bool) -> ChromaServerCheck:
    """For `cityqa doctor`: whether the server answers and holds the served generation's collection
    (`published`: the home has published a generation, so the collection must exist)."""
    from assistant.stores.vector_store import chroma_client

    try:
        version = server_version(url, timeout_s)
        client = chroma_client(url=url, timeout_s=timeout_s)
        try:
            names = {item.name for item in client.list_collections()}
            if collection not in names:
                if published:
                    require_collection(client, collection, url)
                return ChromaServerCheck(
                    True, f"Chroma {version} at {url} answers; collection {collection} not created yet"
                )
            count = client.get_collection(collection).count()
        finally:
            client.close()
    except CityQAError as error:
        return ChromaServerCheck(False, error.detail)
    return ChromaServerCheck(True, f"Chroma {version} at {url}: collection {collection} holds {count} chunks")
