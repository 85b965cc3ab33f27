"""Compare the warehouse built on DuckDB with the one built on Spark from the same raw files.

Every relation (table or view) of the compared schemas that exists on both engines is compared: row
count, column names, column types (by kind: text, integer, float...) and the full content as a
multiset of rows. Spark's tables are read from their parquet files and its views are written as
parquet by Spark first; everything is then compared inside DuckDB. Normalisation, chosen so that only engine noise is ignored:

* timestamps (with or without time zone) become UTC microseconds since the epoch;
* integers of any width compare as bigint, exact; decimals exact;
* float/double columns (and only those) compare with a relative tolerance, after the other columns
  matched exactly;
* NULL and '' stay different, as do NaN and NULL.

New models are picked up automatically: nothing lists them here.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

COMPARED_SCHEMAS = ("staging", "intermediate", "marts")
FLOAT_TOLERANCE = 1e-9  # relative, with 1.0 as the smallest scale (so also absolute near zero)
SAMPLE_ROWS = 3


class CompareError(Exception):
    """A problem the user can fix (missing build, locked file); the message says what to do."""


@dataclass
class TableDiff:
    schema: str
    name: str
    duckdb_rows: int = 0
    spark_rows: int = 0
    problems: list[str] = field(default_factory=list)
    only_duckdb: list[tuple] = field(default_factory=list)
    only_spark: list[tuple] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)

    @property
    def relation(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        status = "ok  " if self.ok else "DIFF"
        line = f"{status} {self.relation:<60} rows duckdb={self.duckdb_rows:>8,} spark={self.spark_rows:>8,}"
        return line if self.ok else f"{line}  {'; '.join(self.problems)}"

    def details(self) -> str:
        out = [f"--- {self.relation}: {'; '.join(self.problems)}"]
        for label, rows in (("only in duckdb", self.only_duckdb), ("only in spark", self.only_spark)):
            for row in rows:
                shown = ", ".join(f"{c}={v!r}" for c, v in zip(self.columns, row))
                out.append(f"    {label}: {shown[:600]}")
        return "\n".join(out)


def _kind(data_type: str) -> str:
    t = data_type.upper()
    if t.startswith("TIMESTAMP"):
        return "timestamp"
    if t in ("FLOAT", "DOUBLE", "REAL"):
        return "float"
    if t.startswith("DECIMAL"):
        return "decimal"
    if t in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"):
        return "integer"
    if t in ("VARCHAR", "BLOB"):
        return t.lower()
    return t.lower()  # BOOLEAN, DATE, lists and structs: compared as they are


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _normalised(column: str, kind: str) -> str:
    if kind == "timestamp":
        return f"epoch_us({_q(column)})"
    if kind == "integer":
        return f"cast({_q(column)} as bigint)"
    if kind == "float":
        return f"cast({_q(column)} as double)"
    return _q(column)


def export_spark_relations(spark, out_dir: Path, schemas=COMPARED_SCHEMAS) -> dict[tuple[str, str], str]:
    """DuckDB table expressions reading every table and view of `schemas` as Spark built them.

    Tables are read where Spark wrote them (their parquet files, partition folders included); views are
    computed by Spark and written as parquet under out_dir/<schema>/<name>.
    """
    shutil.rmtree(out_dir, ignore_errors=True)
    spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
    exported = {}
    existing = {row[0] for row in spark.sql("show databases").collect()}
    for schema in schemas:
        if schema not in existing:
            continue
        for table in spark.catalog.listTables(schema):
            if table.isTemporary:
                continue
            reader = _table_files(spark, schema, table.name) if table.tableType != "VIEW" else None
            if reader is None:
                path = (out_dir / schema / table.name).resolve()
                spark.table(f"{schema}.{table.name}").coalesce(1).write.parquet(str(path))
                reader = f"read_parquet('{_lit(str(path / '*.parquet'))}')"
            exported[(schema, table.name)] = reader
    return exported


def _lit(text: str) -> str:
    return text.replace("'", "''")


def _table_files(spark, schema: str, name: str) -> str | None:
    """read_parquet over a Spark parquet table's own files; None when it has none (e.g. empty)."""
    info = {row[0]: row[1] for row in spark.sql(f"describe table extended {schema}.{name}").collect()}
    if (info.get("Provider") or "").lower() != "parquet" or not info.get("Location"):
        return None
    location = Path(info["Location"].removeprefix("file:"))
    partitions = [c.name for c in spark.catalog.listColumns(f"{schema}.{name}") if c.isPartition]
    pattern = "/".join(["*"] * len(partitions) + ["*.parquet"])
    if not list(location.glob(pattern)):
        return None
    if not partitions:
        return f"read_parquet('{_lit(str(location / pattern))}')"
    types = {c.name: c.dataType for c in spark.catalog.listColumns(f"{schema}.{name}") if c.isPartition}
    hive_types = ", ".join(f"'{_lit(c)}': '{_SPARK_TO_DUCKDB.get(t, 'varchar')}'" for c, t in types.items())
    return f"read_parquet('{_lit(str(location / pattern))}', hive_partitioning = true, hive_types = {{{hive_types}}})"


