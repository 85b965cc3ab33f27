"""The reverse-ETL exporter: reads the warehouse, diffs against the sync state, validates, writes files
atomically with a manifest, then commits the state and the run log.

Order of a destination's sync (the safety argument, see docs/REVERSE_ETL.md):
1. every object's rows are computed inside DuckDB (mapping, filter, privacy guard, row hash);
2. tool-sized objects (upsert / mirror) pass a Great Expectations suite; failing rows get reasons;
   a rejected share above the object's threshold fails the whole destination (nothing written);
3. the diff against the last successful sync (adds / changes / deletes, by key and row hash) is
   computed in SQL; files are written under EXPORT_DIR/.tmp/<run id>/, fsynced, then renamed into
   place, each followed by its manifest (rows, columns, sha256, mode, run id);
4. only then the new state and the run-log row are committed (one transaction per destination).
A run killed before 4 leaves the state where it was: its renamed files have no confirmed state and the
next run removes unconfirmed files (no manifest) and resends what was not confirmed.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import duckdb

from gtm_warehouse.reverse_etl import validate as gx_validate
from gtm_warehouse.reverse_etl.config import Destination, ExportError, Field, SyncObject

STATE_SCHEMA = "reverse_etl"
SCHEMAS = ("marts", "intermediate")
ERASED_MODEL = "int_erased_identifiers"
SAMPLE_ROWS = 3


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


# --- the warehouse ------------------------------------------------------------------------------------

class Warehouse:
    """Where the models are read from and the sync state is kept.

    DuckDB target: the warehouse file itself (models in schemas marts / intermediate; state in schema
    reverse_etl). Spark target: the tables' parquet files under the Spark warehouse folder, read by DuckDB;
    the state lives in a DuckDB file (default <spark state dir>/reverse_etl.duckdb).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, relations: dict[str, str], read_only: bool, where: str):
        self.con = con
        self.relations = relations   # model -> DuckDB table expression
        self.read_only = read_only
        self.where = where

    @classmethod
    def open_duckdb(cls, path: Path, read_only: bool) -> "Warehouse":
        if not path.exists():
            raise ExportError(f"warehouse file {path} does not exist: build it first (make run) or set DUCKDB_PATH")
        con = _connect(str(path), read_only)
        rows = con.execute(f"""
            select table_schema, table_name from information_schema.tables
            where table_catalog = current_database() and table_schema in {SCHEMAS}
        """).fetchall()
        relations = {}
        for schema, table in sorted(rows, key=lambda r: SCHEMAS.index(r[0]), reverse=True):
            relations[table] = f"{_q(schema)}.{_q(table)}"
        return cls(con, relations, read_only, str(path))

    @classmethod
    def open_spark(cls, warehouse_dir: Path, state_path: Path, read_only: bool) -> "Warehouse":
        if not warehouse_dir.is_dir():
            raise ExportError(f"Spark warehouse folder {warehouse_dir} does not exist: build on Spark first "
                              "(DBT_TARGET=spark dbt build) or set SPARK_STATE_DIR")
        if read_only and not state_path.exists():
            con = _connect(":memory:", False)
        else:
            state_path.parent.mkdir(parents=True, exist_ok=True)
            con = _connect(str(state_path), read_only)
        relations = {}
        for schema in reversed(SCHEMAS):
            folder = warehouse_dir / f"{schema}.db"
            if not folder.is_dir():
                continue
            for table in sorted(p for p in folder.iterdir() if p.is_dir()):
                files = [f for f in table.rglob("*.parquet")]
                if not files:
                    continue
                hive = any("=" in part for f in files for part in f.relative_to(table).parts[:-1])
                pattern = str(table / "**" / "*.parquet")
                relations[table.name] = (f"read_parquet({_lit(pattern)}, hive_partitioning = {str(hive).lower()})")
        return cls(con, relations, read_only, str(warehouse_dir))

    def relation(self, model: str) -> str:
        if model not in self.relations:
            raise ExportError(f"model {model} is not in the warehouse ({self.where}): build it first (dbt build)")
        return self.relations[model]

    def columns(self, model: str) -> dict[str, str]:
        rows = self.con.execute(f"describe select * from {self.relation(model)}").fetchall()
        return {r[0]: r[1] for r in rows}

    def has_state(self) -> bool:
        rows = self.con.execute(f"""select count(*) from information_schema.tables
            where table_schema = '{STATE_SCHEMA}' and table_name = 'sync_state'""").fetchall()
        return rows[0][0] > 0

    def ensure_state(self) -> None:
        self.con.execute(f"create schema if not exists {STATE_SCHEMA}")
        self.con.execute(f"""create table if not exists {STATE_SCHEMA}.sync_state (
            destination varchar, object varchar, sync_key varchar, row_hash varchar, status varchar,
            run_id varchar)""")
        self.con.execute(f"""create table if not exists {STATE_SCHEMA}.run_log (
            run_id varchar, destination varchar, object varchar, mode varchar, status varchar,
            rows_added bigint, rows_changed bigint, rows_deleted bigint, rows_rejected bigint,
            rows_erased bigint, rows_written bigint, files varchar, message varchar,
            started_at timestamp, duration_seconds double)""")


