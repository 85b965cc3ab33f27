"""Load a folder of parquet/CSV files named after the raw contract's tables into DuckDB schema ``raw``."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb

from gtm_warehouse.contract import SEGMENT_CLIENT_TIMESTAMPS, SEGMENT_CORE_TABLES, Table, load_contract

SQL_TYPES = {"varchar": "varchar", "timestamp": "timestamp", "bigint": "bigint", "double": "double",
             "boolean": "boolean", "date": "date"}


class LoadError(Exception):
    """A problem the user can fix; the message says what to do."""


@dataclass
class TableResult:
    table: str
    action: str  # loaded | appended | created_empty | skipped
    rows: int
    path: str | None = None
    filled: tuple[str, ...] = ()  # "column from fallback" for contract columns the file lacked


def filled_columns(table: Table, present: list[str] | None) -> tuple[str, ...]:
    """Contract columns a file lacks that the loader fills from their fallback column."""
    if present is None:
        return ()
    lowered = {c.lower() for c in present}
    return tuple(f"{c.name} from {c.fallback}" for c in table.columns
                 if c.name not in lowered and c.fallback and c.fallback in lowered)


def find_files(folder: Path, table: str) -> tuple[str, str] | None:
    """Return (reader, glob) for a table's data in folder, or None when there is none."""
    candidates = [
        ("parquet", folder / f"{table}.parquet"),
        ("parquet", folder / table / "*.parquet"),
        ("csv", folder / f"{table}.csv"),
        ("csv", folder / f"{table}.csv.gz"),
        ("csv", folder / table / "*.csv"),
    ]
    for reader, pattern in candidates:
        if list(pattern.parent.glob(pattern.name)):
            return reader, str(pattern)
    return None


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _reader_sql(reader: str, pattern: str, text_columns: list[str] | None = None) -> str:
    """SQL reading a table's files; ``text_columns`` (CSV only) are read as VARCHAR instead of sniffed."""
    escaped = pattern.replace("'", "''")
    if reader == "parquet":
        return f"read_parquet('{escaped}', union_by_name = true)"
    types = ""
    if text_columns:
        pairs = ", ".join("'" + c.replace("'", "''") + "': 'VARCHAR'" for c in text_columns)
        types = f", types = {{{pairs}}}"
    return f"read_csv('{escaped}', header = true, union_by_name = true{types})"


def loader_memory_limit() -> str:
    """DuckDB memory_limit of the loader: $GTM_LOADER_MEMORY_LIMIT, else $DUCKDB_MEMORY_LIMIT, else 3GB
    (the process's peak stays under 4 GiB: the limit covers DuckDB's buffers, not Python and Arrow)."""
    value = os.environ.get("GTM_LOADER_MEMORY_LIMIT") or os.environ.get("DUCKDB_MEMORY_LIMIT") or "3GB"
    if not re.fullmatch(r"\s*\d+(\.\d+)?\s*[KMGT]i?B\s*", value, re.I):
        raise LoadError(f"memory limit {value!r} is not a size such as 3GB or 512MiB (GTM_LOADER_MEMORY_LIMIT)")
    return value.strip()


