"""Append-only audit log: one JSON line per answer (who, what, which sources and SQL, how long)."""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

from assistant.models import Answer, User


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(self, user: User, answer: Answer) -> None:
        row = {
            "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
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
        line = json.dumps(row, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # O_APPEND: each line lands whole at the end, never overwriting earlier rows.
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                os.write(descriptor, line.encode("utf-8"))
            finally:
                os.close(descriptor)