def _connect(path: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        con = duckdb.connect(path, read_only=read_only)
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            holder = text.split("(PID", 1)[-1].split(")")[0].strip() if "(PID" in text else "another process"
            raise ExportError(f"warehouse file {path} is locked by another process (PID {holder}): "
                              "wait for it (dbt build?) to finish and retry") from None
        raise ExportError(f"cannot open {path}: {text.splitlines()[0]}") from None
    con.execute("set TimeZone = 'UTC'")
    threads = os.environ.get("DUCKDB_THREADS")
    if threads:
        con.execute(f"set threads = {int(threads)}")
    con.execute(f"set memory_limit = {_lit(export_memory_limit())}")
    con.execute("set preserve_insertion_order = false")
    return con


# DuckDB memory_limit of the exporter unless GTM_EXPORT_MEMORY_LIMIT says otherwise: DuckDB's buffers plus
# Python, Great Expectations and one validation batch stay under 4 GiB (at 10M events the exporter peaked
# at 4.65 GiB with DuckDB allowed 4GB); DUCKDB_MEMORY_LIMIT applies when it is lower.
EXPORT_MEMORY_CAP = "3GB"
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(i?)B\s*", re.I)


def _size_bytes(text: str) -> float | None:
    found = _SIZE.fullmatch(text)
    if not found:
        return None
    number, unit, binary = found.groups()
    return float(number) * (1024 if binary else 1000) ** " KMGT".index(unit.upper() or " ")


def export_memory_limit() -> str:
    """The exporter's DuckDB memory_limit: $GTM_EXPORT_MEMORY_LIMIT, else the lower of $DUCKDB_MEMORY_LIMIT
    and EXPORT_MEMORY_CAP."""
    own = os.environ.get("GTM_EXPORT_MEMORY_LIMIT", "").strip()
    if own:
        if _size_bytes(own) is None:
            raise ExportError(f"GTM_EXPORT_MEMORY_LIMIT={own!r} is not a size such as 3GB or 512MiB")
        return own
    shared = os.environ.get("DUCKDB_MEMORY_LIMIT", "").strip()
    if shared and _size_bytes(shared) is None:
        raise ExportError(f"DUCKDB_MEMORY_LIMIT={shared!r} is not a size such as 4GB or 512MiB")
    if shared and _size_bytes(shared) < _size_bytes(EXPORT_MEMORY_CAP):
        return shared
    return EXPORT_MEMORY_CAP


# --- SQL for one object ----------------------------------------------------------------------------------

def field_sql(f: Field, types: dict[str, str]) -> str:
    if f.column is None:
        return _lit(f.value)
    col = _q(f.column)
    if f.fmt == "iso8601":
        return f"strftime(cast({col} as timestamp), '%Y-%m-%dT%H:%M:%SZ')"
    if f.fmt == "date":
        return f"strftime(cast({col} as date), '%Y-%m-%d')"
    if f.fmt == "google_ads_time":
        return f"strftime(cast({col} as timestamp), '%Y-%m-%d %H:%M:%S') || '+00:00'"
    if f.fmt == "unix_seconds":
        return f"cast(epoch(cast({col} as timestamp)) as bigint)"
    if f.fmt == "list":
        if types.get(f.column, "").endswith("[]"):
            return f"array_to_string({col}, ';')"
        return f"cast({col} as varchar)"
    return col


def output_fields(obj: SyncObject, types: dict[str, str]) -> list[tuple[str, str]]:
    """(destination field, SQL expression) in file order."""
    if obj.fields:
        return [(f.name, field_sql(f, types)) for f in obj.fields]
    return [(c, _q(c)) for c in types]


def key_sql(obj: SyncObject) -> str:
    cols = [_q(c) for c in obj.primary_key]
    null = " or ".join(f"{c} is null" for c in cols)
    if len(cols) == 1:
        return f"cast({cols[0]} as varchar)"
    # several key columns: a JSON array of their text (unambiguous whatever the values hold)
    items = ", ".join(f"cast({c} as varchar)" for c in cols)
    return f"case when {null} then null else cast(to_json([{items}]) as varchar) end"


def erased_sql(obj: SyncObject, wh: Warehouse) -> str | None:
    """Condition true for a row of an erased person (any declared identifier on the erasure list)."""
    if not obj.identifiers or ERASED_MODEL not in wh.relations:
        return None
    erased = wh.relation(ERASED_MODEL)
    parts = [f"md5(cast({_q(col)} as varchar)) in (select identifier_hash from {erased} "
             f"where identifier_type = {_lit(kind)})" for kind, col in obj.identifiers.items()]
    return "(" + " or ".join(parts) + ")"


def check_mapping(obj: SyncObject, wh: Warehouse) -> dict[str, str]:
    types = wh.columns(obj.model)
    missing = [c for c in obj.columns_used() if c not in types]
    if missing:
        raise ExportError(f"{obj.label}: mapping names column {missing[0]!r}, which {obj.model} does not have "
                          f"(fix models/exposures/_reverse_etl__exposures.yml)")
    return types


# --- results -------------------------------------------------------------------------------------------

@dataclass
class ObjectResult:
    destination: str
    object: str
    mode: str
    status: str = "ok"            # ok | unchanged | failed | skipped | not_built | dry_run
    added: int = 0
    changed: int = 0
    deleted: int = 0
    rejected: int = 0
    erased: int = 0
    written: int = 0
    files: list[str] = field(default_factory=list)
    message: str = ""
    seconds: float = 0.0
    samples: list[dict] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)
    run_id: str = ""


