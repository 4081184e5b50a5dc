"""Which files an ingest run hands to the loaders, and the reason for every file it does not.

The walk never follows a folder symlink: one pointing at an ancestor would make it endless, and
files reached through a link would get ids from outside the ingested root. A folder given by path is
walked even when it is itself a symlink (the user asked for it).

Listed as skipped, each with a reason: symlink loops, broken symlinks, folder symlinks, hidden files
and folders (one line per hidden folder, not one per file in it), project files, metadata sidecars
without their file, and folders with nothing to ingest. Not listed, because they are ingested through
another file: sidecars with their file, and the data file of a table card found in the same walk.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import CityQAError
from ingestion.file_names import readable_name
from ingestion.loaders.metadata import SIDECAR_SUFFIXES
from ingestion.tables import data_file_of, is_table_card, load_card

# Project files that live beside data but are not data (SQL examples are read by the semantic layer).
_PROJECT_FILES = {
    "readme.md": "a README, not data",
    "api_keys.toml": "API keys, not data",
    "slack_users.toml": "the Slack bot's user mapping, not data",
    "examples.yaml": "verified SQL examples: kept for the language model's SQL prompt, not indexed",
}

NOTHING_TO_INGEST = "no ingestible files in this folder"


@dataclass
class Discovered:
    # (file, root it was found under), in a stable order
    files: list[tuple[Path, Path]] = field(default_factory=list)
    # (path, reason)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)


def discover_files(paths: list[Path]) -> Discovered:
    discovered = Discovered()
    for given in paths:
        if not given.exists():
            reason = _unreachable_reason(given)
            if reason is None:
                discovered.missing.append(given)
            else:
                discovered.skipped.append((str(given), reason))
        elif given.is_dir():
            _discover_folder(given, discovered)
        elif (reason := _not_data_reason(given) or _given_sidecar_reason(given)) is not None:
            discovered.skipped.append((str(given), reason))
        else:
            discovered.files.append((given, given.parent))
    return discovered


def _discover_folder(root: Path, discovered: Discovered) -> None:
    candidates: list[Path] = []
    _walk(root, candidates, discovered.skipped)
    candidates.sort()
    card_data = {data_file_of(load_card(path), path) for path in candidates if _is_valid_card(path)}
    found = 0
    for path in candidates:
        reason = _not_data_reason(path)
        if reason is not None:
            discovered.skipped.append((str(path), reason))
        elif not _is_sidecar(path) and path.resolve() not in card_data:
            discovered.files.append((path, root))
            found += 1
    if not found:
        discovered.skipped.append((str(root), NOTHING_TO_INGEST))


def _walk(folder: Path, candidates: list[Path], skipped: list[tuple[str, str]]) -> None:
    try:
        entries = sorted(folder.iterdir())
    except OSError as error:
        skipped.append((str(folder), f"cannot read the folder ({error.strerror})"))
        return
    for entry in entries:
        if entry.name.startswith("."):
            kind = "folder" if entry.is_dir() and not entry.is_symlink() else "file"
            skipped.append((str(entry), f"hidden {kind}"))
        elif entry.is_symlink() and (reason := _link_reason(entry)) is not None:
            skipped.append((str(entry), reason))
        elif entry.is_dir():
            _walk(entry, candidates, skipped)
        elif entry.is_file():
            candidates.append(entry)
        else:
            skipped.append((str(entry), "not a regular file (a socket, pipe or device)"))


def _link_reason(link: Path) -> str | None:
    """Why a symlink met in a walk is not followed; None for a symlink to a file (it is ingested)."""
    if not link.exists():
        return _unreachable_reason(link)
    target = link.resolve()
    if not target.is_dir():
        return None
    shown = readable_name(str(target))
    if link.parent.resolve().is_relative_to(target):
        return f"symlink loop: points to {shown}, a folder that contains it (not followed)"
    return f"folder symlink to {shown}, not followed (ingest that folder directly)"


def _unreachable_reason(path: Path) -> str | None:
    """Why a path that does not resolve cannot be read ("symlink loop", "broken symlink"); None when it
    is simply missing."""
    try:
        path.stat()
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symlink loop"
        if path.is_symlink():
            return f"broken symlink (its target {readable_name(os.readlink(path))} does not exist)"
    return None


def _not_data_reason(path: Path) -> str | None:
    """Why a file that exists is not ingested on its own; None for a candidate."""
    if path.name.startswith("."):
        return "hidden file"
    if path.name.lower() in _PROJECT_FILES:
        return _PROJECT_FILES[path.name.lower()]
    if _is_sidecar(path):
        described = path.with_name(path.name.removesuffix(_sidecar_suffix(path)))
        if not described.exists():
            return f"metadata sidecar without its file {readable_name(described.name)}"
    return None


def _given_sidecar_reason(path: Path) -> str | None:
    """A sidecar given by path: it is read with its file, which was not given."""
    if not _is_sidecar(path):
        return None
    described = path.name.removesuffix(_sidecar_suffix(path))
    return f"metadata sidecar, read when its file {readable_name(described)} is ingested"


def _is_sidecar(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIXES)


def _sidecar_suffix(path: Path) -> str:
    return next(suffix for suffix in SIDECAR_SUFFIXES if path.name.endswith(suffix))


def _is_valid_card(path: Path) -> bool:
    try:
        return is_table_card(path) and bool(load_card(path))
    except CityQAError:
        return False  # reported as a failure when the file itself is ingested
