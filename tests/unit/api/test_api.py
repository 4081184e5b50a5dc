"""The HTTP API in-process: chat and sources shapes, permissions, one error shape on every route,
request ids and the audit log."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Route

from assistant.api.admin import IngestAdmin
from assistant.api.app import create_app
from assistant.api.errors import ErrorBody, OpenAIErrorBody
from assistant.api.limits import DEFAULT_MAX_BODY_BYTES
from assistant.ingest_jobs import IngestJobStore
from assistant.models import Classification
from assistant.sources import SourceCatalog
from assistant.users import key_id

QUESTION = "How many days does the agency have to decide on a public data request?"
PUBLIC_DOC = "doc:request_procedure.md"
INTERNAL_DOC = "doc:internal_review.md"
PERSONNEL_DOC = "doc:personnel_policy.md"
ERROR_KEYS = {"ok", "error_code", "detail", "request_id"}
CITATION_KEYS = {"n", "source_id", "kind", "title", "locator", "url", "snippet", "as_of"}
ANSWER_KEYS = {"answer_id", "conversation_id", "answer", "citations", "sql", "confidence", "timings_ms"}
PERSONNEL_KEY = "demo-personnel-key"
INTERNAL_KEY = "demo-internal-key"  # also the demo's admin key (data/demo/api_keys.toml)
NEW_DOCUMENT = "new_policy.md"  # in the ingest root of the admin routes


def ingest_admin_for(stack) -> IngestAdmin:
    """Ingest over the API from a root beside the stack's home; no runner: jobs stay queued."""
    root = stack.home.parent / "ingest_root"
    root.mkdir(exist_ok=True)
    (root / NEW_DOCUMENT).write_text("# New policy\n\nNew policies take effect at once.\n", encoding="utf-8")
    return IngestAdmin([root], IngestJobStore(stack.home / "state.sqlite3"), stack.assistant.audit_log)


def _app(stack, allow_anonymous: bool = True) -> FastAPI:
    users = stack.users
    if users.allow_anonymous != allow_anonymous:
        known_keys = users.keys()
        users = type(users)({key: users.authenticate(key) for key in known_keys}, allow_anonymous)
    return create_app(
        stack.assistant, users, SourceCatalog(stack.keyword_index), ingest_admin=ingest_admin_for(stack)
    )


@pytest.fixture(scope="module")
def app(stack) -> FastAPI:
    return _app(stack)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def closed_client(stack) -> TestClient:
    return TestClient(_app(stack, allow_anonymous=False), raise_server_exceptions=False)


