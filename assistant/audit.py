"""Append-only audit log: one JSON line per answer (who, what, which sources and SQL, how long)."""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.models import Answer, User

if TYPE_CHECKING:
    from assistant.feedback import FeedbackRecord


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        # answer_id -> key id of the user it was given to; read from the file as it grows (also the
        # rows other processes appended), so feedback can be checked against the answer it rates.
        self._answer_owners: dict[str, str] = {}
        self._bytes_indexed = 0

    def record(self, user: User, answer: Answer) -> None:
        self._append(self._answer_row(user, answer))

    def record_sql(self, user: User, sql: str, outcome: str, milliseconds: float) -> None:
        """A statement an official ran directly (POST /api/sql), refused or not."""
        self._append(
            {
                "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "kind": "sql",
                "user": user.key_id,
                "user_name": user.name,
                "department": user.department,
                "clearance": user.clearance.value,
                "sql": sql,
                "outcome": outcome,
                "timings_ms": {"total": round(milliseconds, 1)},
            }
        )

    def record_feedback(self, feedback: FeedbackRecord) -> None:
        """A rating of an earlier answer; `answer_id` links it to that answer's row."""
        self._append({"kind": "feedback", **feedback.model_dump(mode="json")})

    def answer_owner(self, answer_id: str) -> str | None:
        """Key id of the user the answer was given to, or None when the log holds no such answer."""
        with self._lock:
            self._index_new_rows()
            return self._answer_owners.get(answer_id)

    def _index_new_rows(self) -> None:
        if not self.path.exists():
            return
        with self.path.open("rb") as log:
            log.seek(self._bytes_indexed)
            for line in log:
                if not line.endswith(b"\n"):  # a row still being written: read it next time
                    break
                self._bytes_indexed += len(line)
                row = json.loads(line)
                if row.get("kind") == "answer":
                    self._answer_owners[row["answer_id"]] = row["user"]

    @staticmethod
    def _answer_row(user: User, answer: Answer) -> dict[str, object]:
        return {
            "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "kind": "answer",
            "answer_id": answer.answer_id,
            "conversation_id": answer.conversation_id,
            "user": user.key_id,
            "user_name": user.name,
            "department": user.department,
            "clearance": user.clearance.value,
            "question": answer.question,
            "confidence": answer.confidence,
            "sources": [citation.source_id for citation in answer.citations],
            "sql": answer.sql.query if answer.sql else None,
            "prompt": answer.prompt,
            "timings_ms": answer.timings_ms,
        }

    def _append(self, row: dict[str, object]) -> None:
        line = json.dumps(row, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # O_APPEND: each line lands whole at the end, never overwriting earlier rows.
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                os.write(descriptor, line.encode("utf-8"))
            finally:
                os.close(descriptor)
