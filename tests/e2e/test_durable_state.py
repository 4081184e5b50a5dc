"""Durable state shared by several server processes and kept across a restart: conversations
(SQLite), feedback (SQLite) and the audit log (JSON lines, O_APPEND).

The servers here are real processes on 127.0.0.1 built exactly as `cityqa serve` builds them
(`open_stores`, `build_assistant`, `create_app`, uvicorn with `SERVE_HTTP_PROTOCOL`), with one
difference: the fake hashing embedder is injected, so no model is loaded (a process start takes a
few seconds instead of ~20). The corpus is ingested by the test with the same fake embedder.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.audit import AuditLog
from assistant.config import Settings
from assistant.feedback import FeedbackRating, FeedbackRequest, FeedbackStore
from assistant.models import Answer, User

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_KEYS_FILE = REPO_ROOT / "data" / "demo" / "api_keys.toml"
FIRST = "How many days does the agency have to decide on a public data request?"
FOLLOW_UP = "and afterwards?"  # answerable only in FIRST's conversation
PUBLIC_DOC = "doc:request_procedure.md"
INTERNAL_KEY = "demo-internal-key"


# --- the audit log: several writers, one file --------------------------------------------------


def answer_for(answer_id: str) -> Answer:
    return Answer(answer_id=answer_id, conversation_id="c_1", question="q", answer="a")


def test_two_audit_logs_on_one_file_see_each_others_answers(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    first_worker, second_worker = AuditLog(path), AuditLog(path)
    assert first_worker.answer_owner("a_1") is None  # indexed (nothing yet) before the other writes

    second_worker.record(User(key_id="key_alice"), answer_for("a_1"))
    first_worker.record(User(key_id="key_bob"), answer_for("a_2"))

    assert first_worker.answer_owner("a_1") == "key_alice"
    assert second_worker.answer_owner("a_2") == "key_bob"
    assert second_worker.answer_owner("a_1") == "key_alice"


def test_a_row_still_being_written_is_read_once_whole(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    reader = AuditLog(path)
    row = json.dumps({"kind": "answer", "answer_id": "a_3", "user": "key_carol"}) + "\n"
    with path.open("ab") as log:
        log.write(b"not json at all\n")  # a damaged row is skipped, not fatal
        log.write(row[:20].encode())
        log.flush()
        assert reader.answer_owner("a_3") is None
        log.write(row[20:].encode())
    assert reader.answer_owner("a_3") == "key_carol"


def test_a_rotated_log_is_read_from_its_start(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    reader, writer = AuditLog(path), AuditLog(path)
    writer.record(User(key_id="key_alice"), answer_for("a_old"))
    assert reader.answer_owner("a_old") == "key_alice"
    path.rename(tmp_path / "audit.jsonl.1")  # logrotate's default: move away, start a new file

    writer.record(User(key_id="key_bob"), answer_for("a_new"))

    assert reader.answer_owner("a_new") == "key_bob"
    assert reader.answer_owner("a_old") == "key_alice"


def write_audit_rows(path: str, worker: int, count: int) -> None:
    log = AuditLog(Path(path))
    for number in range(count):
        log.record(User(key_id=f"key_{worker}", name="x" * 2000), answer_for(f"a_{worker}_{number}"))


def test_processes_appending_at_once_never_mix_rows(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    reader = AuditLog(path)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=write_audit_rows, args=(str(path), worker, 150)) for worker in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

    assert len(rows) == 4 * 150
    for worker_number in range(4):
        for number in range(150):
            assert reader.answer_owner(f"a_{worker_number}_{number}") == f"key_{worker_number}"


# --- feedback: one SQLite file, several processes ----------------------------------------------


def rate_from_another_process(path: str, user: str, answer_ids: list[str], rating: str) -> None:
    store = FeedbackStore(Path(path))
    for answer_id in answer_ids:
        store.record(User(key_id=user), FeedbackRequest(answer_id=answer_id, rating=FeedbackRating(rating)))
    store.close()


def test_feedback_from_several_processes_lands_in_one_store(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite3"
    store = FeedbackStore(path)
    answer_ids = [f"a_{number:04x}" for number in range(40)]
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(
            target=rate_from_another_process, args=(str(path), f"key_{worker}", answer_ids, "down")
        )
        for worker in range(4)
    ]
    for worker in workers:
        worker.start()
    store.record(User(key_id="key_here"), FeedbackRequest(answer_id=answer_ids[0], rating=FeedbackRating.UP))
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    # a second rating from another process replaces the first
    rate_in_child = context.Process(
        target=rate_from_another_process, args=(str(path), "key_0", answer_ids[:1], "up")
    )
    rate_in_child.start()
    rate_in_child.join(timeout=60)

    assert len(store.all()) == 4 * 40 + 1
    first = {record.user: record.rating for record in store.for_answer(answer_ids[0])}
    assert first == {"key_here": "up", "key_0": "up", "key_1": "down", "key_2": "down", "key_3": "down"}


# --- real server processes on one CITYQA_HOME --------------------------------------------------


def serve_in_this_process(home: str, descriptor: int) -> None:
    """`cityqa serve` (assistant/cli.py) with the fake embedder injected, on an inherited socket."""
    import uvicorn

    from assistant.api.app import create_app
    from assistant.api.server import SERVE_HTTP_PROTOCOL
    from assistant.factory import build_assistant, build_user_directory, open_stores
    from assistant.fakes import FakeHashingEmbedder
    from assistant.sources import SourceCatalog

    settings = Settings(_env_file=None, home=Path(home), api_keys_file=DEMO_KEYS_FILE)  # type: ignore[call-arg]
    stores = open_stores(settings)
    assistant = build_assistant(settings, stores, embedder=FakeHashingEmbedder())
    application = create_app(
        assistant,
        build_user_directory(settings),
        SourceCatalog(stores.keyword_index),
        max_body_bytes=settings.max_request_bytes,
    )
    config = uvicorn.Config(application, http=SERVE_HTTP_PROTOCOL, log_level="warning", lifespan="off")
    uvicorn.Server(config).run(sockets=[socket.socket(fileno=descriptor)])


@dataclass
class ServerProcess:
    """A server process on a listening socket this test holds, so a restart keeps the port."""

    home: Path
    listening: socket.socket
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listening.getsockname()[1]}"

    def start(self) -> None:
        self.launch()
        self.wait_until_ready()

    def launch(self) -> None:
        code = (
            "import sys; sys.path[:0] = [sys.argv[1]]; "
            "from test_durable_state import serve_in_this_process; "
            "serve_in_this_process(sys.argv[2], int(sys.argv[3]))"
        )
        environment = {name: value for name, value in os.environ.items() if not name.startswith("CITYQA_")}
        descriptor = self.listening.fileno()
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, str(Path(__file__).parent), str(self.home), str(descriptor)],
            pass_fds=(descriptor,),
            env=environment,
            cwd=self.home.parent,
        )

    def wait_until_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, "the server process ended"
            assert time.monotonic() < deadline, "the server did not answer /healthz"
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)

    def kill(self) -> None:
        """kill -9: no shutdown, no flush, no closing of files."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def chat(
        self, question: str, conversation_id: str | None = None, key: str | None = None
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {key}"} if key else {}
        response = httpx.post(
            f"{self.url}/api/chat",
            json={"question": question, "conversation_id": conversation_id},
            headers=headers,
            timeout=60,
        )
        assert response.status_code == 200, response.text
        return dict(response.json())


