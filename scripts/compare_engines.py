#!/usr/bin/env python
"""Compare the warehouse built on DuckDB with the one built on Spark (same raw files, both `dbt build`).

Every table and view of schemas staging, intermediate and marts present on both engines is compared:
row count, columns, types and full content (timestamps as UTC microseconds, floats with a small
relative tolerance, NULL and '' kept apart). Prints one line per relation; exits 1 naming each
differing relation with a few differing rows. Spark is read through a local session configured like
the dbt `spark` target (profiles.yml, $SPARK_STATE_DIR); stop other Spark runs on that state first.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gtm_warehouse.compare import COMPARED_SCHEMAS, CompareError, run  # noqa: E402
from gtm_warehouse.loader import LoadError  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", type=Path, default=Path(os.environ.get("DUCKDB_PATH", "data/gtm.duckdb")),
                        help="DuckDB warehouse file (default: $DUCKDB_PATH or data/gtm.duckdb)")
    state = Path(os.environ.get("SPARK_STATE_DIR", "data/spark_state"))
    parser.add_argument("--export-dir", type=Path, default=state / "compare",
                        help="where Spark writes its relations as parquet (default: $SPARK_STATE_DIR/compare)")
    parser.add_argument("--schemas", default=",".join(COMPARED_SCHEMAS),
                        help=f"comma-separated schemas to compare (default: {','.join(COMPARED_SCHEMAS)})")
    args = parser.parse_args(argv)
    schemas = tuple(s.strip() for s in args.schemas.split(",") if s.strip())
    try:
        return run(args.database, args.export_dir, schemas)
    except (CompareError, LoadError) as exc:
        print(f"compare_engines: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