def bearer(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    openai = response.request.url.path.startswith("/v1/")
    assert set(body) == (ERROR_KEYS | {"error"} if openai else ERROR_KEYS), body
    assert body["ok"] is False
    assert body["error_code"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    assert body["request_id"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text
    ErrorBody.model_validate(body)  # the shape the OpenAPI document names for every error
    if openai:  # the OpenAI-compatible routes add OpenAI's error object, which OpenAI's clients read
        kind = "server_error" if status >= 500 else "invalid_request_error"
        assert body["error"] == {"message": body["detail"], "type": kind, "param": None, "code": code}
        OpenAIErrorBody.model_validate(body)
    if status == 401:
        assert response.headers["www-authenticate"] == "Bearer"
    return body


# --- chat -------------------------------------------------------------------------------------


def test_chat_answer_shape(client: TestClient) -> None:
    response = client.post("/api/chat", json={"question": QUESTION})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) >= ANSWER_KEYS
    assert body["answer_id"].startswith("a_") and body["conversation_id"]
    assert "10 days" in body["answer"]
    assert body["confidence"] in ("high", "medium")
    assert body["sql"] is None
    assert body["citations"], body
    for citation in body["citations"]:
        assert set(citation) == CITATION_KEYS
        assert f"[{citation['n']}]" in body["answer"]
    first = body["citations"][0]
    assert first["source_id"] == PUBLIC_DOC
    assert first["kind"] == "document"
    assert first["title"] == "Public Data Request Procedure"
    assert first["locator"] and first["snippet"]
    assert first["as_of"] == "2025-04-15"
    assert set(body["timings_ms"]) >= {"retrieve", "compose", "total"}
    assert all(isinstance(value, int | float) for value in body["timings_ms"].values())


def test_chat_continues_a_conversation(client: TestClient) -> None:
    first = client.post("/api/chat", json={"question": QUESTION}).json()
    second = client.post(
        "/api/chat", json={"question": "and afterwards?", "conversation_id": first["conversation_id"]}
    ).json()
    assert second["conversation_id"] == first["conversation_id"]
    assert PUBLIC_DOC in {citation["source_id"] for citation in second["citations"]}


@pytest.mark.parametrize("header", ["authorization", "x-api-key"])
def test_both_key_headers_authenticate(client: TestClient, header: str) -> None:
    value = f"Bearer {PERSONNEL_KEY}" if header == "authorization" else PERSONNEL_KEY
    body = client.post(
        "/api/chat",
        json={"question": "How long are records kept in the walrusvault archive?"},
        headers={header: value},
    ).json()
    assert PERSONNEL_DOC in {citation["source_id"] for citation in body["citations"]}


def test_anonymous_chat_never_cites_restricted_sources(client: TestClient) -> None:
    body = client.post(
        "/api/chat", json={"question": "How long are personnel records kept in the walrusvault archive?"}
    ).json()
    assert PERSONNEL_DOC not in json.dumps(body)
    assert "5 years" not in body["answer"]


# --- sources ----------------------------------------------------------------------------------


def test_sources_list_is_filtered_by_user(client: TestClient, stack) -> None:
    anonymous = client.get("/api/sources")
    assert anonymous.status_code == 200
    listed = {source["source_id"]: source for source in anonymous.json()}
    assert PUBLIC_DOC in listed
    assert "catalog:datagokr:15037510" in listed
    assert all(source["classification"] == "public" for source in listed.values())
    assert listed[PUBLIC_DOC]["chunks"] >= 1

    personnel = {s["source_id"] for s in client.get("/api/sources", headers=bearer(PERSONNEL_KEY)).json()}
    assert {PUBLIC_DOC, INTERNAL_DOC, PERSONNEL_DOC} <= personnel
    assert "doc:complaints_policy.md" not in personnel
    everything = stack.sources.all_source_ids()
    assert personnel < everything


def test_sources_list_filters_by_kind(client: TestClient) -> None:
    catalogs = client.get("/api/sources", params={"kind": "catalog"}).json()
    assert catalogs and all(source["kind"] == "catalog" for source in catalogs)
    assert_error(client.get("/api/sources", params={"kind": "spreadsheet"}), 400, "bad_request")


def test_source_detail(client: TestClient) -> None:
    response = client.get(f"/api/sources/{PUBLIC_DOC}")
    assert response.status_code == 200
    detail = response.json()
    assert detail["source_id"] == PUBLIC_DOC
    assert detail["classification"] == "public"
    assert detail["sections"] and "10 days" in " ".join(section["text"] for section in detail["sections"])
    catalog = client.get("/api/sources/catalog:datagokr:15037510").json()
    assert catalog["url"] == "https://www.data.go.kr/data/15037510/fileData.do"


def test_unknown_and_forbidden_sources_look_the_same(client: TestClient) -> None:
    unknown = assert_error(client.get("/api/sources/doc:no_such_file.md"), 404, "not_found")
    forbidden = assert_error(client.get(f"/api/sources/{PERSONNEL_DOC}"), 404, "not_found")
    other_department = assert_error(
        client.get("/api/sources/doc:complaints_policy.md", headers=bearer(PERSONNEL_KEY)), 404, "not_found"
    )
    assert unknown["detail"].replace("doc:no_such_file.md", "X") == forbidden["detail"].replace(
        PERSONNEL_DOC, "X"
    )
    assert other_department["detail"].replace("doc:complaints_policy.md", "X") == unknown["detail"].replace(
        "doc:no_such_file.md", "X"
    )
    allowed = client.get(f"/api/sources/{PERSONNEL_DOC}", headers=bearer(PERSONNEL_KEY))
    assert allowed.status_code == 200


def test_healthz(client: TestClient, stack) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "chunks": len(stack.keyword_index)}
    assert len(stack.keyword_index) > 0


# --- one error shape everywhere ---------------------------------------------------------------

# Every route of the app with a request that reaches it successfully. A new route fails
# `test_every_route_is_covered` until it is added here (and so to every error test below).
ROUTE_REQUESTS = {
    "/": ("GET", "/", None),  # the web chat page (assistant/web): no credential needed to load it
    "/healthz": ("GET", "/healthz", None),
    "/readyz": ("GET", "/readyz", None),  # 503 while warming up: tests/unit/assistant/test_warm_start.py
    "/api/chat": ("POST", "/api/chat", {"question": QUESTION}),
    "/api/chat/stream": ("POST", "/api/chat/stream", {"question": QUESTION}),
    "/api/sql": ("POST", "/api/sql", {"sql": "SELECT district, land_area_km2 FROM district_land_area"}),
    "/api/sources": ("GET", "/api/sources", None),
    "/api/sources/{source_id:path}": ("GET", f"/api/sources/{PUBLIC_DOC}", None),
    # The answer id is replaced by one given to the caller (`successful_request`).
    "/api/feedback": ("POST", "/api/feedback", {"answer_id": "a_0", "rating": "up"}),
    "/v1/chat/completions": (
        "POST",
        "/v1/chat/completions",
        {"model": "cityqa", "messages": [{"role": "user", "content": QUESTION}]},
    ),
    "/v1/models": ("GET", "/v1/models", None),
    "/v1/models/{model}": ("GET", "/v1/models/cityqa", None),
    "/openapi.json": ("GET", "/openapi.json", None),
    "/docs": ("GET", "/docs", None),
    "/docs/oauth2-redirect": ("GET", "/docs/oauth2-redirect", None),
    "/redoc": ("GET", "/redoc", None),
    "/metrics": ("GET", "/metrics", None),  # Prometheus: outside the OpenAPI document, no credential
    # Admin routes: an admin's key (`successful_request`); the job id is replaced by a new job's.
    "/api/admin/ingest": ("POST", "/api/admin/ingest", {"paths": [NEW_DOCUMENT]}),
    "/api/admin/ingest/{job_id}": ("GET", "/api/admin/ingest/j_new", None),
    "/api/admin/ingest/{job_id}/cancel": ("POST", "/api/admin/ingest/j_new/cancel", None),
}
# Paths with a route for a second method: its good request.
SECOND_REQUESTS = {"/api/admin/ingest": ("GET", "/api/admin/ingest", None)}
ADMIN = {"/api/admin/ingest", "/api/admin/ingest/{job_id}", "/api/admin/ingest/{job_id}/cancel"}
AUTHENTICATED = {
    "/api/chat",
    "/api/chat/stream",
    "/api/sql",
    "/api/sources",
    "/api/sources/{source_id:path}",
    "/api/feedback",
    "/v1/chat/completions",
    "/v1/models",
    "/v1/models/{model}",
    *ADMIN,
}
CREATED = {"/api/feedback"}
ACCEPTED = {"/api/admin/ingest"}
ALL_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def _routes(app: FastAPI) -> list[Route]:
    """One route per path (a path with routes for several methods: the first)."""
    routes: dict[str, Route] = {}
    for route in app.routes:
        if isinstance(route, Route):
            routes.setdefault(route.path, route)
    return list(routes.values())


def _methods(app: FastAPI, path: str) -> set[str]:
    """The methods the path takes, over all its routes."""
    return {
        method
        for route in app.routes
        if isinstance(route, Route) and route.path == path
        for method in route.methods or ()
    }


def test_every_route_is_covered(app: FastAPI) -> None:
    assert {route.path for route in _routes(app)} == set(ROUTE_REQUESTS)
    api_paths = {route.path for route in app.routes if isinstance(route, APIRoute)}
    assert api_paths - {"/healthz", "/readyz", "/"} == AUTHENTICATED


def successful_request(
    client: TestClient, path: str, headers: dict[str, str] | None = None, second: bool = False
) -> Any:
    """The route's good request (`second`: for its second method), sent; feedback rates an answer the
    same caller was just given; an admin route is asked by an admin, about a job just queued."""
    method, url, body = SECOND_REQUESTS[path] if second else ROUTE_REQUESTS[path]
    if path == "/api/feedback":
        asked = client.post("/api/chat", json={"question": QUESTION}, headers=headers)
        body = {**body, "answer_id": asked.json()["answer_id"]}
    if path in ADMIN:
        headers = headers or bearer(INTERNAL_KEY)
        if "j_new" in url:
            queued = client.post("/api/admin/ingest", json={"paths": [NEW_DOCUMENT]}, headers=headers)
            url = url.replace("j_new", queued.json()["job_id"])
    response = client.request(method, url, json=body, headers=headers)
    expected = 201 if path in CREATED else 202 if path in ACCEPTED and not second else 200
    assert response.status_code == expected, (path, response.text)
    return response


def test_every_route_answers_its_good_request(client: TestClient, app: FastAPI) -> None:
    for route in _routes(app):
        successful_request(client, route.path)
        if route.path in SECOND_REQUESTS:
            successful_request(client, route.path, second=True)


def test_wrong_method_on_every_route(client: TestClient, app: FastAPI) -> None:
    checked = 0
    for route in _routes(app):
        _, url, _ = ROUTE_REQUESTS[route.path]
        allowed = _methods(app, route.path)
        for method in sorted(ALL_METHODS - allowed):
            response = client.request(method, url)
            body = assert_error(response, 405, "method_not_allowed")
            assert "not allowed" in body["detail"].lower()
            assert set(response.headers["allow"].replace(" ", "").split(",")) == allowed
            checked += 1
    assert checked >= len(_routes(app))


@pytest.mark.parametrize("method", ["FOO", "PROPFIND", "TRACE"])
def test_custom_method_on_every_route(client: TestClient, app: FastAPI, method: str) -> None:
    for route in _routes(app):
        _, url, _ = ROUTE_REQUESTS[route.path]
        response = client.request(method, url)
        assert_error(response, 405, "method_not_allowed")
        assert set(response.headers["allow"].replace(" ", "").split(",")) == _methods(app, route.path)


def test_unknown_key_on_every_authenticated_route(client: TestClient, app: FastAPI) -> None:
    for route in _routes(app):
        if route.path not in AUTHENTICATED:
            continue
        method, url, body = ROUTE_REQUESTS[route.path]
        error = assert_error(
            client.request(method, url, json=body, headers=bearer("stolen")), 401, "unauthorized"
        )
        assert "stolen" not in error["detail"]
        assert_error(
            client.request(method, url, json=body, headers={"x-api-key": "stolen"}), 401, "unauthorized"
        )


# Credential headers that are present but not a well-formed known key: never anonymous, always 401.
BAD_CREDENTIALS = {
    "bearer-empty": {"authorization": "Bearer "},
    "bearer-no-key": {"authorization": "Bearer"},
    "basic": {"authorization": "Basic ZGVtbzpkZW1v"},
    "token-scheme-valid-key": {"authorization": f"Token {INTERNAL_KEY}"},
    "key-without-scheme": {"authorization": INTERNAL_KEY},
    "bearer-two-words": {"authorization": f"Bearer {INTERNAL_KEY} {INTERNAL_KEY}"},
    "bearer-unknown": {"authorization": "Bearer stolen"},
    "api-key-empty": {"x-api-key": ""},
    "api-key-blank": {"x-api-key": "  "},
    "api-key-unknown": {"x-api-key": "stolen"},
    "headers-disagree": {"authorization": f"Bearer {INTERNAL_KEY}", "x-api-key": PERSONNEL_KEY},
    "valid-bearer-bad-api-key": {"authorization": f"Bearer {INTERNAL_KEY}", "x-api-key": ""},
}


@pytest.mark.parametrize("headers", list(BAD_CREDENTIALS.values()), ids=list(BAD_CREDENTIALS))
def test_malformed_or_unknown_credentials_are_401_on_every_authenticated_route(
    client: TestClient, app: FastAPI, headers: dict[str, str]
) -> None:
    checked = 0
    for route in _routes(app):
        if route.path not in AUTHENTICATED:
            continue
        method, url, body = ROUTE_REQUESTS[route.path]
        error = assert_error(client.request(method, url, json=body, headers=headers), 401, "unauthorized")
        assert INTERNAL_KEY not in error["detail"] and "stolen" not in error["detail"]
        checked += 1
    assert checked == len(AUTHENTICATED)


@pytest.mark.parametrize(
    "headers",
    [
        {"authorization": f"bearer {INTERNAL_KEY}"},
        {"authorization": f"BEARER  {INTERNAL_KEY}"},
        {"authorization": f"Bearer {INTERNAL_KEY}", "x-api-key": INTERNAL_KEY},
    ],
    ids=["lower-case-scheme", "upper-case-scheme-two-spaces", "both-headers-same-key"],
)
def test_well_formed_credentials_authenticate(client: TestClient, headers: dict[str, str]) -> None:
    listed = client.get("/api/sources", headers=headers)
    assert listed.status_code == 200, listed.text
    assert INTERNAL_DOC in {source["source_id"] for source in listed.json()}


def test_healthz_ignores_credentials(client: TestClient) -> None:
    assert client.get("/healthz", headers=BAD_CREDENTIALS["basic"]).status_code == 200


def test_anonymous_when_disallowed_on_every_authenticated_route(
    closed_client: TestClient, app: FastAPI
) -> None:
    for route in _routes(app):
        method, url, body = ROUTE_REQUESTS[route.path]
        response = closed_client.request(method, url, json=body)
        if route.path in AUTHENTICATED:
            assert_error(response, 401, "unauthorized")
            successful_request(closed_client, route.path, bearer(INTERNAL_KEY))
        else:
            assert response.status_code == 200


def test_oversized_body_on_every_route(client: TestClient, app: FastAPI) -> None:
    """A declared Content-Length over the limit is refused before the route runs, on every route."""
    oversized = json.dumps({"question": "x" * 20_000_000}).encode()
    for route in _routes(app):
        _, url, _ = ROUTE_REQUESTS[route.path]
        for method in sorted(_methods(app, route.path) - {"HEAD"}):
            response = client.request(
                method, url, content=oversized, headers={"content-type": "application/json"}
            )
            body = assert_error(response, 413, "payload_too_large")
            assert str(DEFAULT_MAX_BODY_BYTES) in body["detail"]
            assert response.headers["connection"] == "close"


def _chunks(total: int, size: int = 4096) -> Iterator[bytes]:
    """A JSON body streamed without a Content-Length (chunked), `total` bytes long."""
    body = json.dumps({"question": "x" * (total - 16)}).encode()
    for start in range(0, len(body), size):
        yield body[start : start + size]


@pytest.mark.parametrize("path", ["/api/chat", "/api/sql"])
def test_streamed_body_is_counted(stack, path: str) -> None:
    small = TestClient(
        create_app(stack.assistant, stack.users, stack.sources, max_body_bytes=10_000),
        raise_server_exceptions=False,
    )
    headers = {"content-type": "application/json", "x-request-id": "req-413"}
    response = small.post(path, content=_chunks(50_000), headers=headers)
    assert "content-length" not in response.request.headers
    body = assert_error(response, 413, "payload_too_large")
    assert body["request_id"] == "req-413"
    assert "10000 bytes" in body["detail"]


def test_body_limit_is_a_create_app_parameter(stack) -> None:
    small = TestClient(create_app(stack.assistant, stack.users, stack.sources, max_body_bytes=100))
    assert_error(small.post("/api/chat", json={"question": QUESTION * 3}), 413, "payload_too_large")
    assert small.post("/api/chat", json={"question": "10 days?"}).status_code == 200
    streamed_within = small.post(
        "/api/chat", content=_chunks(90), headers={"content-type": "application/json"}
    )
    assert streamed_within.status_code == 200, streamed_within.text
    for invalid in (b"two", b"\xb2", b"-1"):  # "²" (latin-1 b"\xb2") is str.isdigit(), but not an int
        response = small.post("/api/chat", content=b"{}", headers={b"content-length": invalid})
        assert_error(response, 400, "bad_request")


@pytest.mark.parametrize("path", ["/nope", "/api/nope", "/api/chat/extra", "/healthz/x", "/index.html"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_unknown_route(client: TestClient, path: str, method: str) -> None:
    assert_error(client.request(method, path), 404, "not_found")


@pytest.mark.parametrize(
    "request_body",
    [
        {},
        {"question": ""},
        {"question": "x" * 2001},
        {"question": None},
        {"question": ["a list"]},
        {"question": QUESTION, "conversation_id": "c" * 65},
    ],
    ids=["missing-question", "empty-question", "too-long", "null", "wrong-type", "long-conversation-id"],
)
def test_invalid_chat_body(client: TestClient, request_body: dict[str, Any]) -> None:
    body = assert_error(client.post("/api/chat", json=request_body), 400, "bad_request")
    assert "question" in body["detail"] or "conversation_id" in body["detail"]


def test_blank_question_and_non_json_body(client: TestClient) -> None:
    assert_error(client.post("/api/chat", json={"question": "   \n "}), 400, "bad_request")
    assert_error(
        client.post("/api/chat", content=b"not json", headers={"content-type": "application/json"}),
        400,
        "bad_request",
    )
    not_an_object = assert_error(client.post("/api/chat", json=["question"]), 400, "bad_request")
    assert not_an_object["detail"].startswith("body: ")


@pytest.mark.parametrize(
    ("question", "blank"),
    [
        ("\u3000", True),
        (" \t\n\u00a0", True),
        ("\u2028\u205f", True),
        ("\x1c", False),  # a control character, not Unicode white space (though str.isspace says so)
        ("\u200b", False),  # zero width space: not Unicode white space either
        ("?", False),
        (" 해운대 ", False),
    ],
    ids=["ideographic-space", "ascii-and-nbsp", "separators", "file-separator", "zero-width", "mark", "ko"],
)
def test_blank_questions_are_what_the_schema_pattern_says(
    client: TestClient, question: str, blank: bool
) -> None:
    """The OpenAPI pattern is the rule: a question it accepts is answered, one it refuses is 400."""
    schema = client.get("/openapi.json").json()["components"]["schemas"]["ChatRequest"]
    assert bool(re.search(schema["properties"]["question"]["pattern"], question)) is not blank
    response = client.post("/api/chat", json={"question": question})
    if blank:
        assert "non-blank" in assert_error(response, 400, "bad_request")["detail"]
    else:
        assert response.status_code == 200, response.text


class BrokenComposer:
    def compose(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internal state")


def client_whose_composer_fails(stack: Any) -> TestClient:
    """The app over the stack's assistant with a composer that raises: an unexpected failure."""
    broken = type(stack.assistant)(
        retriever=stack.assistant.retriever,
        composer=BrokenComposer(),
        audit_log=stack.assistant.audit_log,
        conversations=stack.assistant.conversations,
        policy=stack.assistant.policy,
    )
    return TestClient(create_app(broken, stack.users, stack.sources), raise_server_exceptions=False)


def test_an_unexpected_failure_is_the_same_shape_without_a_traceback(stack) -> None:
    client = client_whose_composer_fails(stack)
    response = client.post("/api/chat", json={"question": QUESTION}, headers={"x-request-id": "req-500"})
    assert response.status_code == 500
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body == {
        "ok": False,
        "error_code": "internal",
        "detail": "internal error",
        "request_id": "req-500",
    }
    assert "secret internal state" not in response.text
    assert response.headers["x-request-id"] == "req-500"


# --- request ids and the audit log ------------------------------------------------------------


def test_request_id_is_echoed_and_generated(client: TestClient) -> None:
    given = client.get("/healthz", headers={"x-request-id": "req-123"})
    assert given.headers["x-request-id"] == "req-123"
    generated = client.get("/healthz")
    assert generated.headers["x-request-id"].startswith("r_")
    assert generated.headers["x-request-id"] != client.get("/healthz").headers["x-request-id"]
    error = client.post("/api/chat", json={}, headers={"x-request-id": "req-456"})
    assert error.headers["x-request-id"] == "req-456"
    assert error.json()["request_id"] == "req-456"


def test_audit_log_gets_one_line_per_answer(client: TestClient, stack) -> None:
    log = stack.audit_log_path
    before = log.read_text("utf-8").splitlines() if log.exists() else []

    answers = [
        client.post("/api/chat", json={"question": QUESTION}, headers=bearer(INTERNAL_KEY)).json(),
        client.post("/api/chat", json={"question": "What is the capital of France?"}).json(),
    ]
    client.post("/api/chat", json={}, headers=bearer(INTERNAL_KEY))  # rejected: not audited as an answer

    text = log.read_text("utf-8")
    rows = [json.loads(line) for line in text.splitlines()[len(before) :]]
    assert len(rows) == 2
    assert INTERNAL_KEY not in text
    internal_row, anonymous_row = rows
    assert internal_row["user"] == key_id(INTERNAL_KEY)
    assert internal_row["clearance"] == Classification.INTERNAL.value
    assert internal_row["question"] == QUESTION
    assert internal_row["answer_id"] == answers[0]["answer_id"]
    assert internal_row["sources"] == [citation["source_id"] for citation in answers[0]["citations"]]
    assert PUBLIC_DOC in internal_row["sources"]
    assert internal_row["timings_ms"]["total"] >= 0
    assert anonymous_row["user"] == "anonymous"
    assert anonymous_row["sources"] == [] and anonymous_row["confidence"] == "none"


# --- running SQL directly ---------------------------------------------------------------------


def test_sql_route_returns_the_guarded_query_and_rows(client: TestClient) -> None:
    response = client.post("/api/sql", json={"sql": "SELECT district, land_area_km2 FROM district_land_area"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["query"].endswith("LIMIT 200")
    assert body["tables"] == ["district_land_area"]
    assert body["columns"] == ["district", "land_area_km2"]
    assert body["row_count"] == 16 and len(body["rows"]) == 16


def test_sql_route_refuses_writes_with_the_error_shape_and_audits_them(client: TestClient, stack) -> None:
    body = assert_error(
        client.post("/api/sql", json={"sql": "DROP TABLE district_land_area"}), 422, "sql_rejected"
    )
    assert (
        "district_land_area" in client.post("/api/sql", json={"sql": "SELECT * FROM district_land_area"}).text
    )
    rows = [json.loads(line) for line in stack.audit_log_path.read_text(encoding="utf-8").splitlines()]
    refused = [
        row for row in rows if row.get("kind") == "sql" and row["sql"] == "DROP TABLE district_land_area"
    ]
    assert refused and refused[-1]["outcome"].startswith("sql_rejected")
    assert body["detail"]


def test_request_id_is_echoed_only_when_it_is_a_plain_short_token(client: TestClient) -> None:
    assert client.get("/healthz", headers={"x-request-id": "abc-123"}).headers["x-request-id"] == "abc-123"
    for hostile in ("a" * 65, "line\\nbreak", "<script>"):
        echoed = client.get("/healthz", headers={"x-request-id": hostile}).headers["x-request-id"]
        assert echoed != hostile and echoed.startswith("r_")
