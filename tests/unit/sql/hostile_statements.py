"""Statements the SQL guard must refuse, by category.

The curated tables of the test warehouse are `population_by_district_2025` and `district_land_area`;
`staff_salaries_2025` exists but is restricted, so it is never in the permitted tables. Relative file
names (cityqa_pwned.csv) land in the test's working directory if anything ever writes them.
"""

from __future__ import annotations

POP = "population_by_district_2025"
AREA = "district_land_area"
SECRET = "staff_salaries_2025"

DDL_AND_DML = [
    f"DROP TABLE {POP}",
    f"DROP TABLE IF EXISTS {AREA}",
    "DROP SCHEMA main CASCADE",
    f"DELETE FROM {POP}",
    "DELETE FROM _cityqa_cards",
    f"UPDATE {POP} SET total_population = 0",
    f"INSERT INTO {POP} VALUES ('x', 'x', 1, 1, 1.0)",
    f"INSERT INTO {AREA} SELECT * FROM {AREA}",
    f"INSERT INTO {AREA} VALUES ('x', 1.0) RETURNING *",
    "CREATE TABLE pwned AS SELECT 1 AS a",
    f"CREATE OR REPLACE TABLE {POP} AS SELECT 1 AS a",
    f"CREATE VIEW v AS SELECT * FROM {POP}",
    "CREATE TEMP TABLE t AS SELECT 1 AS a",
    "CREATE MACRO pwn(a) AS a",
    "CREATE MACRO rc(p) AS TABLE SELECT * FROM read_csv(p)",
    "CREATE FUNCTION f(a) AS a",
    "CREATE SECRET s (TYPE S3, KEY_ID 'x', SECRET 'y')",
    "CREATE SEQUENCE seq",
    "CREATE SCHEMA evil",
    f"CREATE INDEX i ON {POP}(district)",
    f"ALTER TABLE {POP} ADD COLUMN x INTEGER",
    f"ALTER TABLE {AREA} RENAME TO d2",
    f"TRUNCATE {POP}",
    f"MERGE INTO {AREA} AS t USING {AREA} AS s ON t.district = s.district WHEN MATCHED THEN DELETE",
    f"COMMENT ON TABLE {AREA} IS 'x'",
    "BEGIN TRANSACTION",
    "ROLLBACK",
    "VACUUM",
    "ANALYZE",
    f"SELECT * INTO pwned FROM {POP}",
    f"WITH x AS (DELETE FROM {AREA} RETURNING *) SELECT * FROM x",
]

MULTIPLE_STATEMENTS = [
    f"SELECT 1; DROP TABLE {POP}",
    f"SELECT 1; -- x\n DROP TABLE {AREA}",
    f"SELECT 1 /* harmless */; DELETE FROM {AREA}",
    f"SELECT district FROM {AREA}; SELECT * FROM read_csv('/etc/passwd')",
    f"/* SELECT 1 */ DROP TABLE {AREA}",
    f"-- SELECT 1\nDROP TABLE {AREA}",
    f"SELECT 1 -- ; harmless\n; DROP TABLE {AREA}",
    f"SELECT 1;;DROP TABLE {AREA}",
    f"SELECT ';' AS s; DROP TABLE {AREA}",
    f"SELECT 1 /*; */ ; COPY {AREA} TO 'cityqa_pwned.csv'",
    f";DROP TABLE {AREA}",
    "SELECT 1;\nATTACH 'cityqa_pwned.db' AS x",
    f"SELECT * FROM {AREA};\u200bDROP TABLE {AREA}",
    f"SELECT 1;\u00a0DROP TABLE {AREA}",
    f"SELECT\tdistrict FROM {AREA};\r\nDROP TABLE {AREA}",
]

