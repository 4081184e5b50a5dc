"""DuckDB SQL on PostgreSQL, with DuckDB's answers: transpiling, DuckDB's result shape, its values.

The generator writes DuckDB SQL and the guard checks it in that dialect; the PostgreSQL warehouse
runs it after `to_postgres` (sqlglot, duckdb → postgres) and returns what DuckDB would have
returned for the same data. sqlglot already carries DuckDB's float division (`a / b` on integers),
its NULL ordering (NULLS LAST) and QUALIFY over; what it does not, this module does:

- `ROUND(x, n)` and `a / b` call helper functions that the warehouse creates in every schema
  (`HELPER_FUNCTIONS`): DuckDB rounds a DOUBLE's exact binary value half away from zero
  (PostgreSQL rounds float8 half to even, and a float8 cast to numeric has only 15 digits), and
  DuckDB's division by zero gives ±inf or NaN where PostgreSQL raises an error;
- `AVG(…)` is cast to DOUBLE PRECISION (DuckDB's AVG is a DOUBLE; PostgreSQL's AVG of integers is
  an exact numeric, which would then be rounded differently);
- `ORDER BY ALL` and `GROUP BY ALL` become column positions, QUALIFY a filtered subquery
  (`_without_qualify`), and a subquery in FROM gets the alias PostgreSQL 15 requires;
- text columns are created with a code-point collation (`TEXT_COLLATIONS`), as DuckDB sorts.

Names and types of the result come from DuckDB itself: `DuckDBShapes` binds the query (no data, no
execution) in an in-memory DuckDB holding the curated tables empty, with external access off, and
`like_duckdb` gives each PostgreSQL value DuckDB's Python type (SUM of BIGINT is an integer, not a
Decimal; `count(*)` is named `count_star()`). A query DuckDB cannot bind fails as it would on the
DuckDB warehouse.
"""

from __future__ import annotations

import datetime as dt
import decimal
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from assistant.errors import CityQAError, ErrorCode
from assistant.sql.cards import TableCard
from assistant.sql.query_runner import short_error
from assistant.sql.sandbox import quote_identifier

# Card column type -> PostgreSQL column type (text gets a collation: `TEXT_COLLATIONS`).
POSTGRES_COLUMN_TYPES = {
    "VARCHAR": "text",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "DOUBLE": "double precision",
    "DATE": "date",
    "BOOLEAN": "boolean",
}
# Text compares by code point, as in DuckDB: the first of these the server has. The first three also
# change case beyond ASCII (upper, lower, ILIKE) as DuckDB does; plain "C" changes only ASCII letters.
TEXT_COLLATIONS = ("pg_c_utf8", "C.utf8", "C.UTF-8", "C")