@dataclass
class _Pending:
    """Work of one object waiting for the destination's commit."""
    result: ObjectResult
    outputs: list[tuple[Path, Path, dict]]          # (staged path, final path, manifest)
    new_state: str | None = None                      # temp table with (sync_key, row_hash, status)


# --- files ---------------------------------------------------------------------------------------------

def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _copy(con: duckdb.DuckDBPyConnection, sql: str, path: Path, fmt: str, partition: str | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        options = "format csv, header true"
    else:
        options = "format parquet, compression zstd"
    if partition:
        options += f", partition_by ({_q(partition)}), filename_pattern 'part_{{i}}'"
    con.execute(f"copy ({sql}) to {_lit(str(path))} ({options})")


def _manifest(staged: Path, final: Path, con, fmt: str, mode: str, run_id: str, obj: SyncObject,
              kind: str) -> dict:
    files = sorted(staged.rglob("*")) if staged.is_dir() else [staged]
    entries = []
    for f in files:
        if not f.is_file():
            continue
        _fsync(f)
        reader = "read_csv" if fmt == "csv" else "read_parquet"
        rows = con.execute(f"select count(*) from {reader}({_lit(str(f))})").fetchall()[0][0]
        entries.append({"path": str(f.relative_to(staged)) if staged.is_dir() else final.name, "rows": rows,
                        "sha256": _sha256(f), "bytes": f.stat().st_size})
    reader = "read_csv" if fmt == "csv" else "read_parquet"
    first = files[0] if files else None
    columns = [r[0] for r in con.execute(f"describe select * from {reader}({_lit(str(first))})").fetchall()] \
        if first is not None and first.is_file() else []
    return {"destination": obj.destination, "object": obj.name, "model": obj.model, "mode": mode, "kind": kind,
            "format": fmt, "run_id": run_id, "rows": sum(e["rows"] for e in entries), "columns": columns,
            "files": entries, "written_at": datetime.now(timezone.utc).isoformat()}


def _write_json(path: Path, payload: dict) -> None:
    tmp = path.with_name("." + path.name + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, default=str))
    _fsync(tmp)
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    try:
        _fsync(path)
    except OSError:
        pass


