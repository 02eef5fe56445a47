"""Build OUT/warehouse.duckdb from the Parquet tables of one run.

The tables are loaded into the database file (schema `raw`), and the views of
warehouse/staging/*.sql (then warehouse/marts/*.sql) are created over them, so the warehouse
answers from any working directory and still works when the output folder is moved or copied.
It is written in DuckDB storage version v1.0.0, which every DuckDB from 1.0 on can open (the
DuckDB CLI on PyPI included).
"""
from __future__ import annotations

from datetime import datetime
from importlib import resources
from pathlib import Path

STORAGE_VERSION = "v1.0.0"
SQL_FOLDERS = ("staging", "marts")


def sql_files() -> list[tuple[str, str]]:
    """(name, sql) of every view definition, staging first, each folder in name order."""
    out = []
    root = resources.files("warehouse")
    for folder in SQL_FOLDERS:
        d = root.joinpath(folder)
        if not d.is_dir():
            continue
        for entry in sorted(d.iterdir(), key=lambda p: p.name):
            if entry.name.endswith(".sql"):
                out.append((f"{folder}/{entry.name}", entry.read_text("utf-8")))
    return out


def build_warehouse(parquet_root: Path, db_path: Path, checks: list[dict],
                    runs: list[dict] | None = None, quarantine: list[dict] | None = None
                    ) -> None:
    import duckdb
    import pyarrow as pa

    from transforms.schema import QUALITY_CHECKS, QUARANTINE, TABLES, schema_version

    if db_path.exists():
        db_path.unlink()
    con = duckdb.connect()
    try:
        con.execute("set memory_limit = '512MB'")
        con.execute(f"attach '{_sql_str(db_path)}' as w (storage_version '{STORAGE_VERSION}')")
        con.execute("use w")
        con.execute("create schema raw")
        for table, schema in TABLES.items():
            files = sorted((parquet_root / table).glob("*.parquet"))
            if files:
                paths = ", ".join(f"'{_sql_str(f)}'" for f in files)
                con.execute(f"create table raw.{table} as select * from read_parquet([{paths}])")
            else:
                empty = schema.empty_table()  # noqa: F841 - read by DuckDB's replacement scan
                con.execute(f"create table raw.{table} as select * from empty")
        checks_table = pa.Table.from_pylist(checks, schema=QUALITY_CHECKS) if checks \
            else QUALITY_CHECKS.empty_table()  # noqa: F841
        con.execute("create table raw.quality_checks as select * from checks_table")
        runs_table = _runs_table(runs or [])  # noqa: F841
        con.execute("create table raw.runs as select * from runs_table")
        quarantine_table = pa.Table.from_pylist(quarantine or [], schema=QUARANTINE)  # noqa: F841
        con.execute("create table raw.quarantine as select * from quarantine_table")
        con.execute("create table raw.meta (key varchar, value varchar)")
        con.execute("insert into raw.meta values ('schema_version', ?), ('built_at', ?)",
                    [schema_version(), datetime.now().isoformat(timespec="seconds")])
        for _, sql in sql_files():
            con.execute(sql)
        con.execute("use memory")
        con.execute("detach w")
    finally:
        con.close()


def _runs_table(runs: list[dict]):
    import pyarrow as pa

    from transforms.schema import RUNS

    rows = []
    for r in runs:
        row = {name: r.get(name) for name in RUNS.names}
        for key in ("started_at", "ended_at"):
            if isinstance(row[key], str):
                row[key] = datetime.fromisoformat(row[key])
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=RUNS)


def _sql_str(path: Path) -> str:
    return str(Path(path).resolve()).replace("'", "''")
