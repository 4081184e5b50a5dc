"""The SQL guard: the first layer of defence between generated or user SQL and the warehouse.

`guard_sql` accepts exactly one read-only query over the curated tables the asking user may see and
returns the normalised SQL that will run, with a LIMIT enforced. Anything else is refused with
`CityQAError(SQL_REJECTED, reason)`; so is anything the checker itself cannot handle (a parser or
optimizer exception is a refusal, never a crash). The checks, in order (`_CHECKS`):

1. size: at most 10,000 characters, 2,000 tokens and 24 levels of parentheses, and a parse tree at
   most 64 levels deep, so that the recursive parser and optimizer stay far from Python's limit;
2. one statement (no `;`-separated second statement, however hidden in comments), which parses
   (sqlglot) and whose root is a SELECT, a UNION/INTERSECT/EXCEPT of SELECTs, or WITH … SELECT;
3. no statement-level nodes anywhere (DDL, DML, COPY, ATTACH, PRAGMA, SET, … and sqlglot `Command`s),
   no SELECT … INTO, no VALUES, no LATERAL, no lambdas, no parameters, no recursive CTEs;
4. functions: only those on an allowlist (aggregates, window functions, arithmetic, conditionals,
   casts, bounded string and date functions). Nothing that reads files or settings, and nothing
   that manufactures large values or rows (`repeat`, `lpad`, `range`, `unnest`, lists …);
5. tables: every table reference is resolved by scope: a CTE is visible only after its definition
   (its own body and earlier CTEs do not see it) and within the query that defines it; every
   other reference must be a plain name of a curated table in `allowed` — no schemas, no table
   functions, no `FROM 'file.csv'` replacement scans, at most three references;
6. joins: every joined source is linked to an earlier one by an equality between their columns
   (`ON`/`USING`, or a top-level `WHERE` conjunct for comma joins); no CROSS/NATURAL/POSITIONAL/ASOF;
7. columns: every column resolves to a permitted column, a CTE/subquery output or a SELECT alias;
8. LIMIT: added when absent, lowered to `max_limit` when larger.

The warehouse is the second, independent layer: queries run in a read-only sandbox database that
holds only the tables the caller may see, with time, row and size limits (`assistant.sql.sandbox`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterator, Mapping

import sqlglot
from pydantic import BaseModel, Field
from sqlglot import exp
from sqlglot.errors import OptimizeError, SqlglotError
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import traverse_scope

from assistant.errors import CityQAError, ErrorCode

logger = logging.getLogger(__name__)

MAX_SQL_CHARS = 10_000
MAX_SQL_TOKENS = 2_000
MAX_PARENTHESES_DEPTH = 24
MAX_TREE_DEPTH = 64
MAX_TABLE_REFERENCES = 3
_COLUMN_IN_ERROR = re.compile(r"(?:Column '([^']+)' could not be resolved|Unknown column: (\S+))")

def _expression_types(words: str) -> tuple[type[exp.Expr], ...]:
    """sqlglot expression classes by name (names this sqlglot version lacks are skipped)."""
    return tuple(getattr(exp, name) for name in words.split() if hasattr(exp, name))


# Statement-level or otherwise unneeded node types; any of them anywhere in the tree is refused.
_FORBIDDEN_NODE_WORDS = (
    "Command Create Insert Update Delete Merge Drop Alter Copy Attach Detach Install Pragma Set Use "
    "Describe Show Summarize Transaction Commit Rollback Kill Analyze Grant Revoke Comment "
    "TruncateTable Refresh Cache Uncache LoadData Export Declare Execute Into Values Lateral Pivot "
    "Unpivot Fetch Semicolon TableFromRows Lambda Placeholder Parameter"
)
_FORBIDDEN_NODE_TYPES = _expression_types(_FORBIDDEN_NODE_WORDS)

# Functions statistics SQL may use, as sqlglot's expression classes. Each returns a value bounded
# by its inputs: none reads files or settings, and none turns a small input into a huge value or
# many rows (so `repeat`, `lpad`/`rpad`, `replace`, `range`, `unnest`, lists and maps are out).
_ALLOWED_FUNCTION_WORDS = (
    # aggregates
    "Count CountIf Sum Avg Min Max Median Mode Stddev StddevPop StddevSamp Variance VariancePop "
    "PercentileCont PercentileDisc ArgMax ArgMin AnyValue First Last Corr CovarPop CovarSamp "
    "LogicalAnd LogicalOr ApproxDistinct GroupConcat "
    # window functions
    "RowNumber Rank DenseRank PercentRank CumeDist Ntile Lag Lead FirstValue LastValue NthValue "
    # arithmetic
    "Abs Round Floor Ceil Trunc Sqrt Cbrt Ln Log Exp Pow Sign Greatest Least IsNan IsInf "
    # logic and conditionals (sqlglot models AND/OR as functions), casts, collations, subquery tests
    "And Or Xor Collate Case If Coalesce Nullif Cast TryCast Exists "
    # strings (never longer than their inputs together)
    "Lower Upper Length Substring Trim Concat ConcatWs Left Right StrPosition StartsWith EndsWith "
    "Contains SplitPart "
    # dates
    "Extract Year Quarter Month Week Day DayOfWeek TimestampTrunc DateTrunc TimeToStr DateDiff "
    "DateFromParts CurrentDate"
)
_ALLOWED_FUNCTION_TYPES = _expression_types(_ALLOWED_FUNCTION_WORDS)
# Functions sqlglot does not model (parsed as Anonymous) that statistics SQL may use.
ALLOWED_UNKNOWN_FUNCTIONS = frozenset(
    "strlen date_part datepart round_even fsum favg ifnull nullif coalesce greatest least".split()
)


class GuardedSql(BaseModel):
    """A query that passed the guard."""

    sql: str = Field(description="The normalised SQL that will run, with its LIMIT enforced.")
    tables: list[str] = Field(default_factory=list, description="Curated tables referenced (sorted).")
    columns: list[str] = Field(default_factory=list, description="'table.column' referenced (sorted).")


def _reject(reason: str) -> CityQAError:
    return CityQAError(ErrorCode.SQL_REJECTED, reason)


def guard_sql(
    sql: str,
    allowed: Mapping[str, Collection[str]],
    *,
    dialect: str = "duckdb",
    max_limit: int = 200,
) -> GuardedSql:
    """Check `sql` against every rule above; `allowed` maps each table the user may see to its columns."""
    permitted = {name.lower(): [column.lower() for column in columns] for name, columns in allowed.items()}
    try:
        root = _parse_single_statement(sql, dialect)
        for check in _CHECKS:
            check(root)
        tables = _check_tables(root, permitted)
        qualified = _qualified(root, permitted, dialect)
        _check_join_links(qualified)
        columns = _check_columns(qualified, permitted)
        _enforce_limit(root, max_limit)
        normalised = root.sql(dialect=dialect, comments=False)
    except CityQAError:
        raise
    except (SqlglotError, RecursionError, AssertionError, KeyError, ValueError, TypeError) as error:
        # The checker met something it cannot handle: that is a refusal, never a server error.
        logger.info("guard could not check a query (%s): %.200s", type(error).__name__, sql)
        raise _reject("the query could not be checked; write it more simply") from error
    return GuardedSql(sql=normalised, tables=tables, columns=columns)


def _check_size(sql: str, dialect: str) -> list[sqlglot.tokens.Token]:
    if not sql or not sql.strip():
        raise _reject("the query is empty")
    if len(sql) > MAX_SQL_CHARS:
        raise _reject(f"the query is longer than {MAX_SQL_CHARS} characters")
    try:
        tokens = sqlglot.tokenize(sql, read=dialect)
    except SqlglotError as error:
        raise _reject(f"the query could not be read: {_first_line(error)}") from error
    if len(tokens) > MAX_SQL_TOKENS:
        raise _reject(f"the query has more than {MAX_SQL_TOKENS} words and symbols")
    depth = 0
    for token in tokens:
        if token.token_type in (sqlglot.TokenType.L_PAREN, sqlglot.TokenType.L_BRACKET):
            depth += 1
            if depth > MAX_PARENTHESES_DEPTH:
                raise _reject(f"the query nests parentheses more than {MAX_PARENTHESES_DEPTH} deep")
        elif token.token_type in (sqlglot.TokenType.R_PAREN, sqlglot.TokenType.R_BRACKET):
            depth -= 1
    return tokens


def _parse_single_statement(sql: str, dialect: str) -> exp.Expr:
    tokens = _check_size(sql, dialect)
    for position, token in enumerate(tokens):
        if token.token_type == sqlglot.TokenType.SEMICOLON and position != len(tokens) - 1:
            raise _reject("only one statement is allowed (found ';' followed by more SQL)")
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except SqlglotError as error:
        raise _reject(f"the query could not be parsed: {_first_line(error)}") from error
    except RecursionError as error:
        raise _reject("the query is nested too deeply") from error
    statements = [s for s in statements if not isinstance(s, exp.Semicolon)]
    if len(statements) != 1:
        raise _reject(f"exactly one statement is allowed, found {len(statements)}")
    return statements[0]


def _check_depth(root: exp.Expr) -> None:
    """Measured without recursion, so that a deep tree is refused before anything recurses into it."""
    stack: list[tuple[exp.Expr, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            raise _reject(f"the query is nested more than {MAX_TREE_DEPTH} levels deep")
        stack.extend((child, depth + 1) for child in node.iter_expressions())


def _check_root(root: exp.Expr) -> None:
    if isinstance(root, exp.Command):
        raise _reject(f"only SELECT queries are allowed, not {root.name.upper() or 'commands'}")
    if isinstance(root, exp.SetOperation):
        for side in (root.left, root.right):
            _check_root(side.this if isinstance(side, exp.Subquery) else side)
        return
    if not isinstance(root, exp.Select):
        if isinstance(root, _FORBIDDEN_NODE_TYPES):
            raise _reject(f"only SELECT queries are allowed, not {root.key.upper()}")
        raise _reject("only SELECT queries are allowed")


def _check_forbidden_nodes(root: exp.Expr) -> None:
    for node in root.walk():
        if isinstance(node, _FORBIDDEN_NODE_TYPES):
            if isinstance(node, exp.Into):
                raise _reject("SELECT … INTO is not allowed")
            raise _reject(f"{node.key.upper()} is not allowed in a query")
        if isinstance(node, exp.With) and node.args.get("recursive"):
            raise _reject("recursive CTEs (WITH RECURSIVE) are not allowed")


def _function_name(node: exp.Func) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    return node.sql_name().lower()


def _check_functions(root: exp.Expr) -> None:
    for node in root.find_all(exp.Func):
        if isinstance(node, exp.Anonymous):
            allowed = _function_name(node) in ALLOWED_UNKNOWN_FUNCTIONS
        else:
            allowed = type(node) in _ALLOWED_FUNCTION_TYPES
        if not allowed:
            name = _function_name(node)
            raise _reject(f"function {name}() is not allowed (not on the list of permitted functions)")


def _table_references(root: exp.Expr) -> Iterator[tuple[exp.Table, bool]]:
    """Every table reference with whether it names a CTE visible at that point.

    SQL scoping: a CTE is visible to the CTEs defined after it and to the query it belongs to,
    including that query's subqueries, but not to its own body or to earlier CTEs, where the same
    name means the base table. Walked with an explicit stack (the tree's depth is already bounded).
    """
    stack: list[tuple[exp.Expr, frozenset[str]]] = [(root, frozenset())]
    while stack:
        node, visible = stack.pop()
        if isinstance(node, exp.Table):
            yield node, node.name.lower() in visible
        with_clause = node.args.get("with_") or node.args.get("with")
        if isinstance(with_clause, exp.With):
            defined = set(visible)
            for cte in with_clause.expressions:
                stack.append((cte.this, frozenset(defined)))
                defined.add(cte.alias_or_name.lower())
            visible = frozenset(defined)
        stack.extend((child, visible) for child in node.iter_expressions() if child is not with_clause)


def _check_tables(root: exp.Expr, permitted: Mapping[str, list[str]]) -> list[str]:
    for clause in root.find_all(exp.From, exp.Join):
        source = clause.this
        if not isinstance(source, exp.Table | exp.Subquery):
            raise _reject(
                f"only curated tables and subqueries may follow FROM/JOIN, not {source.key.upper()}"
            )
    referenced: set[str] = set()
    count = 0
    for table, is_cte in _table_references(root):
        count += 1
        if not isinstance(table.this, exp.Identifier):
            raise _reject("table functions are not allowed in FROM; query the curated tables by name")
        if table.args.get("db") or table.args.get("catalog"):
            raise _reject(f"schema-qualified table names are not allowed: {table.sql()}")
        if is_cte:
            continue
        name = table.name.lower()
        if name not in permitted:
            raise _reject(f"unknown or not permitted table {table.name}")
        referenced.add(name)
    if count > MAX_TABLE_REFERENCES:
        raise _reject(f"at most {MAX_TABLE_REFERENCES} table references are allowed, found {count}")
    return sorted(referenced)


def _conjuncts(condition: exp.Expr | None) -> list[exp.Expr]:
    """The top-level AND-ed parts of a condition (an equality inside an OR links nothing)."""
    if condition is None:
        return []
    if isinstance(condition, exp.Paren):
        return _conjuncts(condition.this)
    if isinstance(condition, exp.And):
        return _conjuncts(condition.left) + _conjuncts(condition.right)
    return [condition]


def _links(conditions: list[exp.Expr], source: str, earlier: set[str]) -> bool:
    """Whether some equality ties a column of `source` to a column of an earlier source."""
    for condition in conditions:
        if isinstance(condition, exp.EQ):
            left, right = condition.left, condition.right
            if isinstance(left, exp.Column) and isinstance(right, exp.Column):
                sides = {left.table.lower(), right.table.lower()}
                if source in sides and sides - {source} <= earlier and len(sides) == 2:
                    return True
    return False


def _source_name(source: exp.Expr) -> str:
    return source.alias_or_name.lower()


def _check_join_kinds(root: exp.Expr) -> None:
    for join in root.find_all(exp.Join):
        kind = (join.kind or "").upper()
        method = str(join.args.get("method") or "").upper()
        if kind == "CROSS":
            raise _reject("CROSS JOIN is not allowed; join with ON")
        if {method, kind} & {"NATURAL", "POSITIONAL", "ASOF"}:
            raise _reject(f"{method or kind} JOIN is not allowed; join with ON")


def _check_join_links(qualified: exp.Expr) -> None:
    for select in qualified.find_all(exp.Select):
        joins = select.args.get("joins") or []
        from_clause = select.args.get("from_") or select.args.get("from")
        if not joins or not isinstance(from_clause, exp.From):
            continue
        earlier = {_source_name(from_clause.this)}
        for join in joins:
            source = _source_name(join.this)
            if join.args.get("using"):
                linked = True
            elif join.args.get("on") is not None:
                linked = _links(_conjuncts(join.args["on"]), source, earlier)
            else:
                linked = not (join.kind or join.side) and _links(
                    _conjuncts(select.args.get("where") and select.args["where"].this), source, earlier
                )
            if not linked:
                raise _reject(
                    "every join needs a join condition linking it to the tables before it "
                    "(JOIN … ON a.x = b.x, or a WHERE equality for comma joins)"
                )
            earlier.add(source)


def _qualified(root: exp.Expr, permitted: Mapping[str, list[str]], dialect: str) -> exp.Expr:
    schema: dict[str, object] = {
        table: {column: "VARCHAR" for column in columns} for table, columns in permitted.items()
    }
    try:
        return qualify(
            root.copy(),
            schema=schema,
            dialect=dialect,
            expand_stars=True,
            validate_qualify_columns=True,
            quote_identifiers=False,
            identify=False,
        )
    except OptimizeError as error:
        match = _COLUMN_IN_ERROR.search(str(error))
        name = (match.group(1) or match.group(2)) if match else _first_line(error)
        raise _reject(f"unknown or not permitted column {name}") from error


def _check_columns(qualified: exp.Expr, permitted: Mapping[str, list[str]]) -> list[str]:
    referenced: set[str] = set()
    for scope in traverse_scope(qualified):
        for column in scope.columns:
            source = scope.sources.get(column.table)
            if isinstance(source, exp.Table) and column.name:
                table = source.name.lower()
                if table in permitted:
                    if column.name.lower() not in permitted[table]:
                        raise _reject(f"unknown or not permitted column {table}.{column.name}")
                    referenced.add(f"{table}.{column.name.lower()}")
    return sorted(referenced)


def _limit_value(limit: exp.Expr) -> int:
    value = limit.args.get("expression")
    options = limit.args.get("limit_options")
    percent = limit.args.get("percent") or (options is not None and options.args.get("percent"))
    if percent or not isinstance(value, exp.Literal) or value.is_string:
        raise _reject("LIMIT must be a whole number")
    try:
        number = int(value.this)
    except ValueError as error:
        raise _reject("LIMIT must be a whole number") from error
    if number < 0:
        raise _reject("LIMIT must not be negative")
    return number


def _enforce_limit(root: exp.Expr, max_limit: int) -> None:
    limit = root.args.get("limit")
    if isinstance(limit, exp.Limit) and _limit_value(limit) <= max_limit:
        return
    if limit is not None and not isinstance(limit, exp.Limit):
        raise _reject("LIMIT must be a whole number")
    root.set("limit", exp.Limit(expression=exp.Literal.number(max_limit)))


_CHECKS = (_check_depth, _check_root, _check_forbidden_nodes, _check_functions, _check_join_kinds)


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__
