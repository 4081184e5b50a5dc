"""What the bot remembers between Slack requests, bounded (oldest first out) and thread-safe:
which cityqa conversation a Slack thread continues, and which messages it has already answered."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedMap(Generic[K, V]):
    """A small LRU map: reading or writing a key makes it the newest."""

    def __init__(self, max_items: int) -> None:
        self._items: OrderedDict[K, V] = OrderedDict()
        self._max_items = max_items
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._put(key, value)

    def put_if_absent(self, key: K, value: V) -> bool:
        """Store `value` unless `key` is there; True when it was stored (one atomic step)."""
        with self._lock:
            if key in self._items:
                return False
            self._put(key, value)
            return True

    def _put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._max_items:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


class ThreadConversations:
    """Slack thread → cityqa conversation id, per asker: cityqa conversations belong to one user, so
    two people asking in one thread each continue their own."""

    def __init__(self, max_threads: int = 10_000) -> None:
        self._conversations: BoundedMap[tuple[str, str, str], str] = BoundedMap(max_threads)

    def conversation_for(self, channel: str, thread_ts: str, key_id: str) -> str | None:
        return self._conversations.get((channel, thread_ts, key_id))

    def remember(self, channel: str, thread_ts: str, key_id: str, conversation_id: str) -> None:
        self._conversations.put((channel, thread_ts, key_id), conversation_id)


class SeenMessages:
    """Messages already taken up, by (channel, ts): Slack retries an event it thinks was missed, and a
    mention in a direct message can arrive both as `app_mention` and as `message.im`."""

    def __init__(self, max_messages: int = 10_000) -> None:
        self._seen: BoundedMap[tuple[str, str], bool] = BoundedMap(max_messages)

    def first_time(self, channel: str, ts: str) -> bool:
        return self._seen.put_if_absent((channel, ts), True)