# Created in every warehouse schema by its owner; queries find them through search_path. {schema}
# is the quoted schema name. SQL functions, so PostgreSQL inlines the non-strict ones.
HELPER_FUNCTIONS = [
    # DuckDB's ROUND(DOUBLE, n): the double's exact value rounded to n decimals, half away from
    # zero, then the nearest double. y = x·10^n (or x/10^-n) is rounded by the multiplication; when
    # y lands exactly on a tie, the exact error of that operation (Dekker's product, in double
    # arithmetic) tells on which side the exact value lies. |y| >= 2^52: x has no digit to round.
    """CREATE OR REPLACE FUNCTION {schema}.cityqa_round(x double precision, n integer)
    RETURNS double precision LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
    DECLARE
        scale double precision := power(10::float8, abs(n));
        y double precision;
        p double precision;
        err double precision;
        whole double precision;
        rest double precision;
        a_hi double precision;
        a_lo double precision;
        b_hi double precision;
        b_lo double precision;
    BEGIN
        IF x = 'NaN'::float8 OR x = 'Infinity'::float8 OR x = '-Infinity'::float8 THEN
            RETURN x;
        END IF;
        y := CASE WHEN n >= 0 THEN x * scale ELSE x / scale END;
        IF abs(y) >= 4503599627370496 THEN
            RETURN x;
        END IF;
        -- a * scale = p + err exactly, for a = x (n >= 0) or a = y (n < 0)
        a_hi := 134217729 * (CASE WHEN n >= 0 THEN x ELSE y END);
        a_hi := a_hi - (a_hi - (CASE WHEN n >= 0 THEN x ELSE y END));
        a_lo := (CASE WHEN n >= 0 THEN x ELSE y END) - a_hi;
        b_hi := 134217729 * scale;
        b_hi := b_hi - (b_hi - scale);
        b_lo := scale - b_hi;
        p := (CASE WHEN n >= 0 THEN x ELSE y END) * scale;
        err := ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo;
        IF n < 0 THEN
            err := (x - p) - err;  -- x - y·scale: the exact quotient lies beyond y on its side
        END IF;
        whole := trunc(y);
        rest := abs(y - whole);
        IF rest > 0.5 OR (rest = 0.5 AND sign(err) * sign(y) >= 0) THEN
            whole := whole + sign(y);
        END IF;
        RETURN CASE WHEN n >= 0 THEN whole / scale ELSE whole * scale END;
    END $$""",
    # DuckDB's ROUND of a DECIMAL: exact, half away from zero, which is PostgreSQL's numeric round.
    """CREATE OR REPLACE FUNCTION {schema}.cityqa_round(x numeric, n integer)
    RETURNS numeric LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT round(x, n) $$""",
    # DuckDB's ROUND of an integer: itself, or rounded to tens, hundreds … for a negative n.
    """CREATE OR REPLACE FUNCTION {schema}.cityqa_round(x bigint, n integer)
    RETURNS bigint LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT CASE WHEN n >= 0 THEN x ELSE round(x::numeric, n)::bigint END $$""",
    """CREATE OR REPLACE FUNCTION {schema}.cityqa_round(x integer, n integer)
    RETURNS integer LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT CASE WHEN n >= 0 THEN x ELSE round(x::numeric, n)::integer END $$""",
    # DuckDB's `/`: double division, ±inf or NaN when dividing by zero.
    """CREATE OR REPLACE FUNCTION {schema}.cityqa_div(x double precision, y double precision)
    RETURNS double precision LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT CASE WHEN y <> 0 OR y = 'NaN'::float8 OR x = 'NaN'::float8 THEN x / y
        WHEN x > 0 THEN 'Infinity'::float8 WHEN x < 0 THEN '-Infinity'::float8
        ELSE 'NaN'::float8 END $$""",
]

_INTEGER_TYPES = frozenset(
    "TINYINT SMALLINT INTEGER BIGINT HUGEINT UTINYINT USMALLINT UINTEGER UBIGINT UHUGEINT".split()
)
_FLOAT_TYPES = frozenset({"DOUBLE", "FLOAT"})


def parse_duckdb(sql: str) -> exp.Expr:
    """One statement in DuckDB's dialect (SQL_FAILED when it does not parse)."""
    try:
        statements = [statement for statement in sqlglot.parse(sql, read="duckdb") if statement is not None]
    except (SqlglotError, RecursionError) as error:
        raise CityQAError(
            ErrorCode.SQL_FAILED, f"the query could not be parsed: {short_error(error)}"
        ) from error
    if len(statements) != 1:
        raise CityQAError(ErrorCode.SQL_FAILED, "exactly one statement can run")
    return statements[0]


def to_postgres(statement: exp.Expr, output_names: list[str] | None = None) -> str:
    """`statement` (parsed as DuckDB) as PostgreSQL SQL with DuckDB's semantics (see the module
    docstring). `output_names`: DuckDB's names of the result's columns (ORDER BY ALL, QUALIFY)."""
    tree = statement.copy()
    # Deepest first, so that a rewritten node is built from rewritten children.
    for node in reversed(list(tree.find_all(exp.Avg, exp.Round, exp.Div, bfs=False))):
        _rewrite(node)
    for select in tree.find_all(exp.Select):
        _expand_group_by_all(select)
    _expand_order_by_all(tree, len(output_names) if output_names else None)
    for number, subquery in enumerate(tree.find_all(exp.Subquery)):
        if not subquery.alias and isinstance(subquery.parent, exp.From | exp.Join):
            subquery.set("alias", exp.TableAlias(this=exp.to_identifier(f"_cityqa_s{number}")))
    for select in reversed(list(tree.find_all(exp.Select, bfs=False))):
        if select.args.get("qualify") is not None:
            replaced = _without_qualify(select, output_names if select is tree else None)
            tree = replaced if select is tree else tree
    try:
        return tree.sql(dialect="postgres", comments=False)
    except (SqlglotError, RecursionError) as error:
        raise CityQAError(
            ErrorCode.SQL_FAILED, f"the query cannot run on PostgreSQL: {short_error(error)}"
        ) from error


