#!/usr/bin/env python
"""Reverse ETL: export the warehouse's marts to every destination declared in
models/exposures/_reverse_etl__exposures.yml, as files under EXPORT_DIR (default exports/).

Each run diffs against the last successful sync (state in schema reverse_etl of the warehouse), validates
rows (Great Expectations), writes files atomically with a manifest, and logs one row per object in
reverse_etl.run_log. Exit status: 0 all synced, 1 a destination failed validation (not written), 2 error.

    python scripts/reverse_etl.py                          # every destination
    python scripts/reverse_etl.py --destination crm --dry-run
    python scripts/reverse_etl.py --destination bi --full-resync
    DBT_TARGET=spark python scripts/reverse_etl.py         # read the Spark build's parquet tables
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from gtm_warehouse.reverse_etl import ExportError, Warehouse, load_destinations, run_export, select
from gtm_warehouse.reverse_etl.config import EXPOSURES_FILE


def _pause_hook():
    """Test hook (tests_py/test_reverse_etl.py kills the exporter mid-run): with GTM_RETL_PAUSE_AT=<step>
    (an object `destination.object`, after its files are staged, or `commit:destination`, after its files
    are renamed into place and before the state is committed) the exporter touches GTM_RETL_PAUSE_FILE and
    sleeps there."""
    step = os.environ.get("GTM_RETL_PAUSE_AT")
    if not step:
        return None

    def hook(label: str) -> None:
        if label == step:
            Path(os.environ["GTM_RETL_PAUSE_FILE"]).touch()
            time.sleep(600)
    return hook


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--destination", action="append", metavar="NAME",
                        help="sync only this destination (repeatable); default: all")
    parser.add_argument("--dry-run", action="store_true",
                        help="report adds / changes / deletes and sample rows; write no file, move no state")
    parser.add_argument("--full-resync", action="store_true",
                        help="send every current row again, as if no sync had succeeded before")
    parser.add_argument("--database", type=Path, default=Path(os.environ.get("DUCKDB_PATH", "data/gtm.duckdb")),
                        help="DuckDB warehouse file (default: $DUCKDB_PATH or data/gtm.duckdb)")
    parser.add_argument("--target", choices=["duckdb", "spark"], default=os.environ.get("DBT_TARGET", "duckdb"),
                        help="which build to read (default: $DBT_TARGET or duckdb)")
    parser.add_argument("--state-db", type=Path, default=None,
                        help="Spark target: DuckDB file of the sync state (default: <SPARK_STATE_DIR>/reverse_etl.duckdb)")
    parser.add_argument("--export-dir", type=Path, default=Path(os.environ.get("EXPORT_DIR", "exports")),
                        help="where files go (default: $EXPORT_DIR or exports/)")
    parser.add_argument("--config", type=Path, default=EXPOSURES_FILE, help="the exposures YAML")
    parser.add_argument("--list", action="store_true", help="list the destinations and their objects, then exit")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    try:
        destinations = select(load_destinations(args.config), args.destination)
        if args.list:
            for dest in destinations:
                print(f"{dest.name}: " + ", ".join(f"{o.name} ({o.model}, {o.mode}, {o.format})" for o in dest.objects))
            return 0
        if args.target == "spark":
            from gtm_warehouse.spark import state_dir, warehouse_dir
            state = args.state_db or state_dir() / "reverse_etl.duckdb"
            wh = Warehouse.open_spark(warehouse_dir(), state, read_only=args.dry_run)
        else:
            wh = Warehouse.open_duckdb(args.database, read_only=args.dry_run)
        try:
            results = run_export(wh, destinations, args.export_dir, dry_run=args.dry_run,
                                 full_resync=args.full_resync, progress=not args.quiet and sys.stderr.isatty(),
                                 _hook=_pause_hook())
        finally:
            wh.con.close()
    except ExportError as exc:
        print(f"reverse_etl: {exc}", file=sys.stderr)
        return 2
    failed = [r for r in results if r.status == "failed"]
    totals = {k: sum(getattr(r, k) for r in results) for k in ("added", "changed", "deleted", "rejected", "written")}
    print(f"reverse_etl: {len(results)} objects, {totals['written']} rows written (+{totals['added']} "
          f"~{totals['changed']} -{totals['deleted']}, {totals['rejected']} rejected); "
          f"{len(failed)} failed" + (": " + ", ".join(f"{r.destination}.{r.object}" for r in failed) if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
