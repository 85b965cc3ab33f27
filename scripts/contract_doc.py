#!/usr/bin/env python
"""Write docs/RAW_CONTRACT.md from the source YAML files (the contract's single source of truth).

With --check, write nothing and exit 1 when the file is out of date.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gtm_warehouse.contract import PROJECT_DIR, render_markdown  # noqa: E402

TARGET = PROJECT_DIR / "docs" / "RAW_CONTRACT.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if docs/RAW_CONTRACT.md is out of date")
    args = parser.parse_args(argv)
    text = render_markdown()
    if args.check:
        if not TARGET.exists() or TARGET.read_text() != text:
            print("contract_doc: docs/RAW_CONTRACT.md is out of date: run `python scripts/contract_doc.py`", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text)
    print(f"contract_doc: wrote {TARGET.relative_to(PROJECT_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
