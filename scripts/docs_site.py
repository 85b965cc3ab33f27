#!/usr/bin/env python3
"""Publish the static dbt docs site and list what it leaves undescribed.

Run after `dbt docs generate --static` (`make docs` runs both): copies <target>/static_index.html (one HTML
file with the manifest and catalog inlined: opens offline) to <out>/index.html, then lists every model,
seed, source, exposure, metric, semantic model and column without a description (YAML and catalog).
Logic: gtm_warehouse/docs_site.py.

Examples:
  .venv/bin/python scripts/docs_site.py                         # target/ -> data/docs/index.html
  .venv/bin/python scripts/docs_site.py --check                 # exit 1 when anything is undescribed
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gtm_warehouse.docs_site import load_artifacts, missing_descriptions, publish


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", type=Path, default=Path("target"), help="dbt target folder (default: target)")
    parser.add_argument("--out", type=Path, default=Path("data/docs"), help="output folder (default: data/docs)")
    parser.add_argument("--check", action="store_true", help="exit 1 when anything is undescribed")
    args = parser.parse_args(argv)
    try:
        written = publish(args.target, args.out)
        manifest, catalog = load_artifacts(args.target)
    except FileNotFoundError as exc:
        print(f"docs_site: {exc}", file=sys.stderr)
        return 1
    gaps = missing_descriptions(manifest, catalog)
    print(f"docs_site: wrote {written} (open it in a browser; it works offline)")
    if gaps:
        print(f"docs_site: {len(gaps)} undescribed: " + "; ".join(gaps[:20]) + (" ..." if len(gaps) > 20 else ""),
              file=sys.stderr)
        return 1 if args.check else 0
    print("docs_site: every model, column, source, exposure, metric and semantic model is described")
    return 0


if __name__ == "__main__":
    sys.exit(main())
