"""Append-only audit log: one JSON line per answer (who, what, which sources and SQL, how long).

Shared by every process that answers (several `cityqa serve` workers, the CLI): each row is one
`write()` to a file opened with O_APPEND, which the kernel places whole at the end of the file, so
rows from different processes never interleave or overwrite each other (on a local disk; not NFS).
`answer_owner` reads the rows other processes appended as the file grows.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.models import Answer, User

if TYPE_CHECKING:
    from assistant.feedback import FeedbackRecord

logger = logging.getLogger(__name__)


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        # answer_id -> key id of the user it was given to; read from the file as it grows (also the
        # rows other processes appended), so feedback can be checked against the answer it rates.
        self._answer_owners: dict[str, str] = {}
        self._indexed_file: tuple[int, int] | None = None  # (device, inode) of the file indexed
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

    def record_admin(self, user: User, action: str, **details: object) -> None:
        """An admin's request (`action`, e.g. "ingest_requested", with its details: job id, paths …)."""
        self._append(
            {
                "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "kind": "admin",
                "action": action,
                "user": user.key_id,
                "user_name": user.name,
                "department": user.department,
                **details,
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
        try:
            log = self.path.open("rb")
        except FileNotFoundError:
            return
        with log:
            status = os.fstat(log.fileno())
            if (status.st_dev, status.st_ino) != self._indexed_file or status.st_size < self._bytes_indexed:
                # Another file (rotated, or restored from a backup) or a truncated one: read it from
                # the start. Owners already read stay known (answer ids are unique).
                self._indexed_file = (status.st_dev, status.st_ino)
                self._bytes_indexed = 0
            log.seek(self._bytes_indexed)
            for line in log:
                if not line.endswith(b"\n"):  # a row still being written: read it next time
                    break
                self._bytes_indexed += len(line)
                try:
                    row = json.loads(line)
                except ValueError:
                    logger.warning("audit log %s: an unreadable row skipped", self.path)
                    continue
                if isinstance(row, dict) and row.get("kind") == "answer":
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
                data = line.encode("utf-8")
                written = os.write(descriptor, data)  # one write: the row lands whole
                if written != len(data):
                    raise OSError(f"audit log {self.path}: only {written} of {len(data)} bytes written")
            finally:
                os.close(descriptor)