FILE_AND_SYSTEM_FUNCTIONS = [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_csv_auto('/etc/passwd')",
    "SELECT * FROM READ_CSV('/etc/passwd', header = false)",
    "SELECT * FROM read_parquet('x.parquet')",
    "SELECT * FROM read_json('/etc/hosts')",
    "SELECT * FROM read_json_auto('x.json')",
    "SELECT * FROM read_ndjson('x.json')",
    "SELECT content FROM read_text('/etc/passwd')",
    "SELECT content FROM read_blob('/etc/shadow')",
    "SELECT * FROM read_xlsx('x.xlsx')",
    "SELECT * FROM glob('/*')",
    "SELECT * FROM sniff_csv('/etc/passwd')",
    "SELECT * FROM parquet_scan('x.parquet')",
    "SELECT * FROM parquet_metadata('x.parquet')",
    "SELECT * FROM sqlite_scan('x.db', 'users')",
    "SELECT * FROM postgres_scan('host=x', 'public', 't')",
    "SELECT * FROM iceberg_scan('s3://bucket/t')",
    "SELECT * FROM delta_scan('s3://bucket/t')",
    "SELECT * FROM st_read('x.shp')",
    "SELECT * FROM 'cityqa_secret.csv'",
    "SELECT * FROM '/etc/passwd'",
    'SELECT * FROM "/etc/passwd"',
    "SELECT * FROM 'https://example.com/data.parquet'",
    "SELECT * FROM 's3://bucket/data.parquet'",
    "FROM '/etc/passwd'",
    "SELECT getenv('HOME')",
    "SELECT upper(getenv('HOME')) AS h",
    "SELECT current_setting('enable_external_access')",
    f"SELECT * FROM {AREA} WHERE district = current_setting('home_directory')",
    "SELECT getvariable('x')",
    "SELECT * FROM query('SELECT 1')",
    f"SELECT * FROM query_table('{AREA}')",
    "SELECT json_execute_serialized_sql('{}')",
    "SELECT http_get('https://example.com')",
    "SELECT load_extension('x')",
    "SELECT system('rm -rf /')",
    "SELECT shell('ls')",
    "SELECT sleep_ms(100000)",
    "SELECT nextval('seq')",
    "SELECT setseed(0.1)",
    "SELECT sql_auto_complete('SEL')",
    f"SELECT district FROM {AREA} WHERE district IN (SELECT column0 FROM read_csv('/etc/passwd'))",
    "SELECT (SELECT count(*) FROM read_csv('/etc/passwd')) AS n",
    f"SELECT district FROM {AREA} WHERE EXISTS (SELECT 1 FROM glob('/root/*'))",
    "WITH f AS (SELECT * FROM read_csv('/etc/passwd')) SELECT * FROM f",
    f"SELECT district FROM {AREA} UNION ALL SELECT column0 FROM read_csv('/etc/passwd')",
    f"SELECT * FROM {AREA} d JOIN read_csv('/etc/passwd') p ON d.district = p.column0",
    f"SELECT * FROM {AREA}, LATERAL read_csv('/etc/passwd')",
    f"SELECT * FROM {AREA} LIMIT (SELECT count(*) FROM read_csv('/etc/passwd'))",
    "SELECT * FROM (SELECT * FROM (SELECT * FROM read_text('/etc/passwd')) a) b",
]

