"""Bilingual glossary expansion: the bridge between Korean sources and English questions.

The default embedding model (all-MiniLM-L6-v2) only understands English, and BM25 only matches the
same words. Appending the other language's words for every glossary concept found in a text (at
index time) and in a question (at query time) lets both indexes meet across languages.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from assistant.errors import CityQAError, ErrorCode
from assistant.tokens import search_tokens


@dataclass(frozen=True)
class _Form:
    text: str
    tokens: frozenset[str]


class Glossary:
    """Concepts, each a list of equivalent Korean and English forms."""

    def __init__(self, concepts: list[list[str]]) -> None:
        self.concepts = concepts
        self._forms: list[list[_Form]] = [
            [_Form(form, frozenset(search_tokens(form))) for form in concept] for concept in concepts
        ]

    @classmethod
    def load(cls, extra_file: Path | None = None) -> Glossary:
        """The built-in Busan glossary, plus an optional city-specific file (same YAML shape)."""
        text = resources.files("assistant.resources").joinpath("busan_glossary.yaml").read_text("utf-8")
        concepts = _read_terms(text, "busan_glossary.yaml")
        if extra_file is not None:
            concepts += _read_terms(extra_file.read_text("utf-8"), str(extra_file))
        return cls(concepts)

    def matching_concepts(self, tokens: set[str]) -> list[int]:
        """Indexes of concepts with at least one form whose tokens all occur in `tokens`."""
        matches = []
        for index, forms in enumerate(self._forms):
            if any(form.tokens and form.tokens <= tokens for form in forms):
                matches.append(index)
        return matches

    def expansion(self, text: str) -> list[str]:
        """Forms of the concepts found in `text` that the text does not already contain."""
        tokens = set(search_tokens(text))
        lowered = text.lower()
        added: list[str] = []
        for index in self.matching_concepts(tokens):
            for form in self.concepts[index]:
                if form.lower() not in lowered and form not in added:
                    added.append(form)
        return added

    def expand(self, text: str) -> str:
        """The text followed by its expansion (unchanged when nothing matches)."""
        extra = self.expansion(text)
        return f"{text}\n{' '.join(extra)}" if extra else text

    def synonym_groups(self, tokens: list[str]) -> list[set[str]]:
        """For relevance checks: each token with the tokens of every form of its concepts."""
        groups = []
        for token in tokens:
            group = {token}
            for index in self.matching_concepts({token}):
                for form in self._forms[index]:
                    group |= form.tokens
            groups.append(group)
        return groups


def _read_terms(text: str, name: str) -> list[list[str]]:
    try:
        raw = yaml.safe_load(text) or {}
        terms = raw["terms"]
        if not all(isinstance(term, list) and all(isinstance(form, str) for form in term) for term in terms):
            raise ValueError("every entry of 'terms' must be a list of strings")
        return [list(term) for term in terms]
    except (yaml.YAMLError, KeyError, TypeError, ValueError) as error:
        raise CityQAError(ErrorCode.INVALID_CONFIG, f"invalid glossary {name}: {error}") from error