def _rewrite(node: exp.Expr) -> None:
    if isinstance(node, exp.Avg):
        target: exp.Expr = node
        while isinstance(target.parent, exp.Filter | exp.Window) and target.parent.this is target:
            target = target.parent
        target.replace(exp.cast(target.copy(), exp.DataType.build("DOUBLE")))
    elif isinstance(node, exp.Round):
        digits = node.args.get("decimals") or exp.Literal.number(0)
        node.replace(exp.Anonymous(this="cityqa_round", expressions=[node.this, digits]))
    elif isinstance(node, exp.Div) and not node.args.get("typed"):
        node.replace(exp.Anonymous(this="cityqa_div", expressions=[node.this, node.expression]))


def _expand_group_by_all(select: exp.Select) -> None:
    group = select.args.get("group")
    if not isinstance(group, exp.Group) or not group.args.get("all"):
        return
    positions = [
        exp.Literal.number(position)
        for position, expression in enumerate(select.expressions, 1)
        if expression.find(exp.AggFunc, exp.Window) is None
    ]
    select.set("group", exp.Group(expressions=positions) if positions else None)


def _expand_order_by_all(tree: exp.Expr, output_columns: int | None) -> None:
    order = tree.args.get("order")
    if not isinstance(order, exp.Order) or not output_columns:
        return
    expanded: list[exp.Expr] = []
    for ordered in order.expressions:
        is_all = isinstance(ordered.this, exp.Var) and ordered.name.upper() == "ALL"
        if isinstance(ordered, exp.Ordered) and is_all:
            expanded += [
                exp.Ordered(
                    this=exp.Literal.number(position),
                    desc=ordered.args.get("desc"),
                    nulls_first=ordered.args.get("nulls_first"),
                )
                for position in range(1, output_columns + 1)
            ]
        else:
            expanded.append(ordered)
    order.set("expressions", expanded)


def _without_qualify(select: exp.Select, names: list[str] | None) -> exp.Select:
    """SELECT … QUALIFY c ORDER BY o LIMIT l as SELECT … FROM (SELECT …, c AS q) WHERE q ORDER BY o
    LIMIT l: DuckDB filters by QUALIFY before DISTINCT, ORDER BY and LIMIT (sqlglot's own rewrite
    orders and limits inside the subquery, and rewrites an aggregate that shares its alias's name).
    The outer query keeps the columns and names of the original; `select` is replaced in its tree."""
    qualify = select.args["qualify"]
    inner = select.copy()
    for key in ("qualify", "order", "limit", "offset", "distinct", "with_"):
        inner.set(key, None)
    outputs = list(select.expressions)
    star = any(isinstance(output, exp.Star) or isinstance(output.this, exp.Star) for output in outputs)
    if star and not names:
        raise CityQAError(ErrorCode.SQL_FAILED, "QUALIFY over SELECT * cannot run on PostgreSQL")
    # Output name -> the outer query's reference to it.
    position_of: dict[str, exp.Expr] = {}
    if star:
        assert names is not None
        outer_columns: list[exp.Expr] = [exp.column(name, quoted=True) for name in names]
        position_of = {name: exp.column(name, quoted=True) for name in names}
    else:
        inner.set(
            "expressions",
            [exp.alias_(output.unalias().copy(), f"_cityqa_c{n}") for n, output in enumerate(outputs, 1)],
        )
        outer_columns = [
            exp.alias_(
                exp.column(f"_cityqa_c{n}"),
                names[n - 1] if names and len(names) == len(outputs) else output.alias_or_name or f"c{n}",
                quoted=True,
            )
            for n, output in enumerate(outputs, 1)
        ]
        for n, output in reversed(list(enumerate(outputs, 1))):  # the first of equal names wins
            if output.alias_or_name:
                position_of[output.alias_or_name] = exp.column(f"_cityqa_c{n}")
    # QUALIFY may name a window function by its alias (which a SELECT list cannot).
    windows = {
        output.alias: output.unalias() for output in outputs if output.alias and output.find(exp.Window)
    }
    condition = qualify.this.copy()
    for column in list(condition.find_all(exp.Column)):
        if not column.table and column.name in windows:
            column.replace(windows[column.name].copy())
    hidden: list[exp.Expr] = []
    outer_order: list[exp.Expr] = []
    order = select.args.get("order")
    for ordered in order.expressions if isinstance(order, exp.Order) else []:
        key = ordered.this
        if isinstance(key, exp.Literal) and not key.is_string:
            target: exp.Expr = key.copy()  # a position: the same in the outer query
        elif isinstance(key, exp.Column) and not key.table and key.name in position_of:
            target = position_of[key.name].copy()
        else:
            hidden.append(exp.alias_(key.copy(), f"_cityqa_o{len(hidden) + 1}"))
            target = exp.column(f"_cityqa_o{len(hidden)}")
        copied = ordered.copy()
        copied.set("this", target)
        outer_order.append(copied)
    inner.set("expressions", [*inner.expressions, *hidden, exp.alias_(condition, "_cityqa_qualify")])
    outer = exp.Select(expressions=outer_columns).from_(
        exp.Subquery(this=inner, alias=exp.TableAlias(this=exp.to_identifier("_cityqa_q")))
    )
    outer = outer.where(exp.column("_cityqa_qualify"))
    for key in ("distinct", "limit", "offset", "with_"):
        outer.set(key, select.args.get(key))
    outer.set("order", exp.Order(expressions=outer_order) if outer_order else None)
    select.replace(outer)
    return outer


