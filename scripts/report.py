#!/usr/bin/env python3
"""Write the chart report: one static HTML file (plotly.js inlined, opens offline) from the warehouse.

Charts: traffic and sessions by channel, the funnel, channel performance per attribution model (pipeline,
ROAS), health bands by signup cohort, SLA breaches by tier, the NPS trend, data quality (quarantined rows by
reason, source freshness). Beside the HTML it writes report.json (each chart's source and headline numbers).
Logic: gtm_warehouse/report.py; template: gtm_warehouse/templates/report.html.j2.

Examples:
  .venv/bin/python scripts/report.py                                   # data/gtm.duckdb -> data/report/index.html
  .venv/bin/python scripts/report.py --database data/gtm.duckdb --out /tmp/report.html
  .venv/bin/python scripts/report.py --as-of 2026-11-01T00:00:00Z      # freshness judged at that time
"""
from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path

from gtm_warehouse.report import ReportError, write_report


def _as_of(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 time: {value!r} (e.g. 2026-11-01T00:00:00Z)") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.now().astimezone().tzinfo).astimezone()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", type=Path, default=Path(os.environ.get("DUCKDB_PATH", "data/gtm.duckdb")),
                        help="warehouse file (default: $DUCKDB_PATH or data/gtm.duckdb)")
    parser.add_argument("--out", type=Path, default=Path("data/report"),
                        help="an .html file, or a folder that gets index.html (default: data/report)")
    parser.add_argument("--as-of", type=_as_of, default=None,
                        help="time freshness is judged at, ISO-8601 (default: now; without zone: UTC)")
    parser.add_argument("--schema", default="marts", help="schema of the marts (default: marts)")
    args = parser.parse_args(argv)
    try:
        manifest = write_report(args.database, args.out, args.as_of, args.schema)
    except ReportError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 1
    drawn = sum(1 for c in manifest["charts"] if not c["missing"])
    print(f"report: wrote {manifest['report']} ({drawn} of {len(manifest['charts'])} charts)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