STATEMENTS_AND_COMMANDS = [
    f"COPY {AREA} TO 'cityqa_pwned.csv'",
    f"COPY (SELECT * FROM {POP}) TO '/tmp/cityqa_pwned_abs.csv' (HEADER)",
    f"COPY {AREA} FROM '/etc/passwd'",
    "EXPORT DATABASE 'cityqa_export'",
    "IMPORT DATABASE 'cityqa_export'",
    "ATTACH 'cityqa_pwned.db' AS pwned",
    "ATTACH ':memory:' AS m",
    "DETACH pwned",
    "INSTALL httpfs",
    "LOAD httpfs",
    "FORCE INSTALL httpfs FROM community",
    f"PRAGMA table_info('{AREA}')",
    "PRAGMA database_list",
    "PRAGMA enable_profiling",
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "SET memory_limit = '100GB'",
    "SET GLOBAL threads = 64",
    "SET VARIABLE x = 1",
    "RESET threads",
    "CALL duckdb_settings()",
    "CALL pragma_version()",
    "CHECKPOINT",
    "FORCE CHECKPOINT",
    "USE memory",
    f"DESCRIBE {AREA}",
    "DESCRIBE SELECT 1",
    "SHOW TABLES",
    "SHOW ALL TABLES",
    f"SHOW {AREA}",
    f"SUMMARIZE {AREA}",
    f"SUMMARIZE SELECT * FROM {AREA}",
    "EXPLAIN SELECT 1",
    f"EXPLAIN ANALYZE SELECT * FROM {AREA}",
    f"PIVOT {AREA} ON district USING sum(land_area_km2)",
    f"UNPIVOT {POP} ON total_population, age_65_plus INTO NAME k VALUE v",
    "PREPARE p AS SELECT 1",
    "EXECUTE p",
    "DEALLOCATE p",
]

CATALOG_AND_SYSTEM_TABLES = [
    "SELECT * FROM duckdb_settings()",
    "SELECT * FROM duckdb_tables()",
    "SELECT * FROM duckdb_tables",
    "SELECT * FROM duckdb_columns()",
    "SELECT * FROM duckdb_extensions()",
    "SELECT * FROM duckdb_secrets()",
    "SELECT * FROM duckdb_databases()",
    "SELECT * FROM DuckDB_Functions()",
    "SELECT * FROM information_schema.tables",
    "SELECT * FROM information_schema.columns",
    "SELECT * FROM INFORMATION_SCHEMA.schemata",
    "SELECT * FROM pg_catalog.pg_tables",
    "SELECT * FROM pg_tables",
    "SELECT * FROM pg_class",
    "SELECT * FROM sqlite_master",
    "SELECT * FROM sqlite_schema",
    "SELECT * FROM main._cityqa_cards",
    "SELECT * FROM _cityqa_cards",
    'SELECT card_json FROM "_cityqa_cards"',
    f"SELECT * FROM main.{POP}",
    f"SELECT * FROM memory.main.{AREA}",
    "SELECT * FROM system.main.duckdb_tables",
    "SELECT * FROM temp.main.t",
    f"SELECT * FROM pragma_table_info('{AREA}')",
    "SELECT * FROM pragma_database_size()",
    "SELECT * FROM test_all_types()",
    "SELECT * FROM which_secret('s3://x', 's3')",
    "SELECT * FROM range(10)",
]

NOT_PERMITTED_TABLES_AND_COLUMNS = [
    f"SELECT * FROM {SECRET}",
    'SELECT * FROM "STAFF_SALARIES_2025"',
    f"SELECT employee, salary FROM {SECRET} ORDER BY salary DESC",
    f"SELECT p.district FROM {POP} p JOIN {SECRET} s ON p.district = s.employee",
    f"SELECT district FROM {AREA} WHERE district IN (SELECT employee FROM {SECRET})",
    f"WITH s AS (SELECT * FROM {SECRET}) SELECT * FROM s",
    f"SELECT district FROM {AREA} UNION SELECT employee FROM {SECRET}",
    f"SELECT district, (SELECT max(salary) FROM {SECRET}) AS m FROM {AREA}",
    "SELECT * FROM ｓｔａｆｆ_salaries_2025",
    f"SELECT salary FROM {POP}",
    f"SELECT p.secret_column FROM {POP} p",
    f"SELECT {AREA}.total_population FROM {AREA}",
    f"SELECT x.district FROM {AREA} a",
]

