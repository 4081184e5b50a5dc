"""Files the ingestor does not index are listed in `IngestReport.skipped` with a reason: symlink loops,
broken symlinks, folder symlinks (never walked into), hidden and project files, orphan sidecars, and
folders with nothing to ingest."""

from __future__ import annotations

from pathlib import Path

from ingestion.loaders import SourceDefaults


def _document(folder: Path, name: str = "good.md", word: str = "herons") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"# Good\n\nA note about {word}.\n", "utf-8")
    return path


def test_symlink_loops_and_broken_symlinks_in_a_folder_are_skipped_with_a_reason(
    make_stack, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    good = _document(folder)
    itself = folder / "itself.md"
    itself.symlink_to(itself)
    first, second = folder / "first.md", folder / "second.md"
    first.symlink_to(second)
    second.symlink_to(first)
    broken = folder / "broken.md"
    broken.symlink_to(folder / "no_such_target.md")
    stack = make_stack()

    report = stack.ingestor.ingest([folder], SourceDefaults())

    assert [path for path, _ in report.indexed] == [str(good)]
    assert report.failed == []
    skipped = dict(report.skipped)
    assert set(skipped) == {str(itself), str(first), str(second), str(broken)}
    for loop in (itself, first, second):
        assert "symlink loop" in skipped[str(loop)]
    assert "broken symlink" in skipped[str(broken)]


def test_a_symlink_loop_given_by_path_is_skipped_not_missing(make_stack, tmp_path: Path) -> None:
    loop = tmp_path / "loop.md"
    loop.symlink_to(loop)
    broken = tmp_path / "broken.md"
    broken.symlink_to(tmp_path / "gone.md")
    stack = make_stack()

    report = stack.ingestor.ingest([loop, broken], SourceDefaults())

    assert report.failed == []
    skipped = dict(report.skipped)
    assert "symlink loop" in skipped[str(loop)]
    assert "broken symlink" in skipped[str(broken)]


def test_a_folder_symlink_is_never_walked_into_and_is_reported(make_stack, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    good = _document(folder)
    up = folder / "up"
    up.symlink_to(folder, target_is_directory=True)  # walking it would never end
    elsewhere = _document(tmp_path / "elsewhere", "other.md", "egrets").parent
    shared = folder / "shared"
    shared.symlink_to(elsewhere, target_is_directory=True)
    stack = make_stack()

    report = stack.ingestor.ingest([folder], SourceDefaults())

    assert [path for path, _ in report.indexed] == [str(good)]
    skipped = dict(report.skipped)
    assert "symlink loop" in skipped[str(up)]
    assert "not followed" in skipped[str(shared)] and str(elsewhere) in skipped[str(shared)]


def test_an_empty_folder_says_there_is_nothing_to_ingest(make_stack, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    stack = make_stack()

    report = stack.ingestor.ingest([empty], SourceDefaults())

    assert report.skipped == [(str(empty), "no ingestible files in this folder")]
    assert report.found_nothing


def test_project_hidden_and_orphan_files_are_each_listed(make_stack, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "README.md").write_text("# About this folder\n", "utf-8")
    (folder / ".DS_Store").write_bytes(b"\x00\x01")
    hidden = folder / ".git"
    hidden.mkdir()
    (hidden / "config").write_text("[core]\n", "utf-8")
    (folder / "ghost.md.meta.yaml").write_text("title: Ghost\n", "utf-8")
    stack = make_stack()

    report = stack.ingestor.ingest([folder], SourceDefaults())

    skipped = dict(report.skipped)
    assert "README" in skipped[str(folder / "README.md")]
    assert "hidden file" in skipped[str(folder / ".DS_Store")]
    assert "hidden folder" in skipped[str(hidden)]
    assert str(hidden / "config") not in skipped, "one line for a hidden folder, not one per file"
    assert "ghost.md" in skipped[str(folder / "ghost.md.meta.yaml")]
    assert skipped[str(folder)] == "no ingestible files in this folder"
    assert report.found_nothing


def test_a_folder_with_something_to_ingest_is_not_reported_empty(make_stack, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    _document(folder)
    _document(folder, "good.md.meta.yaml").write_text("title: Good\n", "utf-8")
    stack = make_stack()

    first = stack.ingestor.ingest([folder], SourceDefaults())
    again = stack.ingestor.ingest([folder], SourceDefaults())

    assert first.skipped == [] and not first.found_nothing
    assert again.skipped == [] and not again.found_nothing and again.unchanged == [str(folder / "good.md")]
