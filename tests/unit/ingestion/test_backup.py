"""`cityqa backup`: a consistent copy of a home in use, itself a complete home."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import CityQAError
from assistant.factory import build_assistant, open_stores
from assistant.fakes import FakeHashingEmbedder
from assistant.feedback import FeedbackRating, FeedbackRequest
from assistant.models import User
from assistant.store_layout import StoreLayout
from ingestion.backup import back_up
from ingestion.generations import ingest_generation
from ingestion.loaders import SourceDefaults

QUESTION = "How many days does the agency have to decide on a public data request?"


def settings_for(home: Path) -> Settings:
    return Settings(_env_file=None, home=home)  # type: ignore[call-arg]


def test_a_backup_answers_like_the_home_and_keeps_its_conversations(corpus_dir: Path, tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "home")
    ingest_generation(
        settings,
        lambda ingestor: ingestor.ingest(
            [corpus_dir / "documents", corpus_dir / "catalogs"], SourceDefaults()
        ),
        embedder=FakeHashingEmbedder(),
    )
    embedder = FakeHashingEmbedder()
    assistant = build_assistant(settings, open_stores(settings), embedder=embedder)
    user = User(key_id="key_alice")
    answer = assistant.answer(QUESTION, user)  # the servers keep these open while the backup runs
    assistant.record_feedback(user, FeedbackRequest(answer_id=answer.answer_id, rating=FeedbackRating.UP))
    with settings.audit_log_path.open("ab") as audit:
        audit.write(b'{"kind": "answer", "half a line')  # a line being written at that moment

    report = back_up(settings, tmp_path / "backup")

    assert report.generation == "1" and report.chunks > 0
    assert {"state.sqlite3", "feedback.sqlite3", "audit.jsonl"} <= set(report.files)
    restored = settings_for(tmp_path / "backup")
    assert StoreLayout(restored.home).current_name() == "1"
    again = build_assistant(restored, open_stores(restored), embedder=embedder)
    repeated = again.answer(QUESTION, user)
    assert repeated.answer == answer.answer and repeated.citations == answer.citations
    _, history = again.conversations.history(answer.conversation_id, user.key_id)
    assert [turn.question for turn in history] == [QUESTION]
    assert again.audit_log.answer_owner(answer.answer_id) == "key_alice"
    assert (tmp_path / "backup" / "audit.jsonl").read_bytes().endswith(b"\n")
    assert (tmp_path / "backup" / "state.sqlite3").stat().st_mode & 0o077 == 0


def test_a_backup_never_writes_into_a_folder_in_use(tmp_path: Path) -> None:
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "something").write_text("x", encoding="utf-8")
    with pytest.raises(CityQAError, match="not empty"):
        back_up(settings_for(tmp_path / "home"), tmp_path / "backup")
