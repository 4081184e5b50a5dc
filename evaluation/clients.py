"""How the harness obtains answers: in-process (a function) or from a running server over HTTP.

Both raise `CityQAError` for an expected failure (the runner turns it into a failed case, not a crash).

Users over HTTP: a case's ``user`` is the API key it asks with and is sent as
``Authorization: Bearer <key>``; ``"anonymous"`` sends no header. ``user_keys`` can map the case
user names to the real secrets of a deployment. ``api_key`` (``--api-key``) is sent only when the
caller passes no user at all (``user`` empty/None), e.g. for ad-hoc questions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Protocol, runtime_checkable

import httpx
from pydantic import ValidationError

from assistant.errors import CityQAError, ErrorCode
from assistant.models import Answer

from .cases import ANONYMOUS

_STATUS_CODES = {401: ErrorCode.UNAUTHORIZED, 403: ErrorCode.FORBIDDEN, 404: ErrorCode.NOT_FOUND}
AnswerFunction = Callable[[str, str, str | None], Answer]


@runtime_checkable
class AnswerClient(Protocol):
    """Asks one question as one user, optionally continuing a conversation."""

    def ask(self, question: str, user: str, conversation_id: str | None) -> Answer: ...


class PostingClient(Protocol):
    """What HttpClient needs of an HTTP client: `httpx.Client`, or Starlette's `TestClient` in tests."""

    def post(self, url: str, *, json: Any, headers: dict[str, str]) -> Any: ...

    def close(self) -> None: ...


class InProcessClient:
    """Calls a function ``(question, user key, conversation_id) -> Answer`` (the lead's Assistant glue)."""

    kind = "in-process"
    url: str | None = None

    def __init__(self, answer_fn: AnswerFunction) -> None:
        self._answer_fn = answer_fn

    def ask(self, question: str, user: str, conversation_id: str | None) -> Answer:
        return self._answer_fn(question, user, conversation_id)


class HttpClient:
    """POSTs ``{question, conversation_id}`` to ``{base_url}/api/chat`` and parses the Answer JSON."""

    kind = "http"

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        timeout: float = 120.0,
        *,
        user_keys: Mapping[str, str] | None = None,
        http_client: PostingClient | None = None,
    ) -> None:
        self.url = base_url.rstrip("/")
        self._api_key = api_key
        self._user_keys = dict(user_keys or {})
        self._owns_client = http_client is None
        self._client: PostingClient = (
            http_client if http_client is not None else httpx.Client(timeout=timeout)
        )

    def _headers(self, user: str | None) -> dict[str, str]:
        if user == ANONYMOUS:
            return {}
        key = self._user_keys.get(user, user) if user else self._api_key
        return {"Authorization": f"Bearer {key}"} if key else {}

    def ask(self, question: str, user: str, conversation_id: str | None) -> Answer:
        payload: dict[str, Any] = {"question": question, "conversation_id": conversation_id}
        try:
            response = self._client.post(f"{self.url}/api/chat", json=payload, headers=self._headers(user))
        except httpx.HTTPError as exc:
            raise CityQAError(ErrorCode.UPSTREAM_FAILED, f"request to {self.url} failed: {exc}") from exc
        try:
            body = response.json()
        except ValueError as exc:
            raise CityQAError(
                ErrorCode.UPSTREAM_FAILED, f"HTTP {response.status_code}: response is not JSON"
            ) from exc
        if response.status_code >= 400 or (isinstance(body, dict) and body.get("ok") is False):
            raise _error_from_body(response.status_code, body)
        try:
            return Answer.model_validate(body)
        except ValidationError as exc:
            raise CityQAError(
                ErrorCode.UPSTREAM_FAILED, f"response is not an Answer: {exc.error_count()} problems"
            ) from exc

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _error_from_body(status: int, body: Any) -> CityQAError:
    code_text = body.get("error_code") if isinstance(body, dict) else None
    detail = body.get("detail") if isinstance(body, dict) else None
    try:
        code = ErrorCode(str(code_text))
    except ValueError:
        code = _STATUS_CODES.get(status, ErrorCode.UPSTREAM_FAILED)
    return CityQAError(code, f"HTTP {status}: {detail or code_text or 'error'}")
