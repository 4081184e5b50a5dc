"""File names that are not valid UTF-8 (bytes the OS hands over as surrogate escapes): the file gets a
deterministic, store-safe source id with the odd bytes percent-escaped, a readable title, and
re-ingesting it is idempotent. Non-ASCII UTF-8 names (Korean) keep their ids and survive --prune."""

from __future__ import annotations

import os
from pathlib import Path

from assistant.models import User
from ingestion.file_names import readable_name, safe_name
from ingestion.loaders import SourceDefaults

LATIN1_NAME = os.fsdecode(b"caf\xe9 notes.md")  # "café" written by a Latin-1 system
CP949_NAME = os.fsdecode("해운대 안내.md".encode("cp949"))  # a Korean name from a cp949 zip


def test_names_with_undecodable_bytes_are_escaped_for_ids_and_readable_for_people() -> None:
    assert safe_name(LATIN1_NAME) == "caf%E9 notes.md"
    assert safe_name(CP949_NAME) == "%C7%D8%BF%EE%B4%EB %BE%C8%B3%BB.md"
    assert safe_name("해운대 안내.md") == "해운대 안내.md", "valid names keep their ids"
    assert readable_name(LATIN1_NAME) == "caf\\xe9 notes.md"
    assert readable_name(CP949_NAME) == "해운대 안내.md"
    assert readable_name("plain.md") == "plain.md"
    for name in (LATIN1_NAME, CP949_NAME):
        safe_name(name).encode("utf-8")
        readable_name(name).encode("utf-8")


def test_a_file_with_a_non_utf8_name_is_indexed_under_a_safe_id(make_stack, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    latin1 = folder / LATIN1_NAME
    latin1.write_text("# Notes\n\nThe café opens at nine for the pelican keeper.\n", "utf-8")
    korean = folder / CP949_NAME
    korean.write_text("해운대 해수욕장 안내 문서입니다. Lifeguards watch the flamingos.\n", "utf-8")
    stack = make_stack()

    report = stack.ingestor.ingest([folder], SourceDefaults())

    assert report.failed == [], report.failed
    assert sorted(path for path, _ in report.indexed) == sorted([str(latin1), str(korean)])
    latin1_id = "doc:caf%E9 notes.md"
    korean_id = "doc:%C7%D8%BF%EE%B4%EB %BE%C8%B3%BB.md"
    assert {latin1_id, korean_id} <= stack.sources.all_source_ids()
    source = stack.sources.get_for_user(korean_id, User())
    assert source is not None and source.title == "해운대 안내"
    assert stack.vector_store.chunks_of_source(latin1_id)
    hits = stack.keyword_index.search(["pelican"], 3, User())
    assert [chunk.source_id for chunk, _ in hits] == [latin1_id]

    again = stack.ingestor.ingest([folder], SourceDefaults(), prune=True)

    assert again.indexed == [] and again.failed == [] and again.removed == []
    assert sorted(again.unchanged) == sorted([str(latin1), str(korean)])


def test_a_failure_reason_for_an_odd_name_is_printable(make_stack, tmp_path: Path) -> None:
    empty = tmp_path / LATIN1_NAME
    empty.write_bytes(b"")
    stack = make_stack()

    [(path, reason)] = stack.ingestor.ingest([empty], SourceDefaults()).failed

    assert path == str(empty)
    assert "caf\\xe9 notes.md" in reason
    reason.encode("utf-8")


def test_prune_keeps_files_with_korean_names(make_stack, tmp_path: Path) -> None:
    folder = tmp_path / "문서"
    folder.mkdir()
    (folder / "공공데이터 안내.md").write_text("# 안내\n\n제공 신청은 10일 이내에 처리합니다.\n", "utf-8")
    stack = make_stack()
    stack.ingestor.ingest([folder], SourceDefaults())

    pruned = stack.ingestor.ingest([folder], SourceDefaults(), prune=True)

    assert pruned.removed == []
    assert "doc:공공데이터 안내.md" in stack.sources.all_source_ids()
