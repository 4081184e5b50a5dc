"""The statistics path: question → SQL draft → guard → read-only run → one sentence citing the tables.

Only the tables the asking user may see enter the semantic layer, the guard's allowlist and the
answer, so a table above the user's clearance can be neither queried nor named.
"""

from __future__ import annotations

import logging
import re
import threading

from assistant.compose import StatisticsPart
from assistant.errors import CityQAError
from assistant.models import Citation, SourceKind, SqlResult, Turn, User
from assistant.pipeline import StatisticsOutcome
from assistant.sql.cards import TableCard
from assistant.sql.generator import SqlGenerator, describe_result
from assistant.sql.guard import guard_sql
from assistant.sql.semantic_layer import SemanticLayer, collect_dimension_values
from assistant.sql.warehouse import WarehouseReader
from assistant.tokens import is_korean

logger = logging.getLogger(__name__)


class TableStatisticsAnswerer:
    def __init__(
        self, warehouse: WarehouseReader, generator: SqlGenerator, timeout_ms: int, max_rows: int
    ) -> None:
        self.warehouse = warehouse
        self.generator = generator
        self.timeout_ms = timeout_ms
        self.max_rows = max_rows
        self._lock = threading.Lock()
        self._cards: dict[str, TableCard] | None = None
        self._values: dict[str, dict[str, list[object]]] = {}
        self._layers: dict[frozenset[str], SemanticLayer] = {}

    def _load(self) -> dict[str, TableCard]:
        """Cards and dimension values, read once (the warehouse changes only at ingest)."""
        with self._lock:
            if self._cards is None:
                cards = self.warehouse.cards()
                self._values = collect_dimension_values(
                    cards.values(),
                    lambda sql: self.warehouse.run_readonly(sql, self.timeout_ms, 1000, tables=cards),
                )
                self._cards = cards
            return self._cards

    def warm_up(self) -> None:
        """Read the cards and dimension values, and build the semantic layer of the public tables
        (what an anonymous question uses), before the first question."""
        cards = self._load()
        anonymous = User()
        public = {
            name: card
            for name, card in cards.items()
            if anonymous.may_see(card.classification, card.departments)
        }
        if public:
            self._layer_for(public)

    def _layer_for(self, visible: dict[str, TableCard]) -> SemanticLayer:
        key = frozenset(visible)
        with self._lock:
            if key not in self._layers:
                values = {name: self._values.get(name, {}) for name in visible}
                self._layers[key] = SemanticLayer.build(visible.values(), values)
            return self._layers[key]

    def visible_tables(self, user: User) -> dict[str, list[str]]:
        """The curated tables (with columns) this user may query."""
        cards = self._load()
        return {
            name: columns
            for name, columns in self.warehouse.tables().items()
            if name in cards and user.may_see(cards[name].classification, cards[name].departments)
        }

    def run_user_sql(self, sql: str, user: User) -> SqlResult:
        """Run SQL an official wrote or edited (e.g. the shown SQL, changed): the same guard and
        read-only execution as generated SQL, over the tables this user may see."""
        allowed = self.visible_tables(user)
        guarded = guard_sql(sql, allowed, dialect=self.warehouse.dialect, max_limit=self.max_rows)
        result = self.warehouse.run_readonly(guarded.sql, self.timeout_ms, self.max_rows, tables=allowed)
        return result.model_copy(update={"query": guarded.sql, "tables": guarded.tables})

    def answer(self, question: str, user: User, history: list[Turn]) -> StatisticsOutcome:
        cards = self._load()
        visible = {
            name: card for name, card in cards.items() if user.may_see(card.classification, card.departments)
        }
        if not visible:
            return StatisticsOutcome(is_statistical=False)
        layer = self._layer_for(visible)
        draft = self.generator.generate(question, layer, history)
        remainder = None
        if draft.sql is None:
            # "What was X's population, and which department owns it?": the number may be in one
            # clause while the other asks the documents.
            clauses = _clauses(question)[1:]
            for position, clause in enumerate(clauses):
                clause_draft = self.generator.generate(clause, layer, history)
                if clause_draft.sql is not None:
                    draft = clause_draft
                    remainder = " ".join(clauses[:position] + clauses[position + 1 :]) or None
                    break
        if draft.sql is None:
            return StatisticsOutcome(
                is_statistical=draft.is_statistical, unmapped=list(draft.unmapped), notes=list(draft.notes)
            )
        allowed = self.visible_tables(user)
        try:
            guarded = guard_sql(draft.sql, allowed, dialect=self.warehouse.dialect, max_limit=self.max_rows)
            result = self.warehouse.run_readonly(guarded.sql, self.timeout_ms, self.max_rows, tables=allowed)
        except CityQAError as error:
            # The detail may name a table this user may not see (a join the layer proposed), so it
            # goes to the log only; the user learns that the statistic could not be computed.
            logger.warning("generated SQL failed: %s (%s)", error, draft.sql)
            return StatisticsOutcome(
                is_statistical=True,
                slots=draft.slots,
                error="the statistic could not be computed safely",
                notes=list(draft.notes),
            )
        result = result.model_copy(update={"query": guarded.sql, "tables": guarded.tables})
        if result.rows and all(row[-1] is None for row in result.rows):
            # An empty cell is no figure: say the table has none rather than state "no value" as an answer.
            return StatisticsOutcome(
                is_statistical=True,
                slots=draft.slots,
                error="the table has no figure for this",
                notes=list(draft.notes),
            )
        korean = is_korean(question)
        sentence = describe_result(draft, result, layer, "ko" if korean else "en")
        if draft.ignored:
            words = ", ".join(f"‘{word}’" for word in draft.ignored)
            sentence += (
                f" (질문 중 {words}은(는) 계산에 반영하지 못했습니다.)"
                if korean
                else f" (This does not take {words} into account.)"
            )
        citations = [
            _table_citation(visible[name], n, guarded.sql) for n, name in enumerate(guarded.tables, 1)
        ]
        return StatisticsOutcome(
            is_statistical=True,
            part=StatisticsPart(
                sentence=sentence, citations=citations, sql=result, written_by_model=draft.written_by_model
            ),
            sql=result,
            slots=draft.slots,
            remainder=remainder,
            ignored=list(draft.ignored),
            notes=list(draft.notes),
        )


_CLAUSE_BREAK = re.compile(
    # English ", and which/what …"; Korean connective endings before a comma (…이고, …였고, …이며,
    # …인데,); a semicolon or a question mark followed by more text.
    r",?\s+and\s+(?=(?:which|what|who|how|where|when|is|are|does|do)\b)"
    r"|(?<=[\uac00-\ud7a3])(?:고|며|데),\s*|[;?]\s+",
    re.IGNORECASE,
)


def _clauses(question: str) -> list[str]:
    """The question and, when it joins several asks, each of them."""
    parts = [part.strip() for part in _CLAUSE_BREAK.split(question) if part and part.strip()]
    return [question, *parts] if len(parts) > 1 else [question]


def _table_citation(card: TableCard, n: int, sql: str) -> Citation:
    return Citation(
        n=n,
        source_id=card.source_id(),
        kind=SourceKind.TABLE,
        title=card.display_title(),
        locator=f"table {card.name}",
        url=card.source.url,
        snippet=sql,
        as_of=card.as_of,
    )