def utc_connection(database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A DuckDB connection whose session time zone is UTC: text and CSV timestamps without a zone mean UTC
    (the contract's rule), whatever the machine's local time zone is."""
    con = duckdb.connect(database)
    con.execute("set TimeZone = 'UTC'")
    return con


def _text_columns(table: Table) -> set[str]:
    """Columns read as text from CSV: the contract's varchar columns and Segment's device-set timestamps."""
    names = {c.name for c in table.columns if c.data_type == "varchar"}
    if table.source == "segment":
        names |= set(SEGMENT_CLIENT_TIMESTAMPS)
    return names


def _select_list(table: Table, present: dict[str, str]) -> str:
    """Contract columns first (missing optional ones as typed NULLs, or their fallback column), then any
    extra columns of the file. A contract text column the file holds with another type (numeric ids
    written by pandas) is cast to text, which loses nothing and keeps staging's text functions working."""
    lowered = {c.lower(): c for c in present}
    items = []
    for col in table.columns:
        if col.name in lowered:
            name = lowered[col.name]
            if col.data_type == "varchar" and present[name].upper() != "VARCHAR":
                items.append(f"cast({_quote(name)} as varchar) as {_quote(col.name)}")
            else:
                items.append(f"{_quote(name)} as {_quote(col.name)}")
        elif col.fallback and col.fallback in lowered:
            items.append(f"{_quote(lowered[col.fallback])} as {_quote(col.name)}")
        else:
            items.append(f"cast(null as {SQL_TYPES.get(col.data_type, 'varchar')}) as {_quote(col.name)}")
    contract = {c.name for c in table.columns}
    items += [_quote(c) for c in present if c.lower() not in contract]
    return ", ".join(items)


@dataclass
class TablePlan:
    """One contract table and where its data comes from (source_sql None: no file in the folder)."""
    table: Table
    source_sql: str | None
    present: dict[str, str] | None  # column name -> DuckDB type of the file

    @property
    def select_sql(self) -> str:
        """The table's rows as loaded: contract columns first (absent optional ones as typed NULLs), extras kept."""
        if self.source_sql is None:
            empty = ", ".join(
                f"cast(null as {SQL_TYPES.get(c.data_type, 'varchar')}) as {_quote(c.name)}" for c in self.table.columns
            )
            return f"select {empty} limit 0"
        return f"select {_select_list(self.table, self.present)} from {self.source_sql}"


def plan_folder(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    append: bool = False,
    only: list[str] | None = None,
) -> list[TablePlan]:
    """Check ``folder`` against the contract before anything is written (shared by every engine's loader).

    Raises LoadError naming the problem: not a folder, unknown table, no Segment table at all,
    unreadable file, missing required column. Segment's core tables (tracks, pages, identifies, groups)
    without a file are created empty, like the per-event tables: a source that sends only page calls
    has no tracks, identifies or groups.
    """
    if not folder.is_dir():
        raise LoadError(f"{folder} is not a folder: pass --from a folder of <table>.parquet or <table>.csv files")
    contract = load_contract()
    unknown = sorted(set(only or []) - set(contract))
    if unknown:
        raise LoadError(f"unknown table(s) {', '.join(unknown)}: the contract has {', '.join(contract)}")
    tables = [t for name, t in contract.items() if not only or name in only]
    found = {t.name: find_files(folder, t.name) for t in tables}
    if not append and not only and all(found.get(t) is None for t in SEGMENT_CORE_TABLES):
        raise LoadError(
            f"{folder} has no file for any Segment table ({', '.join(SEGMENT_CORE_TABLES)}): "
            "at least one is required (write <table>.parquet or <table>.csv; the others are created empty)"
        )
    plans = []
    for table in tables:
        located = found[table.name]
        if located is None:
            plans.append(TablePlan(table, None, None))
            continue
        reader, pattern = located
        source_sql = _reader_sql(reader, pattern)
        try:
            described = con.execute(f"describe select * from {source_sql}").fetchall()
            if reader == "csv":
                # The CSV sniffer types a column from a sample: ids that look like numbers become BIGINT
                # (losing leading zeros), and one later device timestamp such as `NaN` fails the whole
                # load. Text columns of the contract, and Segment's device-set timestamps (parsed in
                # staging), are read as text.
                text_columns = [row[0] for row in described if row[0].lower() in _text_columns(table)]
                if text_columns:
                    source_sql = _reader_sql(reader, pattern, text_columns)
                    described = con.execute(f"describe select * from {source_sql}").fetchall()
        except duckdb.Error as exc:
            raise LoadError(f"cannot read {pattern}: {str(exc).splitlines()[0]}") from exc
        present = [row[0] for row in described]
        lowered = {c.lower() for c in present}
        missing = [c for c in table.required_columns if c not in lowered]
        if missing:
            raise LoadError(
                f"{pattern}: missing required column(s) {', '.join(missing)} of raw.{table.name} "
                f"(see the contract in models/staging/{table.source}/_{table.source}__sources.yml)"
            )
        plans.append(TablePlan(table, source_sql, {row[0]: row[1] for row in described}))
    return plans


def load_folder(
    folder: Path,
    database: Path,
    schema: str = "raw",
    append: bool = False,
    only: list[str] | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> list[TableResult]:
    """Load every contract table found in ``folder``; all or nothing (one transaction)."""
    if not folder.is_dir():
        raise LoadError(f"{folder} is not a folder: pass --from a folder of <table>.parquet or <table>.csv files")
    database.parent.mkdir(parents=True, exist_ok=True)
    memory_limit = loader_memory_limit()
    try:
        con = utc_connection(str(database))
        # Bounded memory: without a limit DuckDB may cache up to 80% of the machine's RAM while it copies
        # the files (5.65 GiB peak at 10M events); beyond the limit it writes blocks out or spills to
        # <database>.tmp. DUCKDB_MEMORY_LIMIT / DUCKDB_THREADS are the limits dbt runs under too.
        con.execute(f"set memory_limit = '{memory_limit}'")
        con.execute(f"set threads = {int(os.environ.get('DUCKDB_THREADS', '2'))}")
    except duckdb.IOException as exc:
        raise LoadError(f"cannot open {database} ({exc}): close other programs using it (dbt, a notebook) and retry") from exc
    results: list[TableResult] = []
    try:
        # Validate every file before writing anything.
        plans = plan_folder(con, folder, append, only)
        con.execute("begin transaction")
        con.execute(f"create schema if not exists {_quote(schema)}")
        for plan in plans:
            table, source_sql, present = plan.table, plan.source_sql, plan.present
            target = f"{_quote(schema)}.{_quote(table.name)}"
            exists = con.execute(
                "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                [schema, table.name],
            ).fetchall()[0][0] > 0
            if source_sql is None:
                if (table.segment_event_table or table.name in SEGMENT_CORE_TABLES) and not exists:
                    con.execute(f"create table {target} as {plan.select_sql}")
                    results.append(TableResult(table.name, "created_empty", 0))
                else:
                    results.append(TableResult(table.name, "skipped", 0))
                continue
            select = plan.select_sql
            if append and exists:
                # New properties become new columns, as Segment's loader does.
                existing = {r[0].lower() for r in con.execute(
                    "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
                    [schema, table.name],
                ).fetchall()}
                for column, column_type in present.items():
                    if column.lower() not in existing:
                        con.execute(f"alter table {target} add column {_quote(column)} {column_type}")
                before = con.execute(f"select count(*) from {target}").fetchall()[0][0]
                con.execute(f"insert into {target} by name {select}")
                after = con.execute(f"select count(*) from {target}").fetchall()[0][0]
                results.append(TableResult(table.name, "appended", after - before, source_sql,
                                           filled_columns(table, list(present))))
            else:
                con.execute(f"create or replace table {target} as {select}")
                rows = con.execute(f"select count(*) from {target}").fetchall()[0][0]
                results.append(TableResult(table.name, "loaded", rows, source_sql, filled_columns(table, list(present))))
            progress(f"{results[-1].action:>8} raw.{table.name}: {results[-1].rows:,} rows")
        con.execute("commit")
    except BaseException:
        try:
            con.execute("rollback")
        except duckdb.Error:
            pass
        raise
    finally:
        con.close()
    return results
