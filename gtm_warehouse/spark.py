"""Spark side of the warehouse: a local SparkSession configured like dbt's `spark` target, and a raw loader.

The session settings are read from the `spark` output of ``profiles.yml`` (rendered with the same
``env_var`` values dbt sees), so the loader writes into the metastore and warehouse folder that
``dbt build --target spark`` then reads. The loader checks files with the DuckDB loader's
``plan_folder`` (one contract check for both engines) and lets DuckDB read them, so that both engines
load exactly the same rows and types: DuckDB writes each table once as parquet, Spark saves that as a
parquet table in schema ``raw``.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

import duckdb
import jinja2
import yaml

from gtm_warehouse.contract import PROJECT_DIR, SEGMENT_CORE_TABLES
from gtm_warehouse.loader import (
    LoadError,
    TableResult,
    _quote,
    filled_columns,
    plan_folder,
    utc_connection,
)

# DuckDB types Spark cannot read from parquet, and what they are cast to before the hand-over.
_SPARK_UNREADABLE = {
    "TIMESTAMP_NS": "timestamp",
    "TIMESTAMP_MS": "timestamp",
    "TIMESTAMP_S": "timestamp",
    "TIME": "varchar",
    "UUID": "varchar",
    "INTERVAL": "varchar",
    "HUGEINT": "decimal(38, 0)",
    "UHUGEINT": "decimal(38, 0)",
}


def _env_var(name: str, default: str | None = None) -> str:
    if name in os.environ:
        return os.environ[name]
    if default is None:
        raise LoadError(f"profiles.yml needs env var {name}: set it and retry")
    return default


def spark_profile(project_dir: Path = PROJECT_DIR, target: str = "spark") -> dict:
    """The `spark` output of profiles.yml, rendered with env_var() as dbt renders it."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    text = (project_dir / "profiles.yml").read_text()
    rendered = env.from_string(text).render(env_var=_env_var)
    outputs = yaml.safe_load(rendered)["gtm_warehouse"]["outputs"]
    if target not in outputs:
        raise LoadError(f"profiles.yml has no `{target}` target")
    return outputs[target]


def spark_conf(project_dir: Path = PROJECT_DIR) -> dict[str, str]:
    """Spark settings of the dbt `spark` target, including what dbt-spark itself forces (ANSI off)."""
    conf = {str(k): str(v) for k, v in (spark_profile(project_dir).get("server_side_parameters") or {}).items()}
    conf["spark.sql.ansi.enabled"] = "false"  # dbt-spark's session method always sets this
    return conf


def state_dir() -> Path:
    """Where the Spark metastore and warehouse live ($SPARK_STATE_DIR, default data/spark_state)."""
    return Path(os.environ.get("SPARK_STATE_DIR", "data/spark_state"))


def warehouse_dir(project_dir: Path = PROJECT_DIR) -> Path:
    """The Spark warehouse folder of the dbt `spark` target (tables are <schema>.db/<table>/)."""
    path = spark_conf(project_dir)["spark.sql.warehouse.dir"].removeprefix("file:")
    return Path(path)


def spark_session(project_dir: Path = PROJECT_DIR):
    """A SparkSession with the dbt `spark` target's settings (Hive metastore in $SPARK_STATE_DIR)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the optional install
        raise LoadError("pyspark is not installed: run `make test-spark` or pip install -r requirements-spark.txt") from exc
    state_dir().mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in spark_conf(project_dir).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def _portable_select(con: duckdb.DuckDBPyConnection, select_sql: str) -> str:
    """select_sql with columns of types Spark cannot read from parquet cast to types it can."""
    described = con.execute(f"describe {select_sql}").fetchall()
    if not any(row[1].upper() in _SPARK_UNREADABLE for row in described):
        return select_sql
    items = [
        f"cast({_quote(name)} as {_SPARK_UNREADABLE[kind.upper()]}) as {_quote(name)}"
        if kind.upper() in _SPARK_UNREADABLE else _quote(name)
        for name, kind, *_ in described
    ]
    return f"select {', '.join(items)} from ({select_sql})"


def load_folder_spark(
    folder: Path,
    schema: str = "raw",
    only: list[str] | None = None,
    progress: Callable[[str], None] = lambda message: None,
    spark=None,
) -> list[TableResult]:
    """Load every contract table found in ``folder`` into Spark schema ``schema`` (parquet tables).

    Same checks and same rows as the DuckDB loader (``load_folder``). Not one transaction: Spark has
    none across tables, but every file is checked before anything is written.
    """
    con = utc_connection()
    try:
        plans = plan_folder(con, folder, append=False, only=only)
        handover = state_dir() / "handover"
        shutil.rmtree(handover, ignore_errors=True)
        handover.mkdir(parents=True)
        files: list[tuple] = []
        for plan in plans:
            if plan.source_sql is None and not (plan.table.segment_event_table or plan.table.name in SEGMENT_CORE_TABLES):
                files.append((plan, None, 0))
                continue
            path = handover / f"{plan.table.name}.parquet"
            select = _portable_select(con, plan.select_sql)
            copied = con.execute(f"copy ({select}) to '{str(path).replace(chr(39), chr(39) * 2)}' (format parquet)")
            files.append((plan, path, copied.fetchone()[0]))
    finally:
        con.close()

    own_session = spark is None
    spark = spark or spark_session()
    results: list[TableResult] = []
    try:
        spark.sql(f"create database if not exists {schema}")
        for plan, path, rows in files:
            name = plan.table.name
            if path is None:
                results.append(TableResult(name, "skipped", 0))
                continue
            frame = spark.read.parquet(str(path.resolve()))
            frame.write.mode("overwrite").format("parquet").saveAsTable(f"{schema}.{name}")
            action = "loaded" if plan.source_sql is not None else "created_empty"
            results.append(TableResult(name, action, rows, plan.source_sql,
                                       filled_columns(plan.table, list(plan.present or []) or None)))
            progress(f"{action:>8} {schema}.{name}: {rows:,} rows (spark)")
    finally:
        if own_session:
            spark.stop()
        shutil.rmtree(handover, ignore_errors=True)
    return results
