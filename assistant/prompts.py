"""Prompt files: Markdown with YAML front matter (name, version, variables), rendered with $var.

Rendering refuses a missing or an unexpected variable, so a prompt and its caller cannot drift
apart silently. `Prompt.label` (name@version) is logged with every answer and evaluation row.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.errors import CityQAError, ErrorCode

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    variables: tuple[str, ...]
    template: str

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"

    def render(self, **values: str) -> str:
        given, declared = set(values), set(self.variables)
        if given != declared:
            missing, extra = sorted(declared - given), sorted(given - declared)
            raise CityQAError(
                ErrorCode.INVALID_CONFIG,
                f"prompt {self.label}: missing variables {missing}, unexpected {extra}",
            )
        try:
            return string.Template(self.template).substitute(values)
        except (KeyError, ValueError) as error:
            raise CityQAError(ErrorCode.INVALID_CONFIG, f"prompt {self.label}: {error}") from error


def parse_prompt(text: str, origin: str) -> Prompt:
    if not text.startswith("---"):
        raise CityQAError(ErrorCode.INVALID_CONFIG, f"prompt {origin}: missing front matter")
    _, front, body = text.split("---", 2)
    meta = yaml.safe_load(front) or {}
    try:
        prompt = Prompt(
            name=str(meta["name"]),
            version=str(meta["version"]),
            variables=tuple(meta.get("variables") or ()),
            template=body.lstrip("\n"),
        )
    except KeyError as error:
        raise CityQAError(ErrorCode.INVALID_CONFIG, f"prompt {origin}: front matter lacks {error}") from error
    used = {
        match.group("named") or match.group("braced")
        for match in string.Template.pattern.finditer(prompt.template)
        if match.group("named") or match.group("braced")
    }
    if used != set(prompt.variables):
        raise CityQAError(
            ErrorCode.INVALID_CONFIG,
            f"prompt {origin}: template uses {sorted(used)} "
            f"but front matter declares {sorted(prompt.variables)}",
        )
    return prompt


def load_prompt(name: str, directory: Path = PROMPTS_DIR) -> Prompt:
    path = directory / f"{name}.md"
    if not path.exists():
        raise CityQAError(ErrorCode.INVALID_CONFIG, f"no prompt named {name} in {directory}")
    return parse_prompt(path.read_text(encoding="utf-8"), path.name)
