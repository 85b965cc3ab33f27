#!/usr/bin/env python
"""Load a folder of parquet or CSV files named after the raw contract's tables into schema `raw`.

Files are found as <table>.parquet, <table>/*.parquet, <table>.csv(.gz) or <table>/*.csv. Every
required column of the contract (models/staging/*/_*__sources.yml) must be present; optional
columns that are absent are added as NULL (Segment's uuid_ts: filled from received_at); extra columns
are kept. Segment tables without a file (per-event tables, and tracks/identifies/groups for a source
that sends only some call types; at least one of tracks, pages, identifies, groups is needed) are
created empty; other sources without files are skipped (switch them off with the `using_<source>`
vars). Timestamps without a time zone mean UTC. Loading is one transaction: all tables or none.

`--engine spark` loads the same files, with the same checks, into Spark schema `raw` as parquet
tables, in the metastore and warehouse folder of the dbt `spark` target (profiles.yml,
$SPARK_STATE_DIR); it needs `pip install -r requirements-spark.txt` and has no --append.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gtm_warehouse.contract import SEGMENT_CORE_TABLES  # noqa: E402
from gtm_warehouse.loader import LoadError, load_folder  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="folder", required=True, type=Path, help="folder of raw files")
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb",
                        help="where to load: DuckDB file (default) or the local Spark of the dbt `spark` target")
    parser.add_argument("--database", type=Path, default=Path(os.environ.get("DUCKDB_PATH", "data/gtm.duckdb")),
                        help="DuckDB file (default: $DUCKDB_PATH or data/gtm.duckdb)")
    parser.add_argument("--schema", default="raw", help="target schema (default: raw)")
    parser.add_argument("--append", action="store_true", help="append to existing tables instead of replacing them")
    parser.add_argument("--only", default=None, help="comma-separated table names to load (default: all found)")
    parser.add_argument("--quiet", action="store_true", help="print only errors and the summary")
    args = parser.parse_args(argv)
    only = [t.strip() for t in args.only.split(",")] if args.only else None
    say = (lambda message: None) if args.quiet else (lambda message: print(message, file=sys.stderr))
    try:
        if args.engine == "spark":
            if args.append:
                raise LoadError("--append is not supported with --engine spark: load the whole folder again")
            from gtm_warehouse.spark import load_folder_spark, warehouse_dir

            results = load_folder_spark(args.folder, args.schema, only, progress=say)
            where = f"spark:{warehouse_dir()}"
        else:
            results = load_folder(args.folder, args.database, args.schema, args.append, only, progress=say)
            where = str(args.database)
    except LoadError as exc:
        print(f"load_raw: error: {exc}", file=sys.stderr)
        return 2
    loaded = [r for r in results if r.action in ("loaded", "appended")]
    empty_core = [r.table for r in results if r.action == "created_empty" and r.table in SEGMENT_CORE_TABLES]
    empty = [r.table for r in results if r.action == "created_empty" and r.table not in SEGMENT_CORE_TABLES]
    skipped = [r.table for r in results if r.action == "skipped"]
    filled = [f"{r.table}.{f}" for r in results for f in r.filled]
    print(f"load_raw: {sum(r.rows for r in loaded):,} rows into {len(loaded)} tables of {where}:{args.schema}")
    if empty_core:
        print(f"load_raw: no file for Segment table(s) {', '.join(empty_core)}: created empty "
              "(fine for a source that does not send those calls)")
    if empty:
        print(f"load_raw: created empty (no file): {', '.join(empty)}")
    if filled:
        print(f"load_raw: column absent from the file, filled from another: {', '.join(filled)}")
    if skipped:
        print(f"load_raw: no file, skipped: {', '.join(skipped)} (turn their source off with the using_* vars if you have none)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