RESOURCE_BOMBS = [
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
    "WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n FROM r) SELECT * FROM r",
    "SELECT count(*) FROM range(1000000000000)",
    "SELECT * FROM generate_series(1, 1000000000000)",
    "SELECT count(*) FROM range(100000) a, range(100000) b",
    f"SELECT count(*) FROM {POP} a CROSS JOIN {POP} b",
    f"SELECT count(*) FROM {POP} a, {POP} b",
    f"SELECT * FROM {POP} a JOIN {AREA} b ON a.district = b.district "
    f"JOIN {AREA} c ON a.district = c.district JOIN {POP} d ON a.district = d.district",
    f"SELECT * FROM {POP} POSITIONAL JOIN {AREA}",
    f"SELECT * FROM {POP} NATURAL JOIN {AREA}",
    f"SELECT * FROM {POP} a LEFT JOIN {AREA} b",
    "SELECT * FROM (VALUES (1), (2)) v(a)",
    "SELECT unnest(range(1000000000)) AS n",
    "SELECT * FROM unnest(generate_series(1, 100000000))",
    "SELECT list_transform(range(1000000000), x -> x) AS l",
    f"SELECT district FROM {AREA} LIMIT 50%",
    f"SELECT district FROM {AREA} LIMIT 'all'",
]

CASE_AND_UNICODE_TRICKS = [
    "SeLeCt * FrOm ReAd_CsV('/etc/passwd')",
    "sElEcT GeTeNv('HOME')",
    "select * from DUCKDB_SETTINGS()",
    "SELECT * FROM \"read_csv\"('/etc/passwd')",
    "SELECT * FROM Read_Parquet('x.parquet')",
    "dRoP tAbLe district_land_area",
    "SELECT * FROM pRaGmA_table_info('district_land_area')",
    "SELECT * FROM Information_Schema.Tables",
]

NESTED_AND_SCOPE_TRICKS = [
    "SELECT * FROM (WITH x AS (SELECT 1 AS a) SELECT * FROM x) s JOIN x ON s.a = x.a",
    'WITH "/etc/passwd" AS (SELECT * FROM "/etc/passwd") SELECT * FROM "/etc/passwd"',
    f"WITH {SECRET} AS (SELECT * FROM {SECRET}) SELECT * FROM {SECRET}",
    "SELECT main.getenv('HOME')",
    "SELECT * FROM main.read_csv('/etc/passwd')",
    "SELECT {'a': getenv('HOME')} AS s",
    f"SELECT district FROM {AREA} ORDER BY getenv('HOME')",
    f"SELECT district FROM {AREA} GROUP BY district HAVING max(current_setting('threads')) > ''",
    f"SELECT max(land_area_km2) FILTER (WHERE getenv('X') IS NULL) AS m FROM {AREA}",
    f"SELECT row_number() OVER (PARTITION BY getenv('X')) AS n FROM {AREA}",
    "SELECT CAST(read_text('/etc/passwd') AS VARCHAR) AS t",
    f"SELECT * FROM {AREA} WHERE district LIKE (SELECT content FROM read_text('/etc/passwd'))",
    f"SELECT CASE WHEN land_area_km2 > 0 THEN getenv('HOME') END AS c FROM {AREA}",
    f"SELECT coalesce(NULL, (SELECT value FROM duckdb_settings() LIMIT 1)) AS v FROM {AREA}",
]


# -- found by outside probing (issue 7) and their relatives ------------------------------------------

# Names a query might reach besides the permitted tables: the restricted table, the card metadata
# table and DuckDB/PostgreSQL/SQLite catalog views that resolve as plain table names.
HIDDEN_RELATIONS = [
    SECRET,
    "_cityqa_cards",
    "duckdb_tables",
    "duckdb_settings",
    "duckdb_databases",
    "duckdb_columns",
    "duckdb_views",
    "pg_settings",
    "pg_tables",
    "sqlite_master",
]

