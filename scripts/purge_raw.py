#!/usr/bin/env python3
"""Erase the raw rows of the people who asked to be forgotten (deletion requests), in one transaction.

Run it after `dbt build` (which resolves each deletion request to its person through the identity graph:
intermediate.int_erased_identifiers); the next build then gives what data that never held those people
would give. Deletes from the raw tables and from the incremental staging copies of the Segment tables;
keeps the deletion requests themselves. Logs, per request id, how many rows of each table it erased, to
stdout and (JSON lines, appended) to --log; never an erased value.

Examples:
  .venv/bin/python scripts/purge_raw.py --database data/gtm.duckdb --dry-run
  .venv/bin/python scripts/purge_raw.py --database data/gtm.duckdb --log data/purge_log.jsonl
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from gtm_warehouse.purge import PurgeError, purge


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", type=Path, default=Path(os.environ.get("DUCKDB_PATH", "data/gtm.duckdb")),
                        help="warehouse file (default: $DUCKDB_PATH or data/gtm.duckdb)")
    parser.add_argument("--dry-run", action="store_true",
                        help="count what would be erased, per request and table; change and log nothing")
    parser.add_argument("--log", type=Path, default=None,
                        help="append one JSON line per request and table erased (default: <database>.purge_log.jsonl)")
    args = parser.parse_args(argv)
    log = args.log or args.database.with_name(args.database.name + ".purge_log.jsonl")
    try:
        records = purge(args.database, dry_run=args.dry_run, log=None if args.dry_run else log)
    except PurgeError as error:
        print(f"purge_raw: error: {error}", file=sys.stderr)
        return 1
    verb = "would erase" if args.dry_run else "erased"
    for record in records:
        print(f"{record['deletion_request_id']}: {verb} {record['rows']} rows of {record['relation']}")
    requests = len({r["deletion_request_id"] for r in records})
    total = sum(r["rows"] for r in records)
    print(f"purge_raw: {verb} {total} rows for {requests} deletion requests"
          + ("" if args.dry_run else f"; log: {log}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
