"""What the bot remembers: bounded, per thread and asker, and each message once."""

from __future__ import annotations

from assistant.bot.threads import BoundedMap, SeenMessages, ThreadConversations


def test_the_oldest_entry_goes_first() -> None:
    remembered: BoundedMap[str, int] = BoundedMap(max_items=2)
    remembered.put("a", 1)
    remembered.put("b", 2)
    assert remembered.get("a") == 1  # now the newest
    remembered.put("c", 3)
    assert (remembered.get("a"), remembered.get("b"), remembered.get("c"), len(remembered)) == (1, None, 3, 2)


def test_a_thread_continues_each_askers_own_conversation() -> None:
    threads = ThreadConversations(max_threads=10)
    threads.remember("C1", "111.1", "slack:U1", "c_one")
    assert threads.conversation_for("C1", "111.1", "slack:U1") == "c_one"
    assert threads.conversation_for("C1", "111.1", "slack:U2") is None
    assert threads.conversation_for("C2", "111.1", "slack:U1") is None


def test_a_message_is_taken_up_once() -> None:
    seen = SeenMessages(max_messages=10)
    assert seen.first_time("D1", "1.1") and not seen.first_time("D1", "1.1") and seen.first_time("D2", "1.1")
