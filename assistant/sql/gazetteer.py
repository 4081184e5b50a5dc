"""The bilingual Busan gazetteer: districts, provinces (시도), ports and value synonyms.

Read from `assistant/resources/busan_gazetteer.yaml` on first use (never at import time). District
names in the curated tables are the Korean names (해운대구); the gazetteer maps every spelling people
use — 해운대, Haeundae, Haeundae-gu, Yeonjae-gu — onto them, and knows both code systems (MOIS 26xxx
and KOSIS 21xxx) because sources differ.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_GAZETTEER_PATH = Path(__file__).resolve().parents[1] / "resources" / "busan_gazetteer.yaml"


@dataclass(frozen=True)
class Place:
    """One named place. `kind` is district, province, port or other (a place outside the tables)."""

    kind: str
    name: str
    name_en: str
    names: tuple[str, ...] = ()
    admin_code: str | None = None
    kosis_code: str | None = None


@dataclass(frozen=True)
class Gazetteer:
    districts: tuple[Place, ...]
    provinces: tuple[Place, ...]
    ports: tuple[Place, ...]
    other_places: tuple[Place, ...]
    value_synonyms: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    def places(self) -> tuple[Place, ...]:
        return self.districts + self.provinces + self.ports + self.other_places

    def district(self, name: str) -> Place | None:
        """The district for any of its names or codes (해운대, Haeundae-gu, 26350, 21090)."""
        wanted = name.strip().lower()
        for place in self.districts:
            if wanted in {n.lower() for n in place.names} or wanted in {place.admin_code, place.kosis_code}:
                return place
        return None

    def english_name(self, korean_name: str) -> str | None:
        for place in self.districts + self.provinces:
            if place.name == korean_name:
                return place.name_en
        for place in self.ports:
            if place.name == korean_name:
                return place.name
        return None

    def korean_name(self, name: str) -> str | None:
        for place in self.districts + self.provinces:
            if place.name == name or place.name_en == name:
                return place.name
        for place in self.ports:
            if place.name == name:
                return place.names[1] if len(place.names) > 1 else None
        return None


def _district(entry: dict[str, Any]) -> Place:
    names = (entry["name"], entry["short"], entry["en"], *entry.get("variants", []))
    return Place(
        "district",
        entry["name"],
        entry["en"],
        tuple(dict.fromkeys(names)),
        str(entry["admin_code"]),
        str(entry["kosis_code"]),
    )


def _province(entry: dict[str, Any]) -> Place:
    names = (entry["name"], entry["short"], entry["en"], *entry.get("variants", []))
    return Place("province", entry["name"], entry["en"], tuple(dict.fromkeys(names)))


def _port(entry: dict[str, Any]) -> Place:
    names = (entry["name"], entry["ko"], *entry.get("variants", []))
    return Place("port", entry["name"], entry["name"], tuple(dict.fromkeys(names)))


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """Load (and cache) the gazetteer; `path` overrides the built-in Busan gazetteer."""
    return _load_gazetteer_cached(str(path or DEFAULT_GAZETTEER_PATH))


@functools.cache
def _load_gazetteer_cached(path: str) -> Gazetteer:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    others = tuple(
        Place("other", names[0], names[1] if len(names) > 1 else names[0], tuple(names))
        for names in raw.get("other_places", [])
    )
    synonyms = {
        key: {str(value): tuple(str(s) for s in words) for value, words in values.items()}
        for key, values in (raw.get("value_synonyms") or {}).items()
    }
    return Gazetteer(
        districts=tuple(_district(entry) for entry in raw["districts"]),
        provinces=tuple(_province(entry) for entry in raw["provinces"]),
        ports=tuple(_port(entry) for entry in raw["ports"]),
        other_places=others,
        value_synonyms=synonyms,
    )
