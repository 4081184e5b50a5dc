"""Prompt files: front matter must match the template; rendering refuses missing or extra variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import CityQAError, ErrorCode
from assistant.prompts import PROMPTS_DIR, load_prompt, parse_prompt

GOOD = """---
name: greet
version: 3
variables: [question, passages]
---
Question: $question
Passages:
${passages}
Costs $$5.
"""


def test_prompt_renders_with_exactly_its_variables() -> None:
    prompt = parse_prompt(GOOD, "greet.md")
    assert prompt.label == "greet@3"
    assert prompt.variables == ("question", "passages")
    rendered = prompt.render(question="Why?", passages="[1] text")
    assert rendered == "Question: Why?\nPassages:\n[1] text\nCosts $5.\n"


def test_render_refuses_a_missing_variable() -> None:
    prompt = parse_prompt(GOOD, "greet.md")
    with pytest.raises(CityQAError) as raised:
        prompt.render(question="Why?")
    assert raised.value.code == ErrorCode.INVALID_CONFIG
    assert "passages" in raised.value.detail


def test_render_refuses_an_extra_variable() -> None:
    prompt = parse_prompt(GOOD, "greet.md")
    with pytest.raises(CityQAError) as raised:
        prompt.render(question="Why?", passages="p", answer="surprise")
    assert raised.value.code == ErrorCode.INVALID_CONFIG
    assert "answer" in raised.value.detail


@pytest.mark.parametrize(
    ("text", "mentioned"),
    [
        ("---\nname: x\nversion: 1\nvariables: [question]\n---\nAsk $question and $answer\n", "answer"),
        ("---\nname: x\nversion: 1\nvariables: [question, answer]\n---\nAsk $question\n", "answer"),
        ("---\nname: x\nversion: 1\n---\nAsk ${question}\n", "question"),
    ],
    ids=["undeclared-variable", "unused-declaration", "no-variables-declared"],
)
def test_front_matter_mismatch_raises(text: str, mentioned: str) -> None:
    with pytest.raises(CityQAError) as raised:
        parse_prompt(text, "x.md")
    assert raised.value.code == ErrorCode.INVALID_CONFIG
    assert mentioned in raised.value.detail


@pytest.mark.parametrize(
    "text",
    ["Ask $question\n", "---\nversion: 1\nvariables: []\n---\nHello\n", "---\nname: x\n---\nHello\n"],
    ids=["no-front-matter", "no-name", "no-version"],
)
def test_incomplete_front_matter_raises(text: str) -> None:
    with pytest.raises(CityQAError) as raised:
        parse_prompt(text, "x.md")
    assert raised.value.code == ErrorCode.INVALID_CONFIG


def test_load_prompt_reads_a_file_and_refuses_an_unknown_name(tmp_path: Path) -> None:
    (tmp_path / "greet.md").write_text(GOOD, encoding="utf-8")
    assert load_prompt("greet", tmp_path).label == "greet@3"
    with pytest.raises(CityQAError) as raised:
        load_prompt("absent", tmp_path)
    assert raised.value.code == ErrorCode.INVALID_CONFIG


@pytest.mark.parametrize("path", sorted(PROMPTS_DIR.glob("*.md")), ids=lambda path: path.name)
def test_every_shipped_prompt_parses_and_renders(path: Path) -> None:
    prompt = load_prompt(path.stem)
    assert prompt.name == path.stem
    rendered = prompt.render(**{name: f"<{name}>" for name in prompt.variables})
    for name in prompt.variables:
        assert f"<{name}>" in rendered
    assert "$" not in rendered.replace("$$", "")
