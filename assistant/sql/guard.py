"""The SQL guard: the first layer of defence between generated SQL and the warehouse.

`guard_sql` accepts exactly one read-only query over the curated tables the asking user may see and
returns the normalised SQL that will run, with a LIMIT enforced. Anything else is refused with
`CityQAError(SQL_REJECTED, reason)`. The checks, in order:

1. one statement (no `;`-separated second statement, however hidden in comments);
2. it parses (sqlglot), and its root is a SELECT, a UNION/INTERSECT/EXCEPT of SELECTs, or WITH … SELECT;
3. no statement-level nodes anywhere (DDL, DML, COPY, ATTACH, PRAGMA, SET, … and sqlglot `Command`s),
   no SELECT … INTO, no VALUES, no LATERAL, no recursive CTEs;
4. functions: a blocklist of file, system, catalog and extension functions, and an allowlist for
   functions sqlglot does not know (`Anonymous`);
5. tables: only plain names of curated tables in `allowed` or CTEs of the statement — no schemas,
   no table functions, no `FROM 'file.csv'` replacement scans;
6. joins: every join has ON/USING (comma joins need a WHERE equality), at most three table references;
7. columns: every column resolves to a permitted column, a CTE/subquery output or a SELECT alias;
8. LIMIT: added when absent, lowered to `max_limit` when larger.

The warehouse's read-only, no-external-access connection is the second, independent layer.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

import sqlglot
from pydantic import BaseModel, Field
from sqlglot import exp
from sqlglot.errors import OptimizeError, SqlglotError
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import traverse_scope

from assistant.errors import CityQAError, ErrorCode

MAX_SQL_CHARS = 10_000
MAX_TABLE_REFERENCES = 3
_COLUMN_IN_ERROR = re.compile(r"(?:Column '([^']+)' could not be resolved|Unknown column: (\S+))")

# Statement-level or otherwise unneeded node types; any of them anywhere in the tree is refused.
_FORBIDDEN_NODE_WORDS = (
    "Command Create Insert Update Delete Merge Drop Alter Copy Attach Detach Install Pragma Set Use "
    "Describe Show Summarize Transaction Commit Rollback Kill Analyze Grant Revoke Comment "
    "TruncateTable Refresh Cache Uncache LoadData Export Declare Execute Into Values Lateral Pivot "
    "Unpivot Fetch Semicolon TableFromRows"
)
_FORBIDDEN_NODE_NAMES = _FORBIDDEN_NODE_WORDS.split()
_FORBIDDEN_NODE_TYPES: tuple[type[exp.Expr], ...] = tuple(
    getattr(exp, name) for name in _FORBIDDEN_NODE_NAMES if hasattr(exp, name)
)

_BLOCKED_FUNCTION_WORDS = (
    "read_ duckdb_ pg_ sqlite_ postgres_ mysql_ http write_ pragma_ parquet_ iceberg_ delta_ st_read "
    "json_execute load install glob sniff_ query current_setting getenv getvariable system shell "
    "copy export import checkpoint force_checkpoint which_secret sql_auto_complete test_ enum_range"
)
_BLOCKED_FUNCTION_PREFIXES = tuple(_BLOCKED_FUNCTION_WORDS.split())
_BLOCKED_FUNCTION_SUFFIXES = ("_scan", "_metadata", "_schema")
_BLOCKED_FUNCTION_NAMES = frozenset(
    {"range", "generate_series", "readcsv", "readparquet", "sleep_ms", "nextval", "currval", "setseed"}
)

# Functions sqlglot does not model (parsed as Anonymous) that generated statistics SQL may use.
ALLOWED_UNKNOWN_FUNCTIONS = frozenset(
    {
        "round",
        "abs",
        "coalesce",
        "nullif",
        "ifnull",
        "lower",
        "upper",
        "strftime",
        "date_part",
        "datepart",
        "year",
        "month",
        "greatest",
        "least",
        "ln",
        "sqrt",
        "power",
        "length",
        "strlen",
        "substr",
        "trim",
        "concat",
        "regexp_matches",
        "round_even",
        "fsum",
        "favg",
        "percent_rank",
    }
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
    root = _parse_single_statement(sql, dialect)
    _check_root(root)
    _check_forbidden_nodes(root)
    _check_functions(root)
    tables = _check_tables(root, permitted)
    _check_joins(root)
    columns = _check_columns(root, permitted, dialect)
    _enforce_limit(root, max_limit)
    return GuardedSql(sql=root.sql(dialect=dialect, comments=False), tables=tables, columns=columns)


def _parse_single_statement(sql: str, dialect: str) -> exp.Expr:
    if not sql or not sql.strip():
        raise _reject("the query is empty")
    if len(sql) > MAX_SQL_CHARS:
        raise _reject(f"the query is longer than {MAX_SQL_CHARS} characters")
    try:
        tokens = sqlglot.tokenize(sql, read=dialect)
    except SqlglotError as error:
        raise _reject(f"the query could not be read: {_first_line(error)}") from error
    for position, token in enumerate(tokens):
        if token.token_type == sqlglot.TokenType.SEMICOLON and position != len(tokens) - 1:
            raise _reject("only one statement is allowed (found ';' followed by more SQL)")
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except SqlglotError as error:
        raise _reject(f"the query could not be parsed: {_first_line(error)}") from error
    statements = [s for s in statements if not isinstance(s, exp.Semicolon)]
    if len(statements) != 1:
        raise _reject(f"exactly one statement is allowed, found {len(statements)}")
    return statements[0]


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


def _is_blocked_function(name: str) -> bool:
    return (
        name in _BLOCKED_FUNCTION_NAMES
        or name.startswith(_BLOCKED_FUNCTION_PREFIXES)
        or name.endswith(_BLOCKED_FUNCTION_SUFFIXES)
    )


def _check_functions(root: exp.Expr) -> None:
    for node in root.find_all(exp.Func):
        if isinstance(node, exp.GenerateSeries):
            raise _reject("range() and generate_series() are not allowed")
        name = _function_name(node)
        if _is_blocked_function(name) or isinstance(node, exp.ReadCSV | exp.ReadParquet):
            raise _reject(f"function {name}() is not allowed")
        if isinstance(node, exp.Anonymous) and name not in ALLOWED_UNKNOWN_FUNCTIONS:
            raise _reject(f"function {name}() is not allowed (not on the list of permitted functions)")


def _is_cte_reference(table: exp.Table) -> bool:
    """True when a WITH around `table` defines its name (a CTE's own body does not count)."""
    name = table.name.lower()
    ancestors: list[exp.Expr] = []
    node = table.parent
    while node is not None:
        ancestors.append(node)
        node = node.parent
    enclosing = {id(ancestor) for ancestor in ancestors}
    for ancestor in ancestors:
        with_clause = ancestor.args.get("with_") or ancestor.args.get("with")
        if isinstance(with_clause, exp.With):
            for cte in with_clause.expressions:
                if cte.alias_or_name.lower() == name and id(cte) not in enclosing:
                    return True
    return False


def _check_tables(root: exp.Expr, permitted: Mapping[str, list[str]]) -> list[str]:
    for clause in root.find_all(exp.From, exp.Join):
        source = clause.this
        if not isinstance(source, exp.Table | exp.Subquery):
            raise _reject(
                f"only curated tables and subqueries may follow FROM/JOIN, not {source.key.upper()}"
            )
    referenced: set[str] = set()
    count = 0
    for table in root.find_all(exp.Table):
        count += 1
        if not isinstance(table.this, exp.Identifier):
            raise _reject("table functions are not allowed in FROM; query the curated tables by name")
        if table.args.get("db") or table.args.get("catalog"):
            raise _reject(f"schema-qualified table names are not allowed: {table.sql()}")
        name = table.name.lower()
        if _is_cte_reference(table):
            continue
        if name not in permitted:
            raise _reject(f"unknown or not permitted table {table.name}")
        referenced.add(name)
    if count > MAX_TABLE_REFERENCES:
        raise _reject(f"at most {MAX_TABLE_REFERENCES} table references are allowed, found {count}")
    return sorted(referenced)


def _links_by_equality(where: exp.Expr | None) -> bool:
    if where is None:
        return False
    return any(
        isinstance(eq.left, exp.Column) and isinstance(eq.right, exp.Column) for eq in where.find_all(exp.EQ)
    )


def _check_joins(root: exp.Expr) -> None:
    for join in root.find_all(exp.Join):
        kind = (join.kind or "").upper()
        method = str(join.args.get("method") or "").upper()
        if kind == "CROSS":
            raise _reject("CROSS JOIN is not allowed; join with ON")
        if method in {"NATURAL", "POSITIONAL", "ASOF"} or kind in {"NATURAL", "POSITIONAL", "ASOF"}:
            raise _reject(f"{method or kind} JOIN is not allowed; join with ON")
        if join.args.get("on") or join.args.get("using"):
            continue
        select = join.parent
        if (
            kind
            or join.side
            or not isinstance(select, exp.Select)
            or not _links_by_equality(select.args.get("where"))
        ):
            raise _reject(
                "every join needs a join condition (JOIN … ON, or a WHERE equality for comma joins)"
            )


def _check_columns(root: exp.Expr, permitted: Mapping[str, list[str]], dialect: str) -> list[str]:
    schema: dict[str, object] = {
        table: {column: "VARCHAR" for column in columns} for table, columns in permitted.items()
    }
    try:
        qualified = qualify(
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
    except SqlglotError as error:
        raise _reject(f"the query's columns could not be resolved: {_first_line(error)}") from error
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


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__
