"""Which files the admin API may ingest: those inside the configured ingest roots (CITYQA_INGEST_ROOTS).

A requested path is relative to a root (tried root by root, in order) or absolute. It is resolved
(`..` and every symlink followed) and must then lie inside a root, itself resolved: `../etc`, an
absolute path elsewhere, and a symlink inside a root that points out of it are all refused
(BAD_REQUEST), and so is a path that does not exist. What is ingested is the resolved path.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assistant.errors import CityQAError, ErrorCode


def resolve_in_roots(requested: str, roots: Sequence[Path]) -> Path:
    """The existing file or folder `requested` names inside one of `roots`, resolved."""
    if not roots:
        raise CityQAError(ErrorCode.CONFLICT, "no ingest roots configured (CITYQA_INGEST_ROOTS)")
    shown = requested.encode("utf-8", "backslashreplace").decode("utf-8")
    if "\x00" in requested or shown != requested:
        raise CityQAError(ErrorCode.BAD_REQUEST, f"not a usable path: {shown!r}")
    resolved_roots = [root.resolve() for root in roots]
    given = Path(requested)
    candidates = [given] if given.is_absolute() else [root / given for root in roots]
    escapes = False
    for candidate in candidates:
        try:
            resolved = candidate.resolve()
        except (OSError, RuntimeError):  # a symlink loop
            continue
        if not any(resolved.is_relative_to(root) for root in resolved_roots):
            escapes = True
        elif resolved.exists():
            return resolved
    if escapes:
        raise CityQAError(ErrorCode.BAD_REQUEST, f"{requested} is outside the ingest roots")
    raise CityQAError(ErrorCode.BAD_REQUEST, f"no such file or folder in the ingest roots: {requested}")


def resolve_all_in_roots(requested: Sequence[str], roots: Sequence[Path]) -> list[Path]:
    """Every requested path resolved (the first refused one is the error), each once, in order."""
    resolved: list[Path] = []
    for path in requested:
        found = resolve_in_roots(path, roots)
        if found not in resolved:
            resolved.append(found)
    return resolved
