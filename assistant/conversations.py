"""Conversation memory: earlier turns, so follow-up questions can be understood."""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict

from assistant.models import Turn

MAX_TURNS = 10


class ConversationStore:
    """In-memory, bounded (oldest conversations are forgotten first); owned by one user each."""

    def __init__(self, max_conversations: int = 10_000) -> None:
        self._turns: OrderedDict[str, tuple[str, list[Turn]]] = OrderedDict()
        self._max = max_conversations
        self._lock = threading.Lock()

    def history(self, conversation_id: str | None, owner: str) -> tuple[str, list[Turn]]:
        """The conversation's id and turns; a new conversation when unknown or owned by someone else."""
        with self._lock:
            if conversation_id and conversation_id in self._turns:
                stored_owner, turns = self._turns[conversation_id]
                if stored_owner == owner:
                    self._turns.move_to_end(conversation_id)
                    return conversation_id, list(turns)
            return (
                conversation_id if conversation_id and conversation_id not in self._turns else _new_id()
            ), []

    def append(self, conversation_id: str, owner: str, turn: Turn) -> None:
        with self._lock:
            _, turns = self._turns.get(conversation_id, (owner, []))
            self._turns[conversation_id] = (owner, (turns + [turn])[-MAX_TURNS:])
            self._turns.move_to_end(conversation_id)
            while len(self._turns) > self._max:
                self._turns.popitem(last=False)


def _new_id() -> str:
    return "c_" + uuid.uuid4().hex[:16]