_SPARK_TO_DUCKDB = {"string": "varchar", "int": "integer", "bigint": "bigint", "date": "date", "boolean": "boolean"}


def duckdb_relations(con: duckdb.DuckDBPyConnection, catalog: str, schemas=COMPARED_SCHEMAS) -> set[tuple[str, str]]:
    rows = con.execute(
        "select table_schema, table_name from information_schema.tables "
        f"where table_catalog = ? and table_schema in ({', '.join('?' for _ in schemas)})",
        [catalog, *schemas],
    ).fetchall()
    return {(s, t) for s, t in rows}


def compare_relation(con: duckdb.DuckDBPyConnection, schema: str, name: str, duck_ref: str, spark_ref: str) -> TableDiff:
    """Compare one relation: duck_ref and spark_ref are DuckDB table expressions of the two sides."""
    diff = TableDiff(schema, name)
    diff.duckdb_rows = con.execute(f"select count(*) from {duck_ref}").fetchone()[0]
    diff.spark_rows = con.execute(f"select count(*) from {spark_ref}").fetchone()[0]
    if diff.duckdb_rows != diff.spark_rows:
        diff.problems.append(f"row count {diff.duckdb_rows} vs {diff.spark_rows}")

    duck_cols = {r[0].lower(): (r[0], r[1]) for r in con.execute(f"describe select * from {duck_ref}").fetchall()}
    spark_cols = {r[0].lower(): (r[0], r[1]) for r in con.execute(f"describe select * from {spark_ref}").fetchall()}
    only_d = [duck_cols[c][0] for c in duck_cols if c not in spark_cols]
    only_s = [spark_cols[c][0] for c in spark_cols if c not in duck_cols]
    if only_d:
        diff.problems.append(f"columns only in duckdb: {', '.join(only_d)}")
    if only_s:
        diff.problems.append(f"columns only in spark: {', '.join(only_s)}")

    exact, floats = [], []
    for key, (column, duck_type) in duck_cols.items():
        if key not in spark_cols:
            continue
        kd, ks = _kind(duck_type), _kind(spark_cols[key][1])
        if "float" in (kd, ks):
            floats.append(column)
            continue
        if kd != ks and {kd, ks} != {"integer", "decimal"}:
            diff.problems.append(f"type of {column}: {duck_type} vs {spark_cols[key][1]}")
            continue
        exact.append((column, kd))

    exact_d = ", ".join(f"{_normalised(c, k)} as {_q(c)}" for c, k in exact) or "1 as _none"
    exact_s = ", ".join(f"{_normalised(c, k)} as {_q(c)}" for c, k in exact) or "1 as _none"
    float_sel = "".join(f", cast({_q(c)} as double) as {_q(c)}" for c in floats)
    con.execute(f"create or replace temp table _d as select {exact_d}{float_sel} from {duck_ref}")
    con.execute(f"create or replace temp table _s as select {exact_s}{float_sel} from {spark_ref}")
    diff.columns = [c for c, _ in exact] + floats

    exact_list = ", ".join(_q(c) for c, _ in exact) or "_none"
    only_d_count = con.execute(f"select count(*) from (select {exact_list} from _d except all select {exact_list} from _s)").fetchone()[0]
    only_s_count = con.execute(f"select count(*) from (select {exact_list} from _s except all select {exact_list} from _d)").fetchone()[0]
    if only_d_count or only_s_count:
        diff.problems.append(f"{only_d_count} rows only in duckdb, {only_s_count} only in spark")
        # Sample rows over the exactly-compared columns (floats are compared in a second step).
        diff.columns = [c for c, _ in exact]
        for side, other, target in (("_d", "_s", diff.only_duckdb), ("_s", "_d", diff.only_spark)):
            target.extend(con.execute(
                f"select {exact_list} from {side} except all select {exact_list} from {other} limit {SAMPLE_ROWS}"
            ).fetchall())
        return diff

    if floats:
        # The exact columns match as multisets: pair rows within each group of equal exact values by
        # their float values' order, then allow a relative tolerance on the floats.
        order = ", ".join(f"{_q(c)} nulls first" for c in floats)
        part = f"partition by {exact_list}" if exact else ""
        keys = [_q(c) for c, _ in exact] + ["_rn"]
        join = " and ".join(f"d.{k} is not distinct from s.{k}" for k in keys)
        close = " and ".join(
            f"(d.{_q(c)} is not distinct from s.{_q(c)} or (isnan(d.{_q(c)}) and isnan(s.{_q(c)})) or "
            f"abs(d.{_q(c)} - s.{_q(c)}) <= {FLOAT_TOLERANCE} * greatest(1.0, abs(d.{_q(c)}), abs(s.{_q(c)})))"
            for c in floats
        )
        select_d = ", ".join(f"d.{_q(c)}" for c in diff.columns)
        select_s = ", ".join(f"s.{_q(c)}" for c in diff.columns)
        base = (
            f"from (select *, row_number() over ({part} order by {order}) as _rn from _d) as d "
            f"join (select *, row_number() over ({part} order by {order}) as _rn from _s) as s on {join} "
            f"where not ({close})"
        )
        bad = con.execute(f"select count(*) {base}").fetchone()[0]
        if bad:
            diff.problems.append(f"{bad} rows differ in float columns beyond {FLOAT_TOLERANCE:g} (relative)")
            diff.only_duckdb.extend(con.execute(f"select {select_d} {base} limit {SAMPLE_ROWS}").fetchall())
            diff.only_spark.extend(con.execute(f"select {select_s} {base} limit {SAMPLE_ROWS}").fetchall())
    return diff