# A CTE of the same name defined later, in another scope or in its own body does not make the base
# table name safe: each of these reads the real relation in DuckDB.
_SHADOWING_TEMPLATES = [
    "WITH a AS (SELECT * FROM {t}), {t} AS (SELECT 1 AS x) SELECT * FROM a",
    "WITH a AS (SELECT * FROM {t}), {t} AS (SELECT 1 AS x) SELECT * FROM a ORDER BY 1",
    "WITH {t} AS (SELECT * FROM {t} LIMIT 5) SELECT * FROM {t}",
    "WITH a AS (SELECT * FROM {t}), {t} AS (SELECT * FROM a) SELECT * FROM {t}",
    "WITH a AS (WITH {t} AS (SELECT 1 AS x) SELECT x FROM {t}), b AS (SELECT * FROM {t}) SELECT * FROM b",
    "SELECT * FROM (WITH {t} AS (SELECT 1 AS x) SELECT x FROM {t}) s UNION ALL SELECT * FROM {t}",
    "SELECT (SELECT count(*) FROM {t}) AS n FROM (WITH {t} AS (SELECT 1 AS x) SELECT x FROM {t}) s",
    "WITH x AS (SELECT 1 AS a) SELECT * FROM x WHERE EXISTS (SELECT * FROM {t})",
    "WITH b AS (SELECT * FROM (SELECT * FROM {t}) q), {t} AS (SELECT 2 AS y) SELECT * FROM b",
    "SELECT * FROM (WITH {t} AS (SELECT 1 AS x) SELECT 1 AS one) s, {t} WHERE s.one = s.one",
]
CTE_SHADOWING = [template.format(t=name) for name in HIDDEN_RELATIONS for template in _SHADOWING_TEMPLATES]

# Other ways to name a hidden relation: quoting, case, catalog paths, aliases, set operations.
HIDDEN_RELATION_NAMES = [
    f'SELECT * FROM "{SECRET}"',
    'SELECT * FROM "Staff_Salaries_2025"',
    f'SELECT * FROM "{SECRET} "',
    "SELECT * FROM stаff_salaries_2025",  # Cyrillic а
    f'SELECT * FROM main."{SECRET}"',
    f"SELECT * FROM cityqa.main.{SECRET}",
    f"SELECT * FROM {POP} AS {SECRET} WHERE {SECRET}.district = (SELECT max(employee) FROM {SECRET})",
    f"SELECT (SELECT salary FROM {SECRET} LIMIT 1) AS s FROM {POP}",
    f"SELECT district FROM {POP} INTERSECT SELECT employee FROM {SECRET}",
    f"SELECT district FROM {POP} EXCEPT SELECT employee FROM {SECRET}",
    f"FROM {SECRET} SELECT *",
    f"FROM {SECRET}",
    f"SELECT * FROM {POP} WHERE district = ANY (SELECT employee FROM {SECRET})",
    f"SELECT * FROM {POP} p JOIN (SELECT * FROM {SECRET}) s ON p.district = s.employee",
    "SELECT * FROM duckdb_settings",
    "SELECT * FROM duckdb_databases",
    "SELECT * FROM pg_settings",
    "SELECT * FROM system.information_schema.columns",
    "SELECT * FROM pg_catalog.pg_settings",
    "SELECT * FROM temp.information_schema.tables",
    "SELECT card_json FROM _cityqa_cards",
    'SELECT * FROM "_CITYQA_CARDS"',
]

