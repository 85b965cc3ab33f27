#!/usr/bin/env python3
"""Render each account's monthly roundup as an HTML email (one file per account) from the warehouse.

Reads the customer-success marts (rpt_account_monthly_metrics, rpt_account_roundup_recipients,
rpt_workspace_onboarding, fct_feature_adoption) and writes <out>/<account_id>.html plus
<out>/manifest.json (account, file and deliverable recipients of each email). Logic:
gtm_warehouse/roundup.py; template: gtm_warehouse/templates/roundup_email.html.j2.

Examples:
  .venv/bin/python scripts/render_roundup.py                      # latest complete month, every account
  .venv/bin/python scripts/render_roundup.py --month 2026-10 --out data/roundups
  .venv/bin/python scripts/render_roundup.py --account <account_id> --account <account_id>
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from gtm_warehouse.roundup import RoundupError, write_roundups


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", type=Path, default=Path(os.environ.get("DUCKDB_PATH", "data/gtm.duckdb")),
                        help="warehouse file (default: $DUCKDB_PATH or data/gtm.duckdb)")
    parser.add_argument("--out", type=Path, default=Path("data/roundups"), help="output folder (default: data/roundups)")
    parser.add_argument("--month", help="month to report, YYYY-MM (default: the latest complete month)")
    parser.add_argument("--account", action="append", dest="accounts", metavar="ACCOUNT_ID",
                        help="only this account (repeatable; default: every account with a row that month)")
    parser.add_argument("--schema", default="marts", help="schema of the marts (default: marts)")
    args = parser.parse_args(argv)
    try:
        manifest = write_roundups(args.database, args.out, args.month, args.accounts, args.schema)
    except RoundupError as exc:
        print(f"render_roundup: {exc}", file=sys.stderr)
        return 1
    print(f"render_roundup: wrote {manifest['accounts']} roundup emails for {manifest['month']} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