@pytest.fixture(scope="module")
def home(tmp_path_factory, stack_builder, corpus_writer, corpus_ingester) -> Path:
    folder = tmp_path_factory.mktemp("durable")
    stack = stack_builder(folder / "home")
    corpus_ingester(stack, corpus_writer(folder / "corpus"))
    stack.warehouse.close()
    return stack.home


@pytest.fixture
def servers(home: Path) -> Iterator[list[ServerProcess]]:
    """Two server processes ("workers") on one CITYQA_HOME."""
    started: list[ServerProcess] = []
    try:
        for _ in range(2):
            listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listening.bind(("127.0.0.1", 0))
            listening.listen(64)
            started.append(ServerProcess(home, listening))
            started[-1].launch()  # both start at once: a start takes seconds (imports, stores)
        for server in started:
            server.wait_until_ready()
        yield started
    finally:
        for server in started:
            if server.process is not None and server.process.poll() is None:
                server.kill()
            server.listening.close()


def cited(answer: dict[str, Any]) -> set[str]:
    return {citation["source_id"] for citation in answer["citations"]}


def test_two_server_processes_share_conversations_and_feedback_and_survive_kill_9(
    servers: list[ServerProcess],
) -> None:
    first_worker, second_worker = servers
    assert second_worker.chat(FOLLOW_UP)["confidence"] == "none", "the follow-up alone must not be answerable"

    first = first_worker.chat(FIRST)
    on_the_other_worker = second_worker.chat(FOLLOW_UP, first["conversation_id"])

    assert on_the_other_worker["conversation_id"] == first["conversation_id"]
    assert PUBLIC_DOC in cited(on_the_other_worker)

    # feedback on one worker for an answer the other gave (the audit log names its owner)
    internal = first_worker.chat(FIRST, key=INTERNAL_KEY)
    rated = httpx.post(
        f"{second_worker.url}/api/feedback",
        json={"answer_id": internal["answer_id"], "rating": "up"},
        headers={"authorization": f"Bearer {INTERNAL_KEY}"},
        timeout=30,
    )
    assert rated.status_code == 201, rated.text
    stranger = httpx.post(
        f"{second_worker.url}/api/feedback", json={"answer_id": internal["answer_id"], "rating": "down"}
    )
    assert stranger.status_code == 404, "an answer given to someone else is not found for an anonymous caller"

    # kill -9 and restart: conversations and the rating are still there
    kept = first_worker.chat(FIRST)
    first_worker.kill()
    first_worker.start()
    after_restart = first_worker.chat(FOLLOW_UP, kept["conversation_id"])
    assert after_restart["conversation_id"] == kept["conversation_id"]
    assert PUBLIC_DOC in cited(after_restart)
    made_up = first_worker.chat(FOLLOW_UP, "c_" + "x" * 32)
    assert made_up["conversation_id"] != "c_" + "x" * 32 and made_up["confidence"] == "none"

    feedback = FeedbackStore(Settings(_env_file=None, home=first_worker.home).feedback_path)  # type: ignore[call-arg]
    assert [record.rating for record in feedback.for_answer(internal["answer_id"])] == ["up"]
    feedback.close()
    audit = Settings(_env_file=None, home=first_worker.home).audit_log_path  # type: ignore[call-arg]
    rows = [json.loads(line) for line in audit.read_text(encoding="utf-8").splitlines()]
    for conversation in (first, kept):
        questions = [
            row["question"] for row in rows if row.get("conversation_id") == conversation["conversation_id"]
        ]
        assert questions == [FIRST, FOLLOW_UP]