def manifest_path(final: Path) -> Path:
    return final.with_name(final.name + ".manifest.json")


def clean_unconfirmed(export_dir: Path) -> list[Path]:
    """Remove what a killed run left: the staging folder and any data file without its manifest."""
    removed = []
    staging = export_dir / ".tmp"
    if staging.exists():
        shutil.rmtree(staging)
        removed.append(staging)
    if not export_dir.exists():
        return removed
    for dest in export_dir.iterdir():
        if not dest.is_dir() or dest.name.startswith("."):
            continue
        for obj_dir in dest.iterdir():
            if not obj_dir.is_dir():
                continue
            for item in obj_dir.iterdir():
                if item.name.endswith(".manifest.json") or item.name.startswith("."):
                    if item.name.startswith(".") and item.name.endswith(".tmp"):
                        item.unlink()
                        removed.append(item)
                    continue
                if not manifest_path(item).exists():
                    shutil.rmtree(item) if item.is_dir() else item.unlink()
                    removed.append(item)
    return removed


# --- one object ----------------------------------------------------------------------------------------

class Syncer:
    def __init__(self, wh: Warehouse, export_dir: Path, run_id: str, dry_run: bool = False,
                 full_resync: bool = False, log: Callable[[str], None] = print, keep_snapshots: int = 2):
        self.wh = wh
        self.con = wh.con
        self.export_dir = export_dir
        self.run_id = run_id
        self.dry_run = dry_run
        self.full_resync = full_resync
        self.log = log
        self.keep_snapshots = keep_snapshots
        self.staging = export_dir / ".tmp" / run_id
        self.has_state = wh.has_state()
        self._n = 0

    def _tmp(self, prefix: str) -> str:
        self._n += 1
        return f"retl_{prefix}_{self._n}"

    def _prior(self, obj: SyncObject) -> str:
        """SQL of the object's last confirmed state (sync_key, row_hash, status)."""
        if not self.has_state:
            return "(select null::varchar as sync_key, null::varchar as row_hash, null::varchar as status where false)"
        return (f"(select sync_key, row_hash, status from {STATE_SCHEMA}.sync_state "
                f"where destination = {_lit(obj.destination)} and object = {_lit(obj.name)})")

    def _source_sql(self, obj: SyncObject, select: str, keep: str | None) -> str:
        where = [f"({obj.where})"] if obj.where else []
        if keep:
            where.append(keep)
        clause = (" where " + " and ".join(where)) if where else ""
        return f"select {select} from {self.wh.relation(obj.model)}{clause}"

    def _erased(self, obj: SyncObject) -> tuple[int, str | None]:
        """Privacy guard: (rows of erased people, condition keeping the others or None when there are none).

        The identifiers are hashed once, into a small table of the erased rows' keys; the export then
        anti-joins on the key (nothing to filter in the usual case: the marts already hold nobody erased).
        """
        cond = erased_sql(obj, self.wh)
        if not cond:
            return 0, None
        table = self._tmp("erased")
        where = f"({obj.where}) and " if obj.where else ""
        self.con.execute(f"""create temp table {table} as select {key_sql(obj)} as _key
            from {self.wh.relation(obj.model)} where {where}coalesce({cond}, false)""")
        count = self.con.execute(f"select count(*) from {table}").fetchall()[0][0]
        if not count:
            return 0, None
        return count, f"coalesce({key_sql(obj)}, '') not in (select coalesce(_key, '') from {table})"

    def sync(self, obj: SyncObject, types: dict[str, str]) -> _Pending:
        started = time.monotonic()
        result = ObjectResult(obj.destination, obj.name, obj.mode, run_id=self.run_id)
        try:
            if obj.mode == "full":
                pending = self._sync_full(obj, types, result)
            else:
                pending = self._sync_diff(obj, types, result)
        except duckdb.Error as exc:
            result.status = "failed"
            result.message = f"DuckDB: {str(exc).splitlines()[0]}"
            pending = _Pending(result, [])
        result.seconds = time.monotonic() - started
        return pending

    # full snapshot: one fingerprint per object; a new snapshot only when it changed
    def _sync_full(self, obj: SyncObject, types, result: ObjectResult) -> _Pending:
        fields = output_fields(obj, types)
        result.erased, keep = self._erased(obj)
        select = ", ".join(f"{expr} as {_q(name)}" for name, expr in fields)
        partition = None
        if obj.partition_by:
            partition = f"{obj.partition_by['column']}_month"
            select += f", strftime(cast({_q(obj.partition_by['column'])} as date), '%Y-%m') as {_q(partition)}"
        source = self._source_sql(obj, select, keep)
        key = key_sql(obj)
        # key checks on the model's columns; the fingerprint over the mapped output (what the file holds)
        row_hash = "hash(" + ", ".join(expr for _, expr in fields) + ")"
        stats_sql = f"""
            select count(*), count(*) - count({key}), count({key}) - count(distinct {key}),
                   cast(coalesce(sum(cast({row_hash} as hugeint)), 0) as varchar)
            from ({self._source_sql(obj, '*', keep)}) as src
        """
        rows, null_keys, dup_keys, fingerprint = self.con.execute(stats_sql).fetchall()[0]
        bad = null_keys + dup_keys
        if bad:
            result.rejected = bad
            share = bad / rows if rows else 0
            limit = float(obj.rules.get("max_rejected_share", 0))
            result.reasons = {"primary_key_null": null_keys, "primary_key_duplicate": dup_keys}
            if share > limit:
                result.status = "failed"
                result.message = (f"{bad} of {rows} rows have a null or duplicate key ({share:.2%} > "
                                  f"max_rejected_share {limit:.2%}): not written")
                return _Pending(result, [])
        state_hash = f"{rows}:{fingerprint}"
        prior = self.con.execute(f"select row_hash from {self._prior(obj)} where sync_key = '*'").fetchall()
        if prior and prior[0][0] == state_hash and not self.full_resync:
            result.status = "unchanged"
            return _Pending(result, [])
        result.added = rows
        if self.dry_run:
            result.status = "dry_run"
            result.samples = self._samples(f"{source} limit {SAMPLE_ROWS}")
            return _Pending(result, [])
        suffix = "" if partition else f".{obj.format}"
        final = self.export_dir / obj.destination / obj.name / f"{self.run_id}.full{suffix}"
        staged = self.staging / obj.destination / obj.name / final.name
        _copy(self.con, source, staged, obj.format, partition)
        if partition and not staged.exists():
            staged.mkdir(parents=True)
        manifest = _manifest(staged, final, self.con, obj.format, obj.mode, self.run_id, obj, "snapshot")
        result.written = manifest["rows"]
        table = self._tmp("state")
        self.con.execute(f"create temp table {table} as select '*' as sync_key, {_lit(state_hash)} as row_hash, "
                         f"'sent' as status")
        return _Pending(result, [(staged, final, manifest)], table)

    def _samples(self, sql: str) -> list[dict]:
        cur = self.con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    # upsert / mirror: key + row hash per row; GE validation; diff in SQL
    def _sync_diff(self, obj: SyncObject, types, result: ObjectResult) -> _Pending:
        fields = output_fields(obj, types)
        result.erased, keep = self._erased(obj)
        rule_cols = obj.rule_columns()
        selects = [f"{key_sql(obj)} as _key"]
        selects += [f"{expr} as {_q(name)}" for name, expr in fields]
        hash_expr = "md5(cast(row(" + ", ".join(expr for _, expr in fields) + ") as varchar))"
        selects.append(f"{hash_expr} as _hash")
        selects += [f"{_q(c)} as {_q(gx_validate.rule_column(c))}" for c in rule_cols]
        for i, group in enumerate(obj.rules.get("required_any") or []):
            selects.append(f"coalesce({', '.join(f'cast({_q(c)} as varchar)' for c in group)}) "
                           f"as {_q(gx_validate.any_column(i))}")
        cur = self._tmp("cur")
        self.con.execute(f"""create temp table {cur} as
            select row_number() over () as _row, src.* from ({self._source_sql(obj, ', '.join(selects), keep)}) as src""")
        total = self.con.execute(f"select count(*) from {cur}").fetchall()[0][0]

        # validation: the GE suite over in-memory batches of bounded size (the rule columns, key and row
        # number); key uniqueness over the whole table in SQL
        frame_cols = ["_row", "_key"] + [gx_validate.rule_column(c) for c in rule_cols] + \
            [gx_validate.any_column(i) for i in range(len(obj.rules.get("required_any") or []))]
        _, failed = gx_validate.validate_table(obj, self.con, cur, frame_cols)
        rej = self._tmp("rej")
        self.con.execute(f"create temp table {rej} (_row bigint, reason varchar)")
        if failed:
            self.con.executemany(f"insert into {rej} values (?, ?)",
                                 [(row, ";".join(dict.fromkeys(reasons))) for row, reasons in failed.items()])
        result.rejected = len(failed)
        for reasons in failed.values():
            for reason in dict.fromkeys(reasons):
                result.reasons[reason] = result.reasons.get(reason, 0) + 1
        limit = float(obj.rules.get("max_rejected_share", 0))
        share = result.rejected / total if total else 0.0
        if share > limit:
            top = ", ".join(f"{r} ({n})" for r, n in sorted(result.reasons.items(), key=lambda x: -x[1])[:3])
            result.status = "failed"
            result.message = (f"{result.rejected} of {total} rows rejected ({share:.2%} > max_rejected_share "
                              f"{limit:.2%}): {top}; destination not written")
            return _Pending(result, [])

        prior = self._prior(obj)
        sent = f"(select sync_key, row_hash from {prior} as p where status = 'sent')"
        if self.full_resync:
            sent_for_diff = "(select null::varchar as sync_key, null::varchar as row_hash where false)"
        else:
            sent_for_diff = sent
        valid = f"(select c.* from {cur} as c anti join {rej} as r on c._row = r._row)"
        diff = self._tmp("diff")
        self.con.execute(f"""create temp table {diff} as
            select v._row, v._key, case when s.sync_key is null then 'add' else 'change' end as _change
            from {valid} as v left join {sent_for_diff} as s on v._key = s.sync_key
            where s.sync_key is null or s.row_hash <> v._hash""")
        deletes = self._tmp("del")
        self.con.execute(f"""create temp table {deletes} as
            select s.sync_key from {sent} as s anti join {cur} as c on s.sync_key = c._key""")
        counts = dict(self.con.execute(f"select _change, count(*) from {diff} group by all").fetchall())
        result.added, result.changed = counts.get("add", 0), counts.get("change", 0)
        result.deleted = self.con.execute(f"select count(*) from {deletes}").fetchall()[0][0]
        # rejected rows not already rejected in this version: the only ones written to the rejected file
        new_rej = self._tmp("newrej")
        self.con.execute(f"""create temp table {new_rej} as
            select c._key, r.reason, c._hash from {rej} as r join {cur} as c on r._row = c._row
            where c._key is null or not exists (select 1 from {prior} as p
                where p.status = 'rejected' and p.sync_key = c._key and p.row_hash = c._hash)""")
        field_list = ", ".join(_q(n) for n, _ in fields)
        by_column = {f.column: f.name for f in obj.fields if f.column and f.fmt is None}
        pk_fields = [by_column[c] for c in obj.primary_key] if all(c in by_column for c in obj.primary_key) else []
        if not pk_fields:
            delete_select = "sync_key as _key"
        elif len(pk_fields) == 1:
            delete_select = f"sync_key as {_q(pk_fields[0])}"
        else:
            delete_select = ", ".join(f"json_extract_string(sync_key, '$[{i}]') as {_q(n)}"
                                      for i, n in enumerate(pk_fields))
        changed_rows = result.added + result.changed
        if self.dry_run:
            result.status = "dry_run"
            result.samples = self._samples(f"""select d._change, {', '.join('c.' + _q(n) for n, _ in fields)}
                from {diff} as d join {cur} as c using (_row) order by d._change, c._key limit {SAMPLE_ROWS}""")
            return _Pending(result, [])
        outputs = []

        def stage(kind: str, sql: str, rows: int) -> None:
            if rows == 0:
                return
            final = self.export_dir / obj.destination / obj.name / f"{self.run_id}.{kind}.{obj.format}"
            staged = self.staging / obj.destination / obj.name / final.name
            _copy(self.con, sql, staged, obj.format)
            outputs.append((staged, final, _manifest(staged, final, self.con, obj.format, obj.mode,
                                                     self.run_id, obj, kind)))

        order = "order by c._key"
        if obj.mode == "upsert":
            stage("upserts", f"select {field_list} from {diff} as d join {cur} as c using (_row) {order}", changed_rows)
        else:
            stage("adds", f"select {field_list} from {diff} as d join {cur} as c using (_row) "
                          f"where d._change = 'add' {order}", result.added)
            stage("changes", f"select {field_list} from {diff} as d join {cur} as c using (_row) "
                             f"where d._change = 'change' {order}", result.changed)
            stage("deletes", f"select {delete_select} from {deletes} order by sync_key", result.deleted)
        new_rejected = self.con.execute(f"select count(*) from {new_rej}").fetchall()[0][0]
        stage("rejected", f"select _key, reason from {new_rej} order by _key", new_rejected)
        result.written = sum(m["rows"] for _, _, m in outputs if m["kind"] != "rejected")
        # new state: every valid row as sent; rejected rows keep their last sent version (if any) and are
        # remembered as rejected in this version, so they are not reported again until they change
        state = self._tmp("state")
        self.con.execute(f"""create temp table {state} as
            select _key as sync_key, _hash as row_hash, 'sent' as status from {valid}
            union all
            select s.sync_key, s.row_hash, 'sent' from {sent} as s
            where s.sync_key in (select c._key from {cur} as c join {rej} as r on c._row = r._row)
            union all
            select _key, _hash, 'rejected' from {new_rej} where _key is not null
            union all
            select p.sync_key, p.row_hash, 'rejected' from {prior} as p
            where p.status = 'rejected' and p.sync_key in (select c._key from {cur} as c join {rej} as r on c._row = r._row)
              and p.sync_key not in (select _key from {new_rej} where _key is not null)""")
        return _Pending(result, outputs, state)

    # --- commit one destination ------------------------------------------------------------------------
    def commit(self, destination: Destination, pendings: list[_Pending], started_at: datetime,
               before_commit: Callable[[], None] | None = None) -> None:
        """Rename every staged file into place (manifest after its data), then commit state + run log."""
        for pending in pendings:
            for staged, final, manifest in pending.outputs:
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged, final)
                _fsync_dir(final.parent)
                _write_json(manifest_path(final), manifest)
                pending.result.files.append(str(final.relative_to(self.export_dir)))
        if before_commit:
            before_commit()
        self.wh.ensure_state()
        self.con.execute("begin transaction")
        try:
            for pending in pendings:
                r = pending.result
                if pending.new_state:
                    self.con.execute(f"delete from {STATE_SCHEMA}.sync_state where destination = ? and object = ?",
                                     [r.destination, r.object])
                    self.con.execute(f"""insert into {STATE_SCHEMA}.sync_state
                        select ?, ?, sync_key, row_hash, status, ? from {pending.new_state}""",
                                     [r.destination, r.object, self.run_id])
            self.log_results([p.result for p in pendings], started_at)
            self.con.execute("commit")
        except Exception:
            self.con.execute("rollback")
            raise
        self.has_state = True
        for pending in pendings:
            if pending.result.mode == "full" and pending.outputs:
                self._prune(pending.outputs[0][1])

    def log_results(self, results: list[ObjectResult], started_at: datetime) -> None:
        self.wh.ensure_state()
        for r in results:
            self.con.execute(f"insert into {STATE_SCHEMA}.run_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             [self.run_id, r.destination, r.object, r.mode, r.status, r.added, r.changed, r.deleted,
                              r.rejected, r.erased, r.written, json.dumps(r.files), r.message,
                              started_at.replace(tzinfo=None), round(r.seconds, 3)])

    def _prune(self, final: Path) -> None:
        """Keep the newest `keep_snapshots` confirmed snapshots of a full-mode object."""
        snapshots = sorted(p for p in final.parent.iterdir()
                           if ".full" in p.name and not p.name.endswith(".manifest.json"))
        for old in snapshots[:-self.keep_snapshots]:
            shutil.rmtree(old) if old.is_dir() else old.unlink()
            manifest_path(old).unlink(missing_ok=True)


