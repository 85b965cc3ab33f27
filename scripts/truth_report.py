#!/usr/bin/env python
"""Generate a data set, build the warehouse from it and compare it with the generator's ground truth.

Prints one `name: value` line per figure (stitching precision/recall, session match, quarantine...).
With --database and --truth, compares an already built warehouse instead.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gtm_warehouse import truth, workflow  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=200_000, help="events to generate (default 200000)")
    parser.add_argument("--seed", type=int, default=11, help="generator seed (default 11)")
    parser.add_argument("--as-of", default="2026-11-01T00:00:00Z", help="end of the simulated period")
    parser.add_argument("--workdir", type=Path, default=None, help="where to put data and warehouse (default: a temp dir)")
    parser.add_argument("--database", type=Path, default=None, help="compare this built warehouse (skip generate/build)")
    parser.add_argument("--truth", type=Path, default=None, help="truth folder of --database's data")
    args = parser.parse_args(argv)

    if (args.database is None) != (args.truth is None):
        print("truth_report: error: give both --database and --truth, or neither", file=sys.stderr)
        return 2
    try:
        if args.database is None:
            workdir = args.workdir or Path(tempfile.mkdtemp(prefix="gtm_truth_"))
            database, truth_dir = workdir / "gtm.duckdb", workdir / "truth"
            database.unlink(missing_ok=True)
            started = time.monotonic()
            print(f"truth_report: generating {args.events:,} events into {workdir}", file=sys.stderr)
            workflow.generate(workdir / "raw", truth_dir, args.events, args.seed, args.as_of)
            workflow.load(workdir / "raw", database)
            print("truth_report: dbt build", file=sys.stderr)
            workflow.dbt(["build"], database, workdir)
            print(f"truth_report: built in {time.monotonic() - started:.0f} s", file=sys.stderr)
        else:
            database, truth_dir = args.database, args.truth
        con = truth.connect(database, truth_dir)
        try:
            figures = truth.all_figures(con)
        finally:
            con.close()
    except workflow.StepFailed as exc:
        print(f"truth_report: error: {exc}", file=sys.stderr)
        return 1
    for name, value in figures.items():
        print(f"{name}: {value:.6f}" if isinstance(value, float) else f"{name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
