"""The OpenAPI contract beyond what FastAPI derives from the routes.

Every route declares each error status it can return with `error_responses(...)`, all with the one
`ErrorBody` shape (`OpenAIErrorBody`, its superset, on the OpenAI-compatible routes). A streaming
route declares its 200 with `event_stream_content(...)`. `install_openapi_contract` then adds the
security schemes and removes FastAPI's default 422 `HTTPValidationError`: this app answers invalid
input with 400 and the error shape, and uses 422 only for SQL that the guard refuses or the warehouse
cannot run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from assistant.api.auth import security_schemes
from assistant.api.errors import ErrorBody
from assistant.api.sse import SSE_MEDIA_TYPE

# Statuses every route can answer, whatever it does.
ANY_ROUTE_ERRORS = (400, 413, 500)

_DESCRIPTIONS = {
    400: "Malformed request: invalid JSON, a body, path or query value outside its schema, or an HTTP "
    "request the server cannot parse.",
    401: "A credential header that is not `Bearer <known key>` or a known `X-API-Key`, or no credential "
    "while anonymous access is off.",
    404: "Not found.",
    408: "The SQL ran longer than its time limit and was stopped.",
    413: "The request body is larger than the server's limit ({max_body_bytes} bytes).",
    422: "The SQL is well formed by this schema but was refused: the guard rejected it (not one "
    "SELECT, an unknown or hidden table or column, a forbidden function …) or the warehouse could "
    "not run it.",
    500: "Unexpected server error; the details are in the server log under the request id.",
}


def error_responses(
    *statuses: int,
    max_body_bytes: int,
    notes: Mapping[int, str] | None = None,
    body: type[ErrorBody] = ErrorBody,
) -> dict[int | str, dict[str, Any]]:
    """FastAPI `responses=` for the given error statuses plus those of every route, each a `body`."""
    notes = notes or {}
    return {
        status: {
            "model": body,
            "description": notes.get(status) or _DESCRIPTIONS[status].format(max_body_bytes=max_body_bytes),
        }
        for status in sorted(set(statuses) | set(ANY_ROUTE_ERRORS))
    }


COMPONENT = "#/components/schemas/{model}"


def component(model: type[BaseModel]) -> dict[str, str]:
    """A reference to `model`'s schema among the document's components."""
    return {"$ref": COMPONENT.format(model=model.__name__)}


def sse_event_schema(data: dict[str, Any], event: dict[str, Any] | None = None) -> dict[str, Any]:
    """One server-sent event whose `data:` is JSON matching `data` (and whose `event:` matches
    `event`, when given): OpenAPI 3.2's way to describe an event stream, which FastAPI and
    schemathesis read in 3.1 documents too."""
    json_data = {"type": "string", "contentMediaType": "application/json", "contentSchema": data}
    properties = {"data": json_data} | ({"event": event} if event else {})
    return {"type": "object", "required": sorted(properties), "properties": properties}


def event_stream_content(item_schema: dict[str, Any]) -> dict[str, Any]:
    """The `content` of a 200 that streams server-sent events, each event matching `item_schema`
    (`schema`, the whole stream, is their array: it replaces the string FastAPI would put there)."""
    return {SSE_MEDIA_TYPE: {"schema": {"type": "array", "items": item_schema}, "itemSchema": item_schema}}


def install_openapi_contract(app: FastAPI, event_models: Sequence[type[BaseModel]] = ()) -> None:
    """Serve the derived document with the security schemes and without HTTPValidationError.

    `event_models` are the models that only streamed events carry: FastAPI lists the models of
    request and response bodies among the components, but knows nothing of what an event holds."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                openapi_version=app.openapi_version,
                description=app.description,
                routes=app.routes,
            )
            _add_components(document, event_models)
            _drop_fastapi_validation_errors(document)
            _errors_are_json(document)
            _document_response_headers(document)
            document.setdefault("components", {})["securitySchemes"] = security_schemes()
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend the document


def _add_components(document: dict[str, Any], models: Sequence[type[BaseModel]]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for model in models:
        schema = model.model_json_schema(ref_template=COMPONENT, mode="serialization")
        for name, definition in {**schema.pop("$defs", {}), model.__name__: schema}.items():
            schemas.setdefault(name, definition)  # one FastAPI already lists (Answer …) stays as it is


def _drop_fastapi_validation_errors(document: dict[str, Any]) -> None:
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.get("responses", {})
            schema = responses.get("422", {}).get("content", {}).get("application/json", {}).get("schema")
            if schema == {"$ref": "#/components/schemas/HTTPValidationError"}:
                del responses["422"]
    schemas = document.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)


def _errors_are_json(document: dict[str, Any]) -> None:
    """FastAPI documents a route's error bodies in the route's media type; a streaming route's errors
    are answered before the stream starts, as JSON like everywhere else."""
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if not status.startswith("2") and SSE_MEDIA_TYPE in content:
                    content["application/json"] = content.pop(SSE_MEDIA_TYPE)


_REQUEST_ID_HEADER = {
    "description": "The request's id: the caller's own x-request-id when it is a short plain token "
    "([A-Za-z0-9._:-]{1,64}), else a new one.",
    "schema": {"type": "string"},
}
_WWW_AUTHENTICATE_HEADER = {"description": "The scheme to authenticate with.", "schema": {"type": "string"}}


def _document_response_headers(document: dict[str, Any]) -> None:
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            for status, response in operation.get("responses", {}).items():
                headers = response.setdefault("headers", {})
                headers["x-request-id"] = _REQUEST_ID_HEADER
                if status == "401":
                    headers["www-authenticate"] = _WWW_AUTHENTICATE_HEADER