def new_run_id() -> str:
    now = datetime.now(timezone.utc)
    return now.strftime("%Y%m%dT%H%M%S") + f"{now.microsecond:06d}Z"


def fmt_result(r: ObjectResult) -> str:
    text = (f"{r.destination}.{r.object} [{r.mode}] {r.status}: +{r.added} ~{r.changed} -{r.deleted} "
            f"rejected {r.rejected} erased {r.erased} ({r.seconds:.1f}s)")
    if r.message:
        text += f" - {r.message}"
    return text


def run_export(wh: Warehouse, destinations: list[Destination], export_dir: Path, dry_run: bool = False,
               full_resync: bool = False, log: Callable[[str], None] = print, progress: bool = True,
               _hook: Callable[[str], None] | None = None) -> list[ObjectResult]:
    """Sync `destinations`; returns one result per object. Raises ExportError before any work on a config
    problem (mapping naming a missing column, model not built)."""
    types: dict[str, dict[str, str] | None] = {}
    for dest in destinations:
        for obj in dest.objects:
            # a model that is not built (its source switched off: using_crm false...) is skipped, not an error
            types[obj.label] = check_mapping(obj, wh) if obj.model in wh.relations else None
    run_id = new_run_id()
    if not dry_run:
        export_dir.mkdir(parents=True, exist_ok=True)
        for path in clean_unconfirmed(export_dir):
            log(f"removed unconfirmed output of an interrupted run: {path}")
    syncer = Syncer(wh, export_dir, run_id, dry_run=dry_run, full_resync=full_resync, log=log)
    results: list[ObjectResult] = []
    objects = [(d, o) for d in destinations for o in d.objects]
    try:
        from tqdm import tqdm
        bar = tqdm(total=len(objects), desc="reverse ETL", unit="object", disable=not progress, file=sys.stderr)
    except ImportError:  # pragma: no cover
        bar = None
    log(f"run {run_id}{' (dry run: nothing is written)' if dry_run else ''}: {len(destinations)} destination(s), "
        f"{len(objects)} object(s) -> {export_dir}")
    for dest in destinations:
        started_at = datetime.now(timezone.utc)
        pendings = []
        for obj in dest.objects:
            if bar is not None:
                bar.set_postfix_str(obj.label)
            if types[obj.label] is None:
                pendings.append(_Pending(ObjectResult(obj.destination, obj.name, obj.mode, status="not_built",
                                                      message=f"model {obj.model} is not built: nothing to send",
                                                      run_id=run_id), []))
            else:
                pendings.append(syncer.sync(obj, types[obj.label]))
            if _hook:
                _hook(obj.label)
            if bar is not None:
                bar.update(1)
        failed = [p for p in pendings if p.result.status == "failed"]
        dest_results = [p.result for p in pendings]
        if failed:
            for p in pendings:
                if p.result.status != "failed":
                    p.result.status = "skipped"
                    p.result.message = "destination not written: " + failed[0].result.object + " failed"
            if not dry_run:
                syncer.log_results(dest_results, started_at)
        elif not dry_run:
            syncer.commit(dest, pendings, started_at, before_commit=(lambda: _hook(f"commit:{dest.name}"))
                          if _hook else None)
        for r in dest_results:
            log(fmt_result(r))
            if dry_run and r.samples:
                for sample in r.samples:
                    log(f"    sample: {json.dumps(sample, default=str)}")
        results += dest_results
        staged = syncer.staging / dest.name
        if staged.exists():
            shutil.rmtree(staged)
    if bar is not None:
        bar.close()
    if not dry_run and syncer.staging.exists():
        shutil.rmtree(syncer.staging, ignore_errors=True)
        try:
            (export_dir / ".tmp").rmdir()
        except OSError:
            pass
    return results
