"""Statistics over curated tables: table cards, the SQL guard and the warehouse.

- `cards`: the YAML table cards that describe each curated table.
- `guard`: `guard_sql` checks generated SQL (one read-only SELECT over permitted tables and columns,
  no file/system functions, a LIMIT) before anything runs.
- `warehouse`: the `Warehouse` seam and `DuckDBWarehouse`, which runs guarded SQL on a read-only,
  no-external-access connection with a time limit and a row cap.
- `postgres_warehouse` (with `postgres_sql`, `postgres_schema`): `PostgresWarehouse`, the same seam
  in PostgreSQL (CITYQA_WAREHOUSE_URL): DuckDB SQL transpiled, run as a read-only login per set of
  permitted tables, with DuckDB's result names and types.
"""
