"""API keys: a TOML file mapping each key to a user (name, department, clearance, admin)."""

from __future__ import annotations

import hashlib
import hmac
import tomllib
from pathlib import Path

from pydantic import BaseModel, ValidationError

from assistant.errors import CityQAError, ErrorCode
from assistant.models import Classification, User

ANONYMOUS = User()


class _KeyEntry(BaseModel):
    name: str
    department: str | None = None
    clearance: Classification = Classification.PUBLIC
    admin: bool = False  # may use the admin routes (ingest over the API)


def key_id(key: str) -> str:
    """A stable, non-secret id for a key (what the audit log records instead of the key)."""
    return "key_" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


class UserDirectory:
    def __init__(self, users_by_key: dict[str, User], allow_anonymous: bool) -> None:
        self._users_by_key = users_by_key
        self.allow_anonymous = allow_anonymous

    @classmethod
    def from_file(cls, path: Path | None, allow_anonymous: bool) -> UserDirectory:
        if path is None:
            return cls({}, allow_anonymous)
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
            entries = {key: _KeyEntry.model_validate(value) for key, value in raw.get("keys", {}).items()}
        except (OSError, tomllib.TOMLDecodeError, ValidationError, AttributeError) as error:
            raise CityQAError(ErrorCode.INVALID_CONFIG, f"invalid API key file {path}: {error}") from error
        users = {
            key: User(
                key_id=key_id(key),
                name=entry.name,
                department=entry.department,
                clearance=entry.clearance,
                admin=entry.admin,
            )
            for key, entry in entries.items()
        }
        return cls(users, allow_anonymous)

    def keys(self) -> list[str]:
        return list(self._users_by_key)

    def authenticate(self, key: str | None) -> User:
        """The user for a key; anonymous (public clearance) without one if allowed, else 401."""
        if not key:
            if self.allow_anonymous:
                return ANONYMOUS
            raise CityQAError(ErrorCode.UNAUTHORIZED, "an API key is required")
        for known, user in self._users_by_key.items():
            if hmac.compare_digest(known.encode("utf-8"), key.encode("utf-8")):
                return user
        raise CityQAError(ErrorCode.UNAUTHORIZED, "unknown API key")
