"""A PostgreSQL warehouse schema: its curated tables, card metadata, helper functions and the logins
queries run as. Every function takes the owner's connection (in autocommit mode) and a schema name.

One schema per store generation (`<prefix>_g<n>`), owned by the warehouse's owner login, closed to
PUBLIC. Beside the curated tables it holds three private tables that no query login is granted:
`_cityqa_cards` (card JSON by table), `_cityqa_version` (bumped by every change, so readers know when
to read the metadata again) and `_cityqa_logins` (the query logins of this schema, their tables and
passwords).

Why a login per permission set, not one read-only login that does `SET LOCAL ROLE` per query: the
login that switches roles stays a member of every role it may switch to, and one statement can switch
again and read through a function that runs SQL at run time. Shown here on PostgreSQL 15:
`SELECT set_config('role', '<role of all tables>', true), query_to_xml('SELECT * FROM restricted', …)`
run as the public role returns the restricted rows. A query login here is a member of no role: it has
CONNECT, USAGE on its schema and SELECT on exactly the tables of its set, so no SQL it sends, guarded
or not, reads anything else; and it defaults to read-only transactions.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Collection

import psycopg
from psycopg import sql

from assistant.sql.postgres_sql import HELPER_FUNCTIONS, TEXT_COLLATIONS

logger = logging.getLogger(__name__)

CARDS_TABLE = "_cityqa_cards"
VERSION_TABLE = "_cityqa_version"
LOGINS_TABLE = "_cityqa_logins"
PRIVATE_PREFIX = "_cityqa_"
# A ceiling for anything a query login runs; every query also sets its own, lower limit.
LOGIN_STATEMENT_TIMEOUT = "60s"
LOGIN_CONNECTION_LIMIT = 32


def _table(schema: str, name: str) -> sql.Composed:
    return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(name))


def schema_exists(connection: psycopg.Connection, schema: str) -> bool:
    row = connection.execute(
        "SELECT to_regclass(format('%%I.%%I', %s::text, %s::text))", [schema, VERSION_TABLE]
    ).fetchone()
    return row is not None and row[0] is not None


def ensure_schema(connection: psycopg.Connection, schema: str) -> None:
    """The schema with its private tables and helper functions (idempotent; in the caller's transaction)."""
    quoted = sql.Identifier(schema)
    connection.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(quoted))
    connection.execute(sql.SQL("REVOKE ALL ON SCHEMA {} FROM PUBLIC").format(quoted))
    connection.execute(
        sql.SQL("CREATE TABLE IF NOT EXISTS {} (name text PRIMARY KEY, card_json text NOT NULL)").format(
            _table(schema, CARDS_TABLE)
        )
    )
    connection.execute(
        sql.SQL("CREATE TABLE IF NOT EXISTS {} (version bigint NOT NULL)").format(
            _table(schema, VERSION_TABLE)
        )
    )
    connection.execute(
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {} "
            "(login text PRIMARY KEY, tables text[] NOT NULL, password text NOT NULL)"
        ).format(_table(schema, LOGINS_TABLE))
    )
    connection.execute(
        sql.SQL("INSERT INTO {0} SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM {0})").format(
            _table(schema, VERSION_TABLE)
        )
    )
    for statement in HELPER_FUNCTIONS:
        connection.execute(sql.SQL(statement).format(schema=quoted))  # type: ignore[arg-type]


def bump_version(connection: psycopg.Connection, schema: str) -> None:
    connection.execute(sql.SQL("UPDATE {} SET version = version + 1").format(_table(schema, VERSION_TABLE)))


def read_version(connection: psycopg.Connection, schema: str) -> str:
    """Changes with every write to the schema; "" when the schema does not exist."""
    if not schema_exists(connection, schema):
        return ""
    query = sql.SQL("SELECT version FROM {}").format(_table(schema, VERSION_TABLE))
    row = connection.execute(query).fetchone()
    return f"{schema}:{row[0] if row else 0}"


def read_tables(connection: psycopg.Connection, schema: str) -> dict[str, list[str]]:
    """Curated table -> columns in order (never the private `_cityqa_*` tables)."""
    rows = connection.execute(
        "SELECT c.relname, a.attname FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
        "WHERE n.nspname = %s AND c.relkind = 'r' AND left(c.relname, length(%s)) <> %s "
        "ORDER BY c.relname, a.attnum",
        [schema, PRIVATE_PREFIX, PRIVATE_PREFIX],
    ).fetchall()
    tables: dict[str, list[str]] = {}
    for table, column in rows:
        tables.setdefault(table, []).append(column)
    return tables


def read_cards(connection: psycopg.Connection, schema: str) -> list[tuple[str, str]]:
    return [
        (str(name), str(card_json))
        for name, card_json in connection.execute(
            sql.SQL("SELECT name, card_json FROM {} ORDER BY name").format(_table(schema, CARDS_TABLE))
        ).fetchall()
    ]


def text_collation(connection: psycopg.Connection) -> str:
    """The collation of text columns: the first of `TEXT_COLLATIONS` this database has."""
    rows = connection.execute(
        "SELECT collname FROM pg_collation WHERE collname = ANY(%s) "
        "AND collencoding IN (-1, pg_char_to_encoding('UTF8'))",
        [list(TEXT_COLLATIONS)],
    ).fetchall()
    present = {str(row[0]) for row in rows}
    return next((name for name in TEXT_COLLATIONS if name in present), "C")


