"""Which API key a request carries, and how the OpenAPI document describes it.

The rule: a request with no credential header at all is anonymous (the user directory answers 401
when anonymous access is off). A credential header that is present must be well formed and name a
known key: `Authorization: Bearer <key>` or `X-API-Key: <key>`. Anything else (`Bearer ` with no
key, `Basic …`, `Token <key>`, an empty `X-API-Key`, the two headers naming different keys) is 401,
never a silent fall back to anonymous.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import Headers

from assistant.errors import CityQAError, ErrorCode

BEARER_SCHEME = "bearerApiKey"
API_KEY_HEADER_SCHEME = "apiKeyHeader"
API_KEY_HEADER = "X-API-Key"


def api_key_from_headers(headers: Headers) -> str | None:
    """The one API key the request names, None when it sends no credential header, else 401."""
    keys: set[str] = set()
    authorizations = headers.getlist("authorization")
    if len(authorizations) > 1:
        raise CityQAError(ErrorCode.UNAUTHORIZED, "more than one Authorization header")
    if authorizations:
        scheme, _, key = authorizations[0].strip().partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key or any(character.isspace() for character in key):
            raise CityQAError(ErrorCode.UNAUTHORIZED, "the Authorization header must be 'Bearer <API key>'")
        keys.add(key)
    api_keys = headers.getlist(API_KEY_HEADER)
    if len(api_keys) > 1:
        raise CityQAError(ErrorCode.UNAUTHORIZED, f"more than one {API_KEY_HEADER} header")
    if api_keys:
        if not api_keys[0].strip():
            raise CityQAError(ErrorCode.UNAUTHORIZED, f"the {API_KEY_HEADER} header is empty")
        keys.add(api_keys[0].strip())
    if len(keys) > 1:
        raise CityQAError(ErrorCode.UNAUTHORIZED, f"Authorization and {API_KEY_HEADER} name different keys")
    return keys.pop() if keys else None


def security_schemes() -> dict[str, Any]:
    """The OpenAPI `components.securitySchemes` of the API: the same key, in either header."""
    known = "A key from the API key file (CITYQA_API_KEYS_FILE); it decides the caller's clearance."
    refused = "A malformed, empty or unknown credential is 401."
    return {
        BEARER_SCHEME: {
            "type": "http",
            "scheme": "bearer",
            "description": f"`Authorization: Bearer <key>`. {known} {refused}",
        },
        API_KEY_HEADER_SCHEME: {
            "type": "apiKey",
            "in": "header",
            "name": API_KEY_HEADER,
            "description": f"`{API_KEY_HEADER}: <key>`, the same keys as the bearer scheme. {refused}",
        },
    }


def security_requirements(allow_anonymous: bool) -> list[dict[str, list[str]]]:
    """An operation's `security`: either scheme, or none at all (`{}`) while anonymous access is on."""
    requirements: list[dict[str, list[str]]] = [{BEARER_SCHEME: []}, {API_KEY_HEADER_SCHEME: []}]
    return [*requirements, {}] if allow_anonymous else requirements
