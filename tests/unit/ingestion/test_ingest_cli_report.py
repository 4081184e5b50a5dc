"""`cityqa ingest` prints every skipped file with its reason, names odd file names readably, and exits
non-zero when the whole run found nothing to ingest. Only files that need no embedding are used, so
the real embedding model is never loaded."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app


@pytest.fixture
def run_ingest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CITYQA_HOME", str(tmp_path / "home"))

    def run(*arguments: str):
        return CliRunner().invoke(app, ["ingest", *arguments])

    return run


def test_an_empty_folder_is_named_and_the_run_exits_non_zero(run_ingest, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()

    result = run_ingest(str(empty))

    assert result.exit_code == 1, result.output
    assert f"skipped {empty}: no ingestible files in this folder" in result.output
    # the error line may be wrapped to the console width
    assert f"nothing to ingest: no ingestible files in {empty}" in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_skipped_files_are_printed_with_their_reasons(run_ingest, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    loop = folder / "loop.md"
    loop.symlink_to(loop)
    (folder / os.fsdecode(b"caf\xe9.md")).write_bytes(b"")  # fails: empty, with an undecodable name

    result = run_ingest(str(folder))

    assert result.exit_code == 2, result.output
    assert "skipped 1" in result.output and "failed 1" in result.output
    assert f"skipped {loop}: symlink loop" in result.output
    assert f"failed {folder / 'caf'}\\xe9.md: caf\\xe9.md: the file is empty" in result.output
    assert "Traceback" not in result.output and "internal" not in result.output
