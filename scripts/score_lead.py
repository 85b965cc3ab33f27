#!/usr/bin/env python
"""Score one lead against the stored lead grade model: JSON on stdin -> JSON on stdout (the real-time path).

Input: an object with every model input (the f_* columns of int_lead_grade_features), e.g.
  {"f_log_page_views": 2.3, "f_has_demo_request": 1, ...}
Output: {"probability": ..., "grade": "A".."D", "log_odds": ..., "model_version": ..., "top_features": [...]}
The model is read from the seed CSVs (--seeds, default seeds/): no warehouse or dbt run is needed, and the
probability equals the one fct_lead_grades computes in SQL for the same inputs.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gtm_warehouse import lead_grade  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=Path, default=lead_grade.SEEDS_DIR, help="folder of the stored model seeds")
    parser.add_argument("--list-features", action="store_true", help="print the expected input names and exit")
    args = parser.parse_args(argv)
    try:
        model = lead_grade.load_model(args.seeds)
        if args.list_features:
            print(json.dumps(model.features))
            return 0
        try:
            payload = json.load(sys.stdin)
        except json.JSONDecodeError as exc:
            raise lead_grade.LeadGradeError(f"stdin is not valid JSON ({exc.msg} at line {exc.lineno})") from exc
        if not isinstance(payload, dict):
            raise lead_grade.LeadGradeError("stdin must be one JSON object of feature name -> number")
        print(json.dumps(lead_grade.score_lead(model, payload)))
    except lead_grade.LeadGradeError as exc:
        print(f"score_lead: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
