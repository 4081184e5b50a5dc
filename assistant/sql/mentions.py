"""What the semantic layer recognised in a question: measures, tables, dimensions, values, places,
with their spans, and the text left over (`rest`) where operation cues are read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.sql.gazetteer import Place
from assistant.sql.phrase_matcher import Match

# Words that name people in general: a mention of the population only when nothing better is named.
GENERIC_MEASURE_WORDS = {
    "people",
    "사람",
    "주민",
    "population",
    "인구",
    "residents",
    "volume",
    "사고",
    "accidents",
}


@dataclass
class Mentions:
    measures: list[tuple[Match, list[tuple[str, str]]]] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    dimensions: list[tuple[Match, list[tuple[str, str]]]] = field(default_factory=list)
    values: list[tuple[Match, list[tuple[str, str, Any]]]] = field(default_factory=list)
    places: list[tuple[Match, list[Place]]] = field(default_factory=list)
    rest: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)


def collect_mentions(matches: list[Match], text: str) -> Mentions:
    mentions = Mentions()
    rest = list(text)
    for match in matches:
        kinds = {payload[0] for payload in match.payloads}
        mentions.spans.append((match.start, match.end))
        for i in range(match.start, match.end):
            rest[i] = " "
        rest[match.start] = "§"
        if "measure" in kinds:
            mentions.measures.append((match, [(p[1], p[2]) for p in match.payloads if p[0] == "measure"]))
        if "table" in kinds:
            mentions.tables.extend(p[1] for p in match.payloads if p[0] == "table")
        if "dimension" in kinds:
            mentions.dimensions.append((match, [(p[1], p[2]) for p in match.payloads if p[0] == "dimension"]))
        if "value" in kinds:
            mentions.values.append((match, [(p[1], p[2], p[3]) for p in match.payloads if p[0] == "value"]))
        if "place" in kinds:
            mentions.places.append((match, [p[1] for p in match.payloads if p[0] == "place"]))
    mentions.rest = "".join(rest)
    return mentions