# -- DuckDB's result shape --------------------------------------------------------------------------
@dataclass(frozen=True)
class ResultShape:
    columns: list[str]
    types: list[str]  # DuckDB type names: BIGINT, HUGEINT, DOUBLE, DECIMAL(18,2), VARCHAR …


class DuckDBShapes:
    """What DuckDB would name and type a query's columns, over the curated tables held empty."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: str | None = None
        self._connection: duckdb.DuckDBPyConnection | None = None

    def shape(
        self, statement: exp.Expr, sql: str, cards: Mapping[str, TableCard], version: str
    ) -> ResultShape | None:
        """The shape of `sql` (a query; None for anything else, which PostgreSQL alone judges)."""
        if not isinstance(statement, exp.Query):
            return None
        cursor = self._connection_for(cards, version).cursor()
        try:
            relation = cursor.sql(sql)  # binds; nothing runs
            if relation is None:
                return None
            return ResultShape(list(relation.columns), [str(type_) for type_ in relation.types])
        except duckdb.Error as error:
            raise CityQAError(ErrorCode.SQL_FAILED, short_error(error)) from error
        finally:
            cursor.close()

    def _connection_for(self, cards: Mapping[str, TableCard], version: str) -> duckdb.DuckDBPyConnection:
        with self._lock:
            if self._connection is None or self._version != version:
                # The one replaced is not closed: a query may still be binding on it (it goes with
                # its last cursor).
                connection = duckdb.connect(
                    ":memory:",
                    config={
                        "enable_external_access": False,
                        "autoinstall_known_extensions": False,
                        "autoload_known_extensions": False,
                        "threads": 1,
                    },
                )
                for card in cards.values():
                    columns = ", ".join(f"{quote_identifier(c.name)} {c.type}" for c in card.columns)
                    connection.execute(f"CREATE TABLE {quote_identifier(card.name)} ({columns})")
                connection.execute("SET lock_configuration = true")
                self._connection, self._version = connection, version
            return self._connection

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
            self._connection = None


def like_duckdb(value: Any, duckdb_type: str) -> Any:
    """A PostgreSQL value as the Python value DuckDB gives for a column of `duckdb_type`."""
    if value is None or isinstance(value, bool):
        return value
    base = duckdb_type.split("(", 1)[0].strip().upper()
    if base in _INTEGER_TYPES:
        if isinstance(value, decimal.Decimal) and value.is_finite() and value == value.to_integral_value():
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
    elif base in _FLOAT_TYPES and isinstance(value, int | decimal.Decimal):
        return float(value)
    elif base == "DECIMAL" and isinstance(value, int | float):
        return decimal.Decimal(str(value))
    elif base == "DATE" and isinstance(value, dt.datetime):
        return value.date()
    return value