# Functions that manufacture large values or many rows, or run longer than an interrupt can stop.
VALUE_AND_ROW_BOMBS = [
    "SELECT length(lpad('x', 2147483647, 'y')) AS n",
    "SELECT length(rpad('x', 2147483647, 'y')) AS n",
    "SELECT length(repeat('x', 2147483647)) AS n",
    f"SELECT repeat('x', 1000000) AS s FROM {POP}",
    f"SELECT repeat(district, 100000000) AS s FROM {POP}",
    "SELECT count(*) FROM (SELECT unnest(string_split(repeat('a,', 100000000), ',')) AS u) q",
    "SELECT unnest(string_split(repeat('a,', 100000000), ',')) AS u",
    "SELECT array_sort(string_split(repeat('a,', 50000000), ',')) AS s",
    "SELECT array_distinct(string_split(repeat('a,', 50000000), ',')) AS s",
    "SELECT list_sort(string_split(repeat('a,', 50000000), ',')) AS s",
    "SELECT list_distinct(string_split(repeat('a,', 50000000), ',')) AS s",
    "SELECT length(replace(replace(replace('aaaaaaaaaa', 'a', 'aaaaaaaaaa'), 'a', 'aaaaaaaaaa'), 'a', "
    "'aaaaaaaaaa')) AS n",
    "SELECT length(regexp_replace('a', 'a', repeat('b', 100000000))) AS n",
    "SELECT printf('%0100000000d', 1) AS s",
    "SELECT format('{:>100000000}', 'x') AS s",
    "SELECT length(string_agg(repeat('x', 10000000), '')) AS n FROM population_by_district_2025",
    "SELECT [x FOR x IN range(100000000)] AS l",
    "SELECT list_value(1, 2, 3) AS l",
    "SELECT [1, 2, 3] AS l",
    "SELECT generate_subscripts([1, 2, 3], 1) AS s",
    "SELECT len(range(100000000)) AS n",
    "SELECT list_reduce(range(10000000), (a, b) -> a + b) AS n",
    "SELECT list_transform([1, 2], x -> repeat('x', 100000000)) AS l",
    "SELECT map([1], [repeat('x', 100000000)]) AS m",
    "SELECT struct_pack(a := repeat('x', 100000000)) AS s",
    "SELECT to_json(repeat('x', 100000000)) AS j",
    "SELECT md5(repeat('x', 100000000)) AS h",
    "SELECT sha256(repeat('x', 100000000)) AS h",
    "SELECT hash(repeat('x', 100000000)) AS h",
    "SELECT levenshtein(repeat('x', 100000), repeat('y', 100000)) AS d",
    "SELECT jaro_winkler_similarity(repeat('x', 100000), repeat('y', 100000)) AS d",
    "SELECT bar(1, 0, 100, 100000000) AS b",
    "SELECT reverse(repeat('x', 100000000)) AS r",
    "SELECT translate(repeat('x', 100000000), 'x', 'y') AS r",
    "SELECT random() AS r",
    "SELECT uuid() AS u",
    "SELECT gen_random_uuid() AS u",
    "SELECT version() AS v",
    "SELECT current_database() AS d",
    "SELECT current_schema() AS s",
    "SELECT current_user AS u",
    "SELECT now() AS t",
    "SELECT typeof(1) AS t",
    "SELECT epoch_ms(1) AS t",
    "SELECT to_base64('x'::BLOB) AS b",
    "SELECT json_extract('{}', '$.a') AS j",
    "SELECT regexp_matches('aaaaaaaaaaaaaaaaaaaaaaaaaaaa!', '(a+)+$') AS m",
    "SELECT regexp_extract_all(repeat('a', 1000000), 'a') AS m",
    "SELECT string_to_array(repeat('a,', 1000000), ',') AS a",
    "SELECT str_split_regex(repeat('a,', 1000000), ',') AS a",
    "SELECT split(repeat('a,', 1000000), ',') AS a",
    "SELECT array_agg(district) AS a FROM population_by_district_2025",
    "SELECT list(district) AS a FROM population_by_district_2025",
    "SELECT histogram(district) AS h FROM population_by_district_2025",
    "SELECT COLUMNS('.*') FROM population_by_district_2025",
    "SELECT COLUMNS(c -> c LIKE '%') FROM population_by_district_2025",
    "SELECT unnest([1, 2, 3]) AS u",
    "SELECT * FROM unnest([1, 2, 3]) t(u)",
]

