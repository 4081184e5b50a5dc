"""Officials' thumbs up/down on answers, kept durably in SQLite and linked to the audit log.

A rating names the answer by its `answer_id` (the id the audit log records with the question, the
sources and the SQL), so a reviewer can read what was asked and shown beside what was said of it.
One rating per answer and person: a second click replaces the first (changing one's mind is
common, and counting both would double a vote).
"""

from __future__ import annotations

import enum
import sqlite3
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from assistant.models import User

# Where the rating was given: the web page, the Slack bot, or a plain API client.
FeedbackChannel = Literal["web", "slack", "api"]


class FeedbackRating(enum.StrEnum):
    UP = "up"
    DOWN = "down"


class FeedbackRequest(BaseModel):
    answer_id: str = Field(
        min_length=3,
        max_length=64,
        pattern=r"^a_[0-9a-f]+$",
        description="The `answer_id` of the answer being rated.",
    )
    rating: FeedbackRating = Field(description="`up`: helpful and right; `down`: wrong or unhelpful.")
    comment: str | None = Field(None, max_length=2000, description="What was right or wrong (optional).")
    channel: FeedbackChannel = Field("api", description="Where the rating was given.")


class FeedbackRecord(FeedbackRequest):
    feedback_id: str
    user: str = Field(description="Key id of the person who rated (never the key itself).")
    at: str = Field(description="When, ISO 8601 in UTC.")


_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    feedback_id TEXT PRIMARY KEY,
    answer_id   TEXT NOT NULL,
    user        TEXT NOT NULL,
    rating      TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment     TEXT,
    channel     TEXT NOT NULL,
    at          TEXT NOT NULL,
    UNIQUE (answer_id, user)
)
"""


class FeedbackStore:
    """One SQLite file; safe to share between threads and between processes (SQLite locks the file)."""

    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
        self._lock = threading.Lock()
        with self._lock, self._connection:
            self._connection.execute(_SCHEMA)

    @classmethod
    def in_memory(cls) -> FeedbackStore:
        return cls(":memory:")

    def record(self, user: User, feedback: FeedbackRequest) -> FeedbackRecord:
        record = FeedbackRecord(
            **feedback.model_dump(),
            feedback_id="f_" + uuid.uuid4().hex[:16],
            user=user.key_id,
            at=datetime.now(UTC).isoformat(timespec="milliseconds"),
        )
        with self._lock, self._connection:
            self._connection.execute(
                "INSERT INTO feedback (feedback_id, answer_id, user, rating, comment, channel, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (answer_id, user) DO UPDATE SET feedback_id = excluded.feedback_id, "
                "rating = excluded.rating, comment = excluded.comment, channel = excluded.channel, "
                "at = excluded.at",
                (
                    record.feedback_id,
                    record.answer_id,
                    record.user,
                    record.rating.value,
                    record.comment,
                    record.channel,
                    record.at,
                ),
            )
        return record

    def for_answer(self, answer_id: str) -> list[FeedbackRecord]:
        return self._select("WHERE answer_id = ? ORDER BY at", (answer_id,))

    def all(self) -> list[FeedbackRecord]:
        return self._select("ORDER BY at", ())

    def _select(self, where: str, parameters: tuple[str, ...]) -> list[FeedbackRecord]:
        with self._lock:
            rows = self._connection.execute(
                "SELECT feedback_id, answer_id, user, rating, comment, channel, at FROM feedback " + where,
                parameters,
            ).fetchall()
        names = ("feedback_id", "answer_id", "user", "rating", "comment", "channel", "at")
        return [FeedbackRecord.model_validate(dict(zip(names, row, strict=True))) for row in rows]

    def close(self) -> None:
        with self._lock:
            self._connection.close()