# -- the query logins -----------------------------------------------------------------------------
def login_name(database: str, schema: str, tables: Collection[str]) -> str:
    """The login of one set of tables: named by the schema (so a generation's logins go with it) and
    a digest of the database, schema and tables (role names are shared by the whole server)."""
    digest = hashlib.sha256("\x1f".join([database, schema, *sorted(tables)]).encode()).hexdigest()[:12]
    return f"{schema}_r{digest}"


def ensure_query_login(
    connection: psycopg.Connection, schema: str, tables: Collection[str]
) -> tuple[str, str]:
    """(login, password) of the login that may read exactly `tables` of `schema`, created on first use
    (one transaction under an advisory lock, so processes asking at once create it once)."""
    database = connection.info.dbname
    login = login_name(database, schema, tables)
    logins = _table(schema, LOGINS_TABLE)
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [login])
        row = connection.execute(
            sql.SQL("SELECT password FROM {} WHERE login = %s").format(logins), [login]
        ).fetchone()
        if row is not None:
            return login, str(row[0])
        password = secrets.token_urlsafe(32)
        # The verifier, not the password, goes to the server (and so to no statement log).
        verifier = connection.pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256")
        role = sql.Identifier(login)
        exists = connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [login]).fetchone()
        connection.execute(
            sql.SQL(
                "{} ROLE {} WITH LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                "CONNECTION LIMIT {} PASSWORD {}"
            ).format(
                sql.SQL("ALTER" if exists else "CREATE"),
                role,
                sql.Literal(LOGIN_CONNECTION_LIMIT),
                sql.Literal(verifier.decode()),
            )
        )
        for setting, value in (
            ("default_transaction_read_only", "on"),
            ("statement_timeout", LOGIN_STATEMENT_TIMEOUT),
            ("idle_in_transaction_session_timeout", "60s"),
        ):
            connection.execute(
                sql.SQL("ALTER ROLE {} SET {} = {}").format(role, sql.Identifier(setting), sql.Literal(value))
            )
        may_connect = connection.execute(
            "SELECT has_database_privilege(%s, %s, 'CONNECT')", [login, database]
        ).fetchone()
        if not (may_connect and may_connect[0]):  # PUBLIC's CONNECT revoked, as the README advises
            connection.execute(
                sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), role)
            )
        connection.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema), role))
        existing = read_tables(connection, schema)
        for table in sorted(tables):
            if table in existing:
                connection.execute(sql.SQL("GRANT SELECT ON {} TO {}").format(_table(schema, table), role))
        connection.execute(
            sql.SQL("INSERT INTO {} (login, tables, password) VALUES (%s, %s, %s)").format(logins),
            [login, sorted(tables), password],
        )
    logger.info("created warehouse login %s for %d table(s) of %s", login, len(tables), schema)
    return login, password


def grant_to_logins(connection: psycopg.Connection, schema: str, table: str) -> None:
    """Give `table` (created again) back to the logins whose set holds it (in the caller's transaction)."""
    rows = connection.execute(
        sql.SQL("SELECT login FROM {} WHERE %s = ANY(tables)").format(_table(schema, LOGINS_TABLE)), [table]
    ).fetchall()
    for (login,) in rows:
        connection.execute(
            sql.SQL("GRANT SELECT ON {} TO {}").format(_table(schema, table), sql.Identifier(str(login)))
        )


# -- generations: copy and drop ---------------------------------------------------------------------
def copy_schema(connection: psycopg.Connection, base: str, target: str) -> None:
    """Make `target` hold what `base` holds (tables, cards; not its logins). A missing `base` leaves
    no `target` (it is created by the first write, as a DuckDB file is)."""
    if base == target:
        raise ValueError(f"cannot copy warehouse schema {base} onto itself")
    drop_schema(connection, target)
    if not schema_exists(connection, base):
        return
    with connection.transaction():
        ensure_schema(connection, target)
        for table in read_tables(connection, base):
            connection.execute(
                sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL)").format(
                    _table(target, table), _table(base, table)
                )
            )
            connection.execute(
                sql.SQL("INSERT INTO {} SELECT * FROM {}").format(_table(target, table), _table(base, table))
            )
        connection.execute(
            sql.SQL("INSERT INTO {} SELECT name, card_json FROM {}").format(
                _table(target, CARDS_TABLE), _table(base, CARDS_TABLE)
            )
        )
        bump_version(connection, target)


def drop_schema(connection: psycopg.Connection, schema: str) -> None:
    """Drop `schema` with its tables, and its query logins."""
    database = connection.info.dbname
    with connection.transaction():
        logins: list[str] = []
        if schema_exists(connection, schema):
            logins = [
                str(row[0])
                for row in connection.execute(
                    sql.SQL("SELECT login FROM {}").format(_table(schema, LOGINS_TABLE))
                ).fetchall()
            ]
        connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
        for login in logins:
            role = sql.Identifier(login)
            connection.execute(
                sql.SQL("REVOKE ALL ON DATABASE {} FROM {}").format(sql.Identifier(database), role)
            )
            connection.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(role))
    if logins:
        logger.info("dropped warehouse schema %s and its %d login(s)", schema, len(logins))
