"""Conversation memory: earlier turns, so follow-up questions can be understood.

Conversations are kept in SQLite under CITYQA_HOME (`state.sqlite3`), so a restarted server and
several server processes share them. Each belongs to one owner (a user's key id; every anonymous
caller is the one owner "anonymous") and keeps its latest `max_turns` turns; a conversation unused
for `max_idle_seconds` is forgotten, and past `max_conversations` the least recently used ones are.

Ids are issued by the server, never chosen by a client: `history` gives an id it does not know, or
one owned by someone else, a new conversation under a new id. An id is 192 random bits, so for
anonymous callers it is a bearer token: whoever holds it may continue (and so read) the
conversation. It travels only in answers to the one who asked (and in the audit log).
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from assistant.models import Turn
from assistant.state_db import IN_MEMORY, create_schema, open_state_database, write_transaction

logger = logging.getLogger(__name__)

MAX_TURNS = 10
MAX_CONVERSATIONS = 10_000
MAX_IDLE_SECONDS = 7 * 24 * 3600
# The longest id a client may send back (`ChatRequest.conversation_id`); issued ids are 34 characters.
CONVERSATION_ID_MAX_CHARS = 64
_ID_PREFIX = "c_"
_ID_RANDOM_BYTES = 24  # 192 bits: unguessable (at least 128 are needed)


def new_conversation_id() -> str:
    """A fresh, unguessable conversation id: `c_` and 32 URL-safe characters."""
    return _ID_PREFIX + secrets.token_urlsafe(_ID_RANDOM_BYTES)


class ConversationStore(Protocol):
    def history(self, conversation_id: str | None, owner: str) -> tuple[str, list[Turn]]:
        """The conversation's id and earlier turns when `owner` may continue it; otherwise a new,
        server-issued id and no turns (the client's id is never adopted)."""
        ...

    def append(self, conversation_id: str, owner: str, turn: Turn) -> None:
        """Add `turn` to the conversation (an id `history` gave `owner`)."""
        ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    conversation_id TEXT PRIMARY KEY,
    owner           TEXT NOT NULL,
    turns           TEXT NOT NULL,  -- JSON list of Turn, oldest first, the latest max_turns
    created_at      REAL NOT NULL,  -- seconds since the epoch
    last_used_at    REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_by_last_use ON conversations (last_used_at);
"""


class SQLiteConversationStore:
    """Conversations in one SQLite file, safe for threads (one connection behind a lock) and for
    processes (WAL, busy timeout, short `BEGIN IMMEDIATE` transactions: see assistant/state_db.py)."""

    def __init__(
        self,
        path: Path | str,
        *,
        max_turns: int = MAX_TURNS,
        max_conversations: int = MAX_CONVERSATIONS,
        max_idle_seconds: float = MAX_IDLE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.max_turns = max_turns
        self.max_conversations = max_conversations
        self.max_idle_seconds = max_idle_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._connection = open_state_database(path)
        with self._lock:
            create_schema(self._connection, _SCHEMA)

    @classmethod
    def in_memory(cls, **options: Any) -> SQLiteConversationStore:
        """A store of this process alone (for tests and one-off tools)."""
        return cls(IN_MEMORY, **options)

    def history(self, conversation_id: str | None, owner: str) -> tuple[str, list[Turn]]:
        if conversation_id:
            with self._lock:
                row = self._connection.execute(
                    "SELECT turns FROM conversations "
                    "WHERE conversation_id = ? AND owner = ? AND last_used_at > ?",
                    (conversation_id, owner, self._clock() - self.max_idle_seconds),
                ).fetchone()
            if row is not None:
                return conversation_id, [Turn.model_validate(turn) for turn in json.loads(row[0])]
        return new_conversation_id(), []

    def append(self, conversation_id: str, owner: str, turn: Turn) -> None:
        now = self._clock()
        with self._lock, write_transaction(self._connection) as connection:
            row = connection.execute(
                "SELECT owner, turns, last_used_at FROM conversations WHERE conversation_id = ?",
                (conversation_id,),
            ).fetchone()
            if row is not None and row[0] != owner:
                # Never reached through `history`, which gives another owner's id a new one.
                logger.warning("turn not stored: conversation %s belongs to someone else", conversation_id)
                return
            if row is None or row[2] <= now - self.max_idle_seconds:
                self._start(connection, conversation_id, owner, turn, now)
            else:
                turns = [*json.loads(row[1]), turn.model_dump(mode="json")][-self.max_turns :]
                connection.execute(
                    "UPDATE conversations SET turns = ?, last_used_at = ? WHERE conversation_id = ?",
                    (json.dumps(turns, ensure_ascii=False), now, conversation_id),
                )

    def _start(
        self, connection: sqlite3.Connection, conversation_id: str, owner: str, turn: Turn, now: float
    ) -> None:
        """Store a new conversation and forget the idle ones and those past the count."""
        turns = json.dumps([turn.model_dump(mode="json")], ensure_ascii=False)
        connection.execute(
            "INSERT OR REPLACE INTO conversations "
            "(conversation_id, owner, turns, created_at, last_used_at) VALUES (?, ?, ?, ?, ?)",
            (conversation_id, owner, turns, now, now),
        )
        connection.execute(
            "DELETE FROM conversations WHERE last_used_at <= ?", (now - self.max_idle_seconds,)
        )
        connection.execute(
            "DELETE FROM conversations WHERE conversation_id IN (SELECT conversation_id FROM conversations "
            "ORDER BY last_used_at DESC, rowid DESC LIMIT -1 OFFSET ?)",
            (self.max_conversations,),
        )

    def close(self) -> None:
        with self._lock:
            self._connection.close()