# Joins that multiply rows while looking linked, and joins without any link.
JOIN_BOMBS = [
    f"SELECT count(*) FROM {POP} a, {POP} b, {POP} c WHERE a.district = a.district",
    f"SELECT count(*) FROM {POP} a, {POP} b WHERE a.district = a.district",
    f"SELECT count(*) FROM {POP} a, {POP} b WHERE b.district = b.district",
    f"SELECT count(*) FROM {POP} a, {POP} b WHERE a.district = b.district OR TRUE",
    f"SELECT count(*) FROM {POP} a, {POP} b WHERE (a.district = b.district OR 1 = 1)",
    f"SELECT count(*) FROM {POP} a, {POP} b WHERE a.district <> b.district",
    f"SELECT count(*) FROM {POP} a, {POP} b WHERE NOT a.district = b.district",
    f"SELECT count(*) FROM {POP} a, {POP} b, {AREA} c WHERE a.district = b.district",
    f"SELECT count(*) FROM {POP} a JOIN {POP} b ON a.district = a.district",
    f"SELECT count(*) FROM {POP} a JOIN {POP} b ON TRUE",
    f"SELECT count(*) FROM {POP} a JOIN {POP} b ON 1 = 1",
    f"SELECT count(*) FROM {POP} a JOIN {POP} b ON a.district = b.district OR TRUE",
    f"SELECT count(*) FROM {POP} a JOIN {POP} b ON a.district <> b.district",
    f"SELECT count(*) FROM {POP} a JOIN {POP} b ON a.total_population > b.total_population",
    f"SELECT count(*) FROM {POP} a LEFT JOIN {POP} b ON TRUE",
    f"SELECT count(*) FROM {POP} a FULL JOIN {POP} b ON a.district = a.district",
    f"SELECT count(*) FROM {POP} a JOIN {AREA} b ON a.district = b.district "
    f"JOIN {POP} c ON c.district = c.district",
    f"SELECT count(*) FROM {POP} a JOIN {AREA} b ON b.district = b.district",
    f"SELECT count(*) FROM {POP} a JOIN {AREA} b ON 'x' = 'x'",
    f"SELECT count(*) FROM {POP} a JOIN {AREA} b ON a.district = 'x'",
    f"SELECT count(*) FROM (SELECT * FROM {POP}) a, (SELECT * FROM {POP}) b",
    f"SELECT count(*) FROM {POP} a ASOF JOIN {POP} b ON a.total_population >= b.total_population",
    f"SELECT count(*) FROM {POP} a SEMI JOIN {POP} b",
    f"SELECT count(*) FROM {POP} a ANTI JOIN {POP} b",
    f"SELECT * FROM {POP} a, {AREA} b",
]

# Forbidden calls in every clause a query has: the function check must see all of them.
_FORBIDDEN_CALLS = [
    "getenv('HOME')",
    "current_setting('threads')",
    "read_text('/etc/passwd')",
    "repeat('x', 100000000)",
    "lpad('x', 100000000, 'y')",
]
_CLAUSES = [
    "SELECT {f} AS v FROM {pop}",
    "SELECT district FROM {pop} WHERE district = {f}",
    "SELECT district FROM {pop} ORDER BY {f}",
    "SELECT district FROM {pop} GROUP BY district HAVING max(district) = {f}",
    "SELECT p.district FROM {pop} p JOIN {area} a ON p.district = a.district AND a.district = {f}",
    "WITH c AS (SELECT {f} AS v) SELECT * FROM c",
    "SELECT * FROM (SELECT {f} AS v) s",
    "SELECT CASE WHEN total_population > 0 THEN {f} END AS v FROM {pop}",
    "SELECT rank() OVER (PARTITION BY {f}) AS r FROM {pop}",
    "SELECT count(*) FILTER (WHERE district = {f}) AS n FROM {pop}",
    "SELECT district FROM {pop} LIMIT length({f})",
]
FORBIDDEN_CALLS_IN_EVERY_CLAUSE = [
    clause.format(f=call, pop=POP, area=AREA) for call in _FORBIDDEN_CALLS for clause in _CLAUSES
]

