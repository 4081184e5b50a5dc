"""The README's configuration table must match Settings, field by field."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.config import Settings

README = Path(__file__).resolve().parents[2] / "README.md"
_ROW = re.compile(r"^\| `CITYQA_([A-Z_]+)` \| `([^`]*)` \| (.+) \|$")


def _documented() -> dict[str, tuple[str, str]]:
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match:
            rows[match.group(1).lower()] = (match.group(2), match.group(3))
    return rows


def test_every_setting_is_documented_with_its_default_and_description() -> None:
    documented = _documented()
    assert set(documented) == set(Settings.model_fields)
    for name, field in Settings.model_fields.items():
        default, description = documented[name]
        assert default == ("" if field.default is None else str(field.default)), name
        assert description == field.description, name


def test_readme_shows_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make demo" in text and "make test" in text