def compare_warehouses(duckdb_path: Path, spark_export: dict[tuple[str, str], str],
                       schemas=COMPARED_SCHEMAS) -> tuple[list[TableDiff], list[str], list[str]]:
    """Compare every relation present on both sides; returns (diffs, only in duckdb, only in spark)."""
    if not Path(duckdb_path).exists():
        raise CompareError(f"{duckdb_path} does not exist: build the DuckDB warehouse first (dbt build)")
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        try:
            con.execute(f"attach '{str(duckdb_path).replace(chr(39), chr(39) * 2)}' as wh (read_only)")
        except duckdb.Error as exc:
            raise CompareError(f"cannot open {duckdb_path} ({str(exc).splitlines()[0]}): close programs using it") from exc
        duck = duckdb_relations(con, "wh", schemas)
        spark = set(spark_export)
        diffs = []
        for schema, name in sorted(duck & spark):
            diffs.append(compare_relation(con, schema, name, f"wh.{_q(schema)}.{_q(name)}", spark_export[(schema, name)]))
        only_duck = sorted(f"{s}.{n}" for s, n in duck - spark)
        only_spark = sorted(f"{s}.{n}" for s, n in spark - duck)
        return diffs, only_duck, only_spark
    finally:
        con.close()


def run(duckdb_path: Path, export_dir: Path, schemas=COMPARED_SCHEMAS, say=print) -> int:
    """Export Spark's relations, compare them with DuckDB's, print one line per relation; exit code."""
    from gtm_warehouse.spark import spark_session

    spark = spark_session()
    try:
        spark.sparkContext.setLogLevel("ERROR")
        exported = export_spark_relations(spark, export_dir, schemas)
    finally:
        spark.stop()
    diffs, only_duck, only_spark = compare_warehouses(duckdb_path, exported, schemas)
    for diff in diffs:
        say(diff.summary())
    for relation in only_duck:
        say(f"note {relation}: only in duckdb (not built on spark), not compared")
    for relation in only_spark:
        say(f"note {relation}: only in spark (not built on duckdb), not compared")
    failed = [d for d in diffs if not d.ok]
    for diff in failed:
        say(diff.details())
    if not diffs:
        say("compare_engines: no relation exists on both engines: build both first")
        return 1
    if failed:
        say(f"compare_engines: {len(failed)} of {len(diffs)} relations differ between duckdb and spark: "
            + ", ".join(d.relation for d in failed))
        return 1
    say(f"compare_engines: all {len(diffs)} relations identical on duckdb and spark")
    return 0