# Inputs that crashed the checker (recursion, optimizer assertions) or are built to.
CHECKER_BREAKERS = [
    "SELECT " + "NOT " * 2000 + "1 AS x",
    "SELECT " + "NOT " * 600 + "1 AS x",
    "SELECT " + "NOT " * 250 + "1 AS x",
    "SELECT " + "(" * 1000 + "1" + ")" * 1000 + " AS x",
    "SELECT " + "(" * 30 + "1" + ")" * 30 + " AS x",
    "SELECT " + "(SELECT " * 100 + "1" + ")" * 100 + " AS x",
    "SELECT " + "(SELECT " * 30 + "1" + ")" * 30 + " AS x",
    "SELECT " + "CASE WHEN TRUE THEN " * 400 + "1" + " END" * 400 + " AS x",
    "SELECT " + "CASE WHEN TRUE THEN " * 80 + "1" + " END" * 80 + " AS x",
    "SELECT " + " + ".join(["1"] * 1500) + " AS x",
    "SELECT " + " || ".join(["'a'"] * 1200) + " AS x",
    f"SELECT district FROM {POP} WHERE " + " OR ".join(f"total_population = {n}" for n in range(700)),
    f"SELECT district FROM {POP} WHERE total_population IN (" + ", ".join(str(n) for n in range(2500)) + ")",
    "SELECT " + "- " * 3000 + "1 AS x",
    "SELECT " + "~" * 900 + "1 AS x",
    "SELECT " + "[" * 200 + "1" + "]" * 200 + " AS x",
    "SELECT " + "coalesce(" * 150 + "1" + ")" * 150 + " AS x",
    f"WITH a AS (SELECT * FROM {SECRET}), {SECRET} AS (SELECT 1 AS x) SELECT * FROM a ORDER BY 1 DESC",
    f"WITH {POP} AS (SELECT 1 AS x) SELECT * FROM {POP} ORDER BY 2",
    f"SELECT * FROM {POP} ORDER BY 99",
    f"SELECT district FROM {POP} GROUP BY 7",
    "SELECT 'unterminated",
    'SELECT "unterminated',
    "SELECT $$ x",
    "SELECT 1 AS x /* unterminated",
    "SELECT \x00 1",
    "SELECT " + ", ".join(f"{n} AS c{n}" for n in range(1000)),
    f"SELECT * FROM {POP} WHERE district = ?",
    f"SELECT * FROM {POP} WHERE district = $1",
    f"SELECT * FROM {POP} WHERE district = :name",
    "SELECT * FROM",
    "WITH",
    "WITH a AS () SELECT 1",
    "SELECT * FROM (SELECT 1",
    ")))) SELECT 1",
    "SELECT 1 AS x QUALIFY",
    f"SELECT * FROM {POP} p JOIN {AREA} a USING ()",
    "\ufeffSELECT 1; \ufeffDROP TABLE x",
]

HOSTILE_STATEMENTS = (
    DDL_AND_DML
    + MULTIPLE_STATEMENTS
    + FILE_AND_SYSTEM_FUNCTIONS
    + STATEMENTS_AND_COMMANDS
    + CATALOG_AND_SYSTEM_TABLES
    + NOT_PERMITTED_TABLES_AND_COLUMNS
    + RESOURCE_BOMBS
    + CASE_AND_UNICODE_TRICKS
    + NESTED_AND_SCOPE_TRICKS
    + CTE_SHADOWING
    + HIDDEN_RELATION_NAMES
    + VALUE_AND_ROW_BOMBS
    + JOIN_BOMBS
    + FORBIDDEN_CALLS_IN_EVERY_CLAUSE
    + CHECKER_BREAKERS
)

# Every statement above that names the restricted table or hidden catalog relations: the ones a
# leak test runs past the guard, straight into the public sandbox, to show the second layer holds.
READS_OF_HIDDEN_RELATIONS = CTE_SHADOWING + HIDDEN_RELATION_NAMES + NOT_PERMITTED_TABLES_AND_COLUMNS
