#!/usr/bin/env python
"""Build only what new data or changed code reaches: `dbt source freshness`, then `dbt build --select
source_status:fresher+ state:modified+ --state <state dir>` (every Segment model together when any Segment
table got data), and the new state saved only when the build succeeded. With no saved state it builds
everything. A run with nothing new loaded and nothing changed does nothing. Logic and caveats:
gtm_warehouse/refresh.py (after changing vars, run once with --full).

Runs in the project directory with the same environment as `make build` (DUCKDB_PATH, DBT_TARGET).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gtm_warehouse.refresh import RefreshError, refresh  # noqa: E402

PROJECT_DIR = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--state-dir", type=Path, default=Path(os.environ.get("GTM_STATE_DIR", "data/state")),
                        help="where the last successful run's manifest and freshness results are kept "
                             "(default: $GTM_STATE_DIR or data/state)")
    parser.add_argument("--target-path", type=Path, default=Path("target/refresh"),
                        help="dbt target folder of these runs (default: target/refresh)")
    parser.add_argument("--command", choices=("build", "run"), default="build",
                        help="dbt command of the gated step (default: build, with tests)")
    parser.add_argument("--full", action="store_true", help="build everything, then save the state")
    parser.add_argument("--record-only", action="store_true",
                        help="build nothing: record the current sources and code as built (after a plain build)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args, dbt_args = parser.parse_known_args(argv)
    dbt = Path(sys.executable).with_name("dbt")
    if not dbt.exists():
        print(f"refresh: {dbt} not found: run `make setup` first", file=sys.stderr)
        return 2
    target = args.target_path.resolve()

    def run_dbt(dbt_cmd: list[str]) -> subprocess.CompletedProcess:
        cmd = [str(dbt), *dbt_cmd, "--target-path", str(target)]
        return subprocess.run(cmd, cwd=PROJECT_DIR, capture_output=True, text=True)

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"refresh: {message}", file=sys.stderr, flush=True)

    try:
        result = refresh(run_dbt, target, args.state_dir.resolve(), command=args.command, extra_args=dbt_args,
                         full=args.full, record_only=args.record_only, progress=progress)
    except RefreshError as error:
        print(f"refresh: {error}", file=sys.stderr)
        return 1
    if result.mode == "recorded":
        print(f"refresh: state recorded in {args.state_dir}")
    else:
        print(f"refresh: {result.mode} {args.command}, {result.nodes_run} nodes run; state saved in {args.state_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
