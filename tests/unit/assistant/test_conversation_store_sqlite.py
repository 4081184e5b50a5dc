"""The SQLite conversation store: kept across a restart, shared by several store objects and
processes on one file, owners apart, bounded, idle conversations forgotten, ids issued by the server."""

from __future__ import annotations

import multiprocessing
import re
import sqlite3
import threading
from pathlib import Path

import pytest

from assistant.conversations import (
    CONVERSATION_ID_MAX_CHARS,
    MAX_TURNS,
    SQLiteConversationStore,
    new_conversation_id,
)
from assistant.models import Turn

SLOTS = {
    "table": "population_by_district_2025",
    "measure": "total_population",
    "filters": {"district": ["해운대구"]},
}
ISSUED_ID = re.compile(r"^c_[A-Za-z0-9_-]{32}$")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def stored_ids(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {row[0] for row in connection.execute("SELECT conversation_id FROM conversations")}


def start(store: SQLiteConversationStore, owner: str, question: str = "q1") -> str:
    conversation_id, turns = store.history(None, owner)
    assert turns == []
    store.append(conversation_id, owner, Turn(question=question, answer="a", slots=SLOTS))
    return conversation_id


# --- durable and shared ------------------------------------------------------------------------


def test_a_conversation_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    before = SQLiteConversationStore(path)
    conversation_id = start(before, "key_alice", "해운대구 인구는?")
    before.close()

    after = SQLiteConversationStore(path)  # a new process would open the file just like this

    assert after.history(conversation_id, "key_alice") == (
        conversation_id,
        [Turn(question="해운대구 인구는?", answer="a", slots=SLOTS)],
    )


def test_two_stores_on_one_file_share_conversations(tmp_path: Path) -> None:
    """Two server workers: a follow-up may reach either one."""
    first_worker = SQLiteConversationStore(tmp_path / "state.sqlite3")
    second_worker = SQLiteConversationStore(tmp_path / "state.sqlite3")
    conversation_id = start(first_worker, "key_alice", "q1")

    same_id, turns = second_worker.history(conversation_id, "key_alice")
    second_worker.append(same_id, "key_alice", Turn(question="q2"))

    assert same_id == conversation_id and [turn.question for turn in turns] == ["q1"]
    assert [turn.question for turn in first_worker.history(conversation_id, "key_alice")[1]] == ["q1", "q2"]


def test_the_file_uses_wal_and_is_private_to_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "home" / "state.sqlite3"
    SQLiteConversationStore(path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert path.stat().st_mode & 0o077 == 0


# --- ids and owners ----------------------------------------------------------------------------


def test_issued_ids_are_unguessable_and_fit_the_api() -> None:
    ids = {new_conversation_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(ISSUED_ID.match(conversation_id) for conversation_id in ids), sorted(ids)[:3]
    assert all(len(conversation_id) <= CONVERSATION_ID_MAX_CHARS for conversation_id in ids)


@pytest.mark.parametrize("client_id", ["c_mine", "c_" + "A" * 32, "anything at all", ""])
def test_a_client_chosen_id_is_never_adopted(client_id: str) -> None:
    store = SQLiteConversationStore.in_memory()

    conversation_id, turns = store.history(client_id, "anonymous")
    store.append(conversation_id, "anonymous", Turn(question="q1"))

    assert conversation_id != client_id and ISSUED_ID.match(conversation_id) and turns == []
    again, turns = store.history(client_id, "anonymous")
    assert again not in (client_id, conversation_id) and turns == []


def test_another_owner_gets_a_new_conversation_and_cannot_write_into_it() -> None:
    store = SQLiteConversationStore.in_memory()
    alices = start(store, "key_alice", "alice's question")

    bobs, bobs_turns = store.history(alices, "key_bob")
    store.append(alices, "key_bob", Turn(question="bob writing into alice's conversation"))

    assert bobs != alices and bobs_turns == []
    assert [turn.question for turn in store.history(alices, "key_alice")[1]] == ["alice's question"]
    assert store.history(alices, "anonymous")[0] != alices


# --- bounds and expiry -------------------------------------------------------------------------


def test_a_conversation_keeps_its_latest_turns() -> None:
    store = SQLiteConversationStore.in_memory()
    conversation_id = start(store, "key_alice", "q0")
    for number in range(1, MAX_TURNS + 5):
        store.append(conversation_id, "key_alice", Turn(question=f"q{number}"))

    _, turns = store.history(conversation_id, "key_alice")

    assert [turn.question for turn in turns] == [f"q{number}" for number in range(5, MAX_TURNS + 5)]


def test_an_idle_conversation_expires_and_is_deleted(tmp_path: Path) -> None:
    clock = Clock()
    store = SQLiteConversationStore(tmp_path / "state.sqlite3", max_idle_seconds=3600, clock=clock)
    idle = start(store, "key_alice")
    clock.now += 1800
    used = start(store, "key_bob")
    clock.now += 1800  # `idle` is now an hour old, `used` half an hour

    assert store.history(idle, "key_alice")[0] != idle
    assert store.history(used, "key_bob")[0] == used
    assert stored_ids(tmp_path / "state.sqlite3") == {idle, used}  # hidden at once, deleted later:
    newer = start(store, "key_carol")
    assert stored_ids(tmp_path / "state.sqlite3") == {used, newer}


def test_using_a_conversation_keeps_it_alive() -> None:
    clock = Clock()
    store = SQLiteConversationStore.in_memory(max_idle_seconds=3600, clock=clock)
    conversation_id = start(store, "key_alice")
    for _ in range(5):
        clock.now += 3000
        store.append(conversation_id, "key_alice", Turn(question="more"))
    assert store.history(conversation_id, "key_alice")[0] == conversation_id


def test_past_the_count_the_least_recently_used_are_forgotten(tmp_path: Path) -> None:
    clock = Clock()
    store = SQLiteConversationStore(tmp_path / "state.sqlite3", max_conversations=3, clock=clock)
    ids = []
    for owner in ("a", "b", "c"):
        clock.now += 1
        ids.append(start(store, owner))
    clock.now += 1
    store.append(ids[0], "a", Turn(question="a again"))  # `a` is now the most recently used

    clock.now += 1
    ids.append(start(store, "d"))

    assert stored_ids(tmp_path / "state.sqlite3") == {ids[0], ids[2], ids[3]}
    assert store.history(ids[1], "b")[0] != ids[1]
    assert len(store.history(ids[0], "a")[1]) == 2


# --- concurrency -------------------------------------------------------------------------------


def test_threads_on_two_store_objects_lose_no_turn(tmp_path: Path) -> None:
    stores = [SQLiteConversationStore(tmp_path / "state.sqlite3", max_turns=1000) for _ in range(2)]
    shared = start(stores[0], "key_alice", "opening")
    own: dict[int, str] = {}
    failures: list[BaseException] = []

    def work(number: int) -> None:
        try:
            store = stores[number % 2]
            own[number] = start(store, f"key_{number}", "own 0")
            for turn in range(1, 20):
                store.append(own[number], f"key_{number}", Turn(question=f"own {turn}"))
                store.append(shared, "key_alice", Turn(question=f"{number}:{turn}"))
                assert store.history(shared, "key_alice")[0] == shared
        except BaseException as error:  # reported below, with the thread's failure
            failures.append(error)

    threads = [threading.Thread(target=work, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert len(stores[1].history(shared, "key_alice")[1]) == 1 + 8 * 19
    for number, conversation_id in own.items():
        _, turns = stores[number % 2].history(conversation_id, f"key_{number}")
        questions = [turn.question for turn in turns]
        assert questions == [f"own {turn}" for turn in range(20)]


def append_from_another_process(path: str, conversation_id: str, worker: int, count: int) -> None:
    store = SQLiteConversationStore(path, max_turns=1000)
    for number in range(count):
        store.append(conversation_id, "key_alice", Turn(question=f"{worker}:{number}"))
    store.close()


def test_processes_appending_to_one_conversation_lose_no_turn(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    store = SQLiteConversationStore(path, max_turns=1000)
    conversation_id = start(store, "key_alice", "opening")
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=append_from_another_process, args=(str(path), conversation_id, worker, 40))
        for worker in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0

    questions = [turn.question for turn in store.history(conversation_id, "key_alice")[1]]

    assert len(questions) == 1 + 4 * 40
    for worker_number in range(4):  # each process's turns all there, in its order
        assert [q for q in questions if q.startswith(f"{worker_number}:")] == [
            f"{worker_number}:{number}" for number in range(40)
        ]
