"""The LLM SQL generator: parser → (when it cannot map) chat model → guard → repair once → parser's draft.

`LLMSqlGenerator` implements the `SqlGenerator` protocol over any langchain `BaseChatModel`:

0. the `fallback` generator (the semantic-layer parser) goes first: a question it maps fully, or
   one it finds no statistics question at all, never reaches the model (the parser's sentence
   states exactly what was computed, and a model must not turn document questions into SQL);

1. render `prompts/sql_generation.md` with the schema of the layer's tables (only the tables and
   columns the guard will allow: types, units, Korean/English descriptions, a few distinct values
   of each dimension), the most similar verified examples over those tables, the earlier questions
   of the conversation and the question;
2. call the chat model and take the SQL from its reply (a fenced ```sql block — or what follows an
   opening fence when max_tokens cut the reply off — else the whole reply);
   a reply `CANNOT_ANSWER: <reason>` goes straight to the fallback;
3. validate with `guard_sql` against the layer's tables and columns; when rejected (or the reply
   held no SQL), repair once (`max_repairs`) with `prompts/sql_repair.md` and validate again;
4. when still invalid, or when the chat model fails (timeout, connection error, …), return the
   parser's draft — including an honest
   refusal (sql None, with its unmapped parts). The fallback's SQL is guarded too: when it touches
   anything outside the allowlist (a derived measure joining a table the user may not see), the
   draft becomes a refusal that names nothing.

Every returned SQL has passed the guard against the layer's tables (LLM SQL is returned normalised
with its LIMIT enforced; parser SQL unchanged). The generator never executes anything — the caller
guards again with the user's allowlist and runs the SQL read-only.
`SqlDraft.description` records the path and the prompt labels, e.g.
"[sql_generation@1] llm: …", "[sql_generation@1, sql_repair@1] llm-repaired: …",
"[sql_generation@1] parser fallback (…): …".

Limitation: a draft produced by the LLM has no slots (`slots == {}`), so a follow-up after such an
answer cannot reuse them; the LLM sees the earlier questions instead, and the parser fallback uses
its own slot logic (slots of earlier parser-produced turns only).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.errors import CityQAError
from assistant.llm import reply_text
from assistant.models import Turn
from assistant.prompts import Prompt, load_prompt
from assistant.sql.examples import SqlExample, retrieve_similar_examples
from assistant.sql.generator import SqlDraft, SqlGenerator
from assistant.sql.guard import GuardedSql, guard_sql
from assistant.sql.semantic_layer import SemanticLayer

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

logger = logging.getLogger(__name__)

EXAMPLES_IN_PROMPT = 3
HISTORY_IN_PROMPT = 5
VALUES_PER_DIMENSION = 8
_FENCED_BLOCK = re.compile(r"```[ \t]*(?:sql|duckdb|postgresql)?[ \t]*\n?(.*?)```", re.IGNORECASE | re.DOTALL)
# A reply cut off by max_tokens before its closing fence: the SQL runs to the end of the reply.
_UNCLOSED_FENCE = re.compile(r"```[ \t]*(?:sql|duckdb|postgresql)?[ \t]*\n?(.*)$", re.IGNORECASE | re.DOTALL)
_CANNOT_ANSWER = re.compile(r"^\s*CANNOT_ANSWER\s*:?\s*(.*)$", re.IGNORECASE | re.MULTILINE)

AllowedTables = Mapping[str, Collection[str]]


@dataclass(frozen=True)
class ExtractedReply:
    """What a chat model's reply says: SQL, a refusal (with reason), or neither."""

    sql: str | None
    cannot_answer: str | None = None


def extract_sql_from_reply(reply: str) -> ExtractedReply:
    """The first fenced SQL block, else `CANNOT_ANSWER: reason`, else what follows an unclosed fence
    (a reply cut off by max_tokens), else the whole reply as SQL."""
    block = _FENCED_BLOCK.search(reply)
    if block:
        sql = block.group(1).strip()
        return ExtractedReply(sql=sql or None)
    refusal = _CANNOT_ANSWER.search(reply)
    if refusal:
        return ExtractedReply(sql=None, cannot_answer=refusal.group(1).strip() or "no reason given")
    unclosed = _UNCLOSED_FENCE.search(reply)
    if unclosed:
        sql = unclosed.group(1).strip()
        return ExtractedReply(sql=sql or None)
    sql = reply.strip()
    return ExtractedReply(sql=sql or None)


