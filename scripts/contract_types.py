#!/usr/bin/env python
"""Check (or fill in) the data_type of every column of the public marts' model contracts against a built
DuckDB warehouse (models/marts/*/_*__models.yml; see docs/GOVERNANCE.md).

    contract_types.py --check            list columns whose data_type is missing or wrong; exit 1 if any
    contract_types.py --write            set each column's data_type to the warehouse's type (in place)

Build the warehouse first (`make build`, or `dbt build --exclude config.contract.enforced:true` when a new
column has no data_type yet and the contracted models cannot build).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gtm_warehouse import model_contracts  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="report missing or wrong data_types, exit 1 if any")
    mode.add_argument("--write", action="store_true", help="write the warehouse's types into the yml files")
    parser.add_argument("--database", type=Path, default=Path(os.environ.get("DUCKDB_PATH", "data/gtm.duckdb")),
                        help="built warehouse (default: $DUCKDB_PATH or data/gtm.duckdb)")
    args = parser.parse_args(argv)
    if not args.database.exists():
        print(f"contract_types: {args.database} not found: build the warehouse first (make run)", file=sys.stderr)
        return 2
    try:
        if args.write:
            changed = model_contracts.write(args.database)
            print(f"contract_types: updated {len(changed)} file(s)" + "".join(f"\n  {c}" for c in changed))
            return 0
        problems = model_contracts.check(args.database)
    except duckdb.Error as error:
        print(f"contract_types: cannot read {args.database}: {str(error).splitlines()[0]}", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    if problems:
        print(f"contract_types: {len(problems)} column(s) differ: run `python scripts/contract_types.py --write`",
              file=sys.stderr)
        return 1
    print("contract_types: every mart column's data_type matches the warehouse")
    return 0


if __name__ == "__main__":
    sys.exit(main())
