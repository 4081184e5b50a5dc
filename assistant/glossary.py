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
from assistant.tokens import search_tokens, search_tokens_many

# The built-in files, and whether each is also written into the index. The city's own words
# (districts, services, and the nouns of the catalog's titles and keywords) are; the vocabulary of
# Korean statutes is generic ("plan", "member", "within") and, written into every Korean chunk,
# shifted rankings for the worse (blind and held-out document sets, 2026-12-03), while on the
# question side alone it carries English questions to Korean articles.
_BUILT_IN = (
    ("busan_glossary.yaml", True),
    ("catalog_glossary.yaml", True),
    ("admin_law_glossary.yaml", False),
    # Korean spellings of foreign places whose policies are compared (위치토 → Wichita): question side.
    ("world_places_glossary.yaml", False),
)


@dataclass(frozen=True)
class _Form:
    text: str
    tokens: frozenset[str]


class Glossary:
    """Concepts, each a list of equivalent Korean and English forms."""

    def __init__(self, concepts: list[list[str]]) -> None:
        self.concepts = concepts
        # All forms in one Kiwi batch (its worker threads): ~4x faster than form by form, same tokens.
        forms = [form for concept in concepts for form in concept]
        form_tokens = iter(search_tokens_many(forms) if forms else [])
        self._forms: list[list[_Form]] = [
            [_Form(form, frozenset(next(form_tokens))) for form in concept] for concept in concepts
        ]
        # Each concept under every token of its forms: a text is checked only against the concepts
        # that share a token with it (the same matches as checking all, ~10x fewer subset tests).
        self._concepts_by_token: dict[str, list[int]] = {}
        for index, concept_forms in enumerate(self._forms):
            for token in {token for form in concept_forms for token in form.tokens}:
                self._concepts_by_token.setdefault(token, []).append(index)

    @classmethod
    def load(cls, extra_file: Path | None = None, *, for_index: bool = False) -> Glossary:
        """The built-in glossaries (for the index: those written into it), plus an optional
        city-specific file (same YAML shape)."""
        concepts: list[list[str]] = []
        for name, indexed in _BUILT_IN:
            if for_index and not indexed:
                continue
            text = resources.files("assistant.resources").joinpath(name).read_text("utf-8")
            concepts += _read_terms(text, name)
        if extra_file is not None:
            concepts += _read_terms(extra_file.read_text("utf-8"), str(extra_file))
        return cls(concepts)

    def matching_concepts(self, tokens: set[str]) -> list[int]:
        """Indexes of concepts with at least one form whose tokens all occur in `tokens`."""
        candidates = {index for token in tokens for index in self._concepts_by_token.get(token, ())}
        return [
            index
            for index in sorted(candidates)
            if any(form.tokens and form.tokens <= tokens for form in self._forms[index])
        ]

    def expansion(self, text: str) -> list[str]:
        """Forms of the concepts found in `text` that the text does not already contain."""
        return self._expansion_of(text, set(search_tokens(text)))

    def expansions(self, texts: list[str]) -> list[list[str]]:
        """`expansion` of each text, the texts tokenised in one Kiwi batch (its worker threads)."""
        return [expansion for expansion, _ in self.expansions_with_tokens(texts)]

    def expansions_with_tokens(self, texts: list[str]) -> list[tuple[list[str], list[str]]]:
        """`expansion` of each text, with the text's search tokens it was found from."""
        token_lists = search_tokens_many(texts) if texts else []
        return [
            (self._expansion_of(text, set(tokens)), tokens)
            for text, tokens in zip(texts, token_lists, strict=True)
        ]

    def _expansion_of(self, text: str, tokens: set[str]) -> list[str]:
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
        """For relevance checks: each token with the tokens of every form of its concepts.

        A concept counts when one of its forms occurs among the tokens, so a form of several words
        ("term of office") lends the other forms (임기) to each of its words."""
        groups = [{token} for token in tokens]
        present = set(tokens)
        for index in self.matching_concepts(present):
            forms = self._forms[index]
            synonyms = set().union(*(form.tokens for form in forms))
            matched = set().union(*(form.tokens for form in forms if form.tokens and form.tokens <= present))
            for group, token in zip(groups, tokens, strict=True):
                if token in matched:
                    group |= synonyms
        return groups


def _read_terms(text: str, name: str) -> list[list[str]]:
    try:
        # libyaml's loader when PyYAML has it: the same data, ~10x faster on these large files.
        raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
        terms = raw["terms"]
        if not all(isinstance(term, list) and all(isinstance(form, str) for form in term) for term in terms):
            raise ValueError("every entry of 'terms' must be a list of strings")
        return [list(term) for term in terms]
    except (yaml.YAMLError, KeyError, TypeError, ValueError) as error:
        raise CityQAError(ErrorCode.INVALID_CONFIG, f"invalid glossary {name}: {error}") from error