def layer_tables_and_columns(layer: SemanticLayer) -> dict[str, list[str]]:
    """The default allowlist: every table of the (already permission-filtered) layer, all its columns."""
    return {name: info.column_names() for name, info in layer.tables.items()}


def _format_value(value: object) -> str:
    return "'" + value.replace("'", "''") + "'" if isinstance(value, str) else str(value)


def describe_schema_for_prompt(layer: SemanticLayer, allowed: AllowedTables) -> str:
    """The allowed tables and columns, with types, units, both descriptions and sample values."""
    blocks: list[str] = []
    for name in sorted(allowed):
        info = layer.table(name)
        card = info.card
        permitted = set(allowed[name])
        lines = [
            f"TABLE {name} — {card.title.ko} / {card.title.en}",
            f"  grain: {card.grain}; as of {card.as_of}",
        ]
        for column in card.columns:
            if column.name not in permitted:
                continue
            unit = f", unit {column.unit}" if column.unit else ""
            line = (
                f"  - {column.name} {column.type} ({column.role}{unit}): "
                f"{column.description.ko} / {column.description.en}"
            )
            dimension = info.dimensions.get(column.name)
            if dimension is not None and dimension.values:
                shown = ", ".join(_format_value(v) for v in dimension.values[:VALUES_PER_DIMENSION])
                more = len(dimension.values) - VALUES_PER_DIMENSION
                line += f"; values: {shown}" + (f", … ({more} more)" if more > 0 else "")
            lines.append(line)
        for join in card.joins:
            if join.table in allowed:
                lines.append(f"  joins {join.table} ON {', '.join(join.on)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) if blocks else "(no tables)"


def _example_permitted(example: SqlExample, allowed: AllowedTables) -> bool:
    if example.table not in allowed:
        return False
    try:
        guard_sql(example.sql, allowed)
    except CityQAError:
        return False
    return True


def describe_examples_for_prompt(question: str, examples: list[SqlExample], allowed: AllowedTables) -> str:
    """The most similar verified examples whose SQL only touches allowed tables and columns."""
    pool = [example for example in examples if _example_permitted(example, allowed)]
    chosen = retrieve_similar_examples(question, pool, k=EXAMPLES_IN_PROMPT)
    if not chosen:
        return "(none)"
    return "\n\n".join(f"Question: {e.question}\n```sql\n{e.sql.strip()}\n```" for e in chosen)


def describe_history_for_prompt(history: list[Turn]) -> str:
    questions = [turn.question for turn in history[-HISTORY_IN_PROMPT:] if turn.question.strip()]
    return "\n".join(f"- {question}" for question in questions) if questions else "(none)"


class LLMSqlGenerator:
    """SQL from a chat model, validated by the guard, repaired once, with the parser as fallback."""

    def __init__(
        self,
        chat_model: BaseChatModel,
        fallback: SqlGenerator,
        allowed_tables: Callable[[SemanticLayer], AllowedTables] | None = None,
        examples: list[SqlExample] | None = None,
        max_repairs: int = 1,
    ) -> None:
        self.chat_model = chat_model
        self.fallback = fallback
        self.allowed_tables = allowed_tables or layer_tables_and_columns
        self.examples = list(examples or [])
        self.max_repairs = max(0, max_repairs)
        self.generation_prompt: Prompt = load_prompt("sql_generation")
        self.repair_prompt: Prompt = load_prompt("sql_repair")

    # -- prompts ---------------------------------------------------------------------------------
    def allowed_for(self, layer: SemanticLayer) -> dict[str, list[str]]:
        """The guard's allowlist: what `allowed_tables` permits, never beyond the layer's tables."""
        permitted = self.allowed_tables(layer)
        return {name: list(columns) for name, columns in permitted.items() if name in layer.tables}

    def render_generation_prompt(self, question: str, layer: SemanticLayer, history: list[Turn]) -> str:
        allowed = self.allowed_for(layer)
        return self.generation_prompt.render(
            schema=describe_schema_for_prompt(layer, allowed),
            examples=describe_examples_for_prompt(question, self.examples, allowed),
            history=describe_history_for_prompt(history),
            question=question,
        )

    def render_repair_prompt(self, question: str, layer: SemanticLayer, sql: str, error: str) -> str:
        return self.repair_prompt.render(
            schema=describe_schema_for_prompt(layer, self.allowed_for(layer)),
            question=question,
            sql=sql or "(no SQL in the reply)",
            error=error,
        )

    # -- the flow --------------------------------------------------------------------------------
    def generate(self, question: str, layer: SemanticLayer, history: list[Turn]) -> SqlDraft:
        parsed = self._parser_draft(question, layer, history)
        if not parsed.is_statistical or (parsed.sql is not None and not parsed.ignored):
            # The parser maps the whole question (its sentence then states exactly what was
            # computed), or it is no question for the tables: the model is not asked.
            return parsed
        allowed = self.allowed_for(layer)
        labels = [self.generation_prompt.label]
        prompt = self.render_generation_prompt(question, layer, history)
        attempt = 0
        while True:
            try:
                reply = self._ask(prompt)
            except Exception as error:  # any adapter failure: timeouts, connection, rate limits, …
                logger.warning("chat model failed (%s): %s: %s", labels[-1], type(error).__name__, error)
                failed = f"the language model failed ({type(error).__name__})"
                return self._fall_back(parsed, layer, labels, f"chat model failed: {error}", failed)
            extracted = extract_sql_from_reply(reply)
            if extracted.cannot_answer is not None:
                why = f"llm cannot answer: {extracted.cannot_answer}"
                return self._fall_back(parsed, layer, labels, why, "the language model wrote no SQL for this")
            sql = extracted.sql or ""
            guarded, rejection = self._validate(sql, allowed)
            if guarded is not None:
                return self._llm_draft(guarded, labels, repaired=attempt > 0)
            logger.warning("LLM SQL rejected (%s): %s (%r)", labels[-1], rejection, sql[:500])
            if attempt >= self.max_repairs:
                why = f"llm SQL rejected{' after repair' if attempt else ''}: {rejection}"
                refused = "the guard refused the language model's SQL"
                return self._fall_back(parsed, layer, labels, why, refused)
            attempt += 1
            labels = [*dict.fromkeys([*labels, self.repair_prompt.label])]
            prompt = self.render_repair_prompt(question, layer, sql, rejection)

    def _ask(self, prompt: str) -> str:
        from langchain_core.messages import HumanMessage  # loaded with a chat model only (cold start)

        message = self.chat_model.invoke([HumanMessage(content=prompt)])
        return reply_text(message.content)

    @staticmethod
    def _validate(sql: str, allowed: AllowedTables) -> tuple[GuardedSql | None, str]:
        if not sql.strip():
            return None, "the reply contained no SQL"
        try:
            return guard_sql(sql, allowed), ""
        except CityQAError as error:
            return None, error.detail
        except Exception as error:  # the guard fails closed on anything unexpected
            return None, f"the query could not be checked: {type(error).__name__}"

    @staticmethod
    def _llm_draft(guarded: GuardedSql, labels: list[str], *, repaired: bool) -> SqlDraft:
        path = "llm-repaired" if repaired else "llm"
        tables = guarded.tables
        return SqlDraft(
            sql=guarded.sql,
            tables=tables,
            is_statistical=True,
            unmapped=[],
            slots={},
            description=f"[{', '.join(labels)}] {path}: SQL over {', '.join(tables) or 'no table'}",
            written_by_model=True,
        )

    def _parser_draft(self, question: str, layer: SemanticLayer, history: list[Turn]) -> SqlDraft:
        """The fallback's draft, its SQL guarded like the model's."""
        draft = self.fallback.generate(question, layer, history)
        if draft.sql is not None:
            guarded, rejection = self._validate(draft.sql, self.allowed_for(layer))
            if guarded is None:
                # e.g. a derived measure whose join table is not in this user's layer: refuse
                # without naming anything, so nothing outside the allowlist reaches the answer.
                logger.warning("parser SQL rejected: %s (%r)", rejection, draft.sql[:500])
                return SqlDraft(
                    sql=None,
                    is_statistical=draft.is_statistical,
                    unmapped=list(draft.unmapped),
                    description="parser SQL rejected by the guard",
                )
        return draft

    @staticmethod
    def _fall_back(
        draft: SqlDraft, layer: SemanticLayer, labels: list[str], reason: str, note: str
    ) -> SqlDraft:
        """The parser's draft, described with why the model's SQL was not used, and a note for the
        answer (which never names a table: the reason may name one the user may not see)."""
        described = f"[{', '.join(labels)}] parser fallback ({reason})"
        if draft.description:
            described += f": {draft.description}"
        notes = [*draft.notes, f"{note}: the statistics parser's reading of the question is used"]
        return draft.model_copy(update={"description": described, "notes": notes})
