#!/usr/bin/env python
"""Train the lead grade (logistic regression) and write the stored model as seeds.

Reads intermediate.int_lead_grade_features of a built warehouse (--database), splits the labelled leads by
time (the newest --holdout-fraction evaluate), fits on the older ones and writes seeds/lead_grade_coefficients.csv,
lead_grade_model.csv and lead_grade_metrics.csv (holdout AUC, log loss, baseline AUC, calibration, importance).
Then `dbt seed && dbt build --select fct_lead_grades+ rpt_lead_grade_model_metrics` scores every lead in SQL.

--generate EVENTS reproduces the committed model from scratch: generates EVENTS events (--seed, --as-of),
loads them and builds +int_lead_grade_features in a scratch folder, then trains on that warehouse.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb  # noqa: E402
import yaml  # noqa: E402

from gtm_warehouse import lead_grade, workflow  # noqa: E402
from gtm_warehouse.contract import PROJECT_DIR  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", type=Path, default=None, help="built warehouse to train on")
    parser.add_argument("--generate", type=int, metavar="EVENTS", default=None,
                        help="generate EVENTS events, build the features in a scratch folder and train on them")
    parser.add_argument("--seed", type=int, default=42, help="generator seed with --generate (default 42)")
    parser.add_argument("--as-of", default="2026-11-01T00:00:00Z", help="end of the simulated period with --generate")
    parser.add_argument("--workdir", type=Path, default=None, help="scratch folder for --generate (default: temp)")
    parser.add_argument("--holdout-fraction", type=float, default=0.3, help="newest share of labelled leads held out")
    parser.add_argument("--c", type=float, default=1.0, help="inverse L2 regularisation strength (default 1.0)")
    parser.add_argument("--model-version", default="lead_grade_v1", help="version written to the model seed")
    parser.add_argument("--trained-at", default=None,
                        help="training date written to the model (default: the --as-of date, so reruns are identical)")
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "seeds", help="folder for the seed CSVs")
    args = parser.parse_args(argv)

    if (args.database is None) == (args.generate is None):
        print("train_lead_grade: error: give exactly one of --database PATH or --generate EVENTS", file=sys.stderr)
        return 2
    if not 0.05 <= args.holdout_fraction <= 0.8:
        print("train_lead_grade: error: --holdout-fraction must lie between 0.05 and 0.8", file=sys.stderr)
        return 2
    window = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]["gtm__lead_grade_window_days"]
    try:
        if args.generate is not None:
            workdir = args.workdir or Path(tempfile.mkdtemp(prefix="gtm_lead_grade_"))
            database = workdir / "gtm.duckdb"
            database.unlink(missing_ok=True)
            print(f"train_lead_grade: generating {args.generate:,} events into {workdir}", file=sys.stderr)
            workflow.generate(workdir / "raw", workdir / "truth", args.generate, args.seed, args.as_of)
            workflow.load(workdir / "raw", database)
            print("train_lead_grade: dbt build --select +int_lead_grade_features", file=sys.stderr)
            workflow.dbt(["build", "--select", "+int_lead_grade_features", "--exclude", "test_type:data"],
                         database, workdir)
            training_data = f"generated: {args.generate} events, seed {args.seed}, as of {args.as_of}"
        else:
            database = args.database
            if not database.exists():
                print(f"train_lead_grade: error: {database} does not exist: build the warehouse first", file=sys.stderr)
                return 1
            training_data = f"warehouse {database.name}"
        con = duckdb.connect(str(database), read_only=True)
        try:
            frame = lead_grade.load_features(con)
        finally:
            con.close()
        result = lead_grade.train(frame, args.holdout_fraction, args.c)
    except (workflow.StepFailed, lead_grade.LeadGradeError) as exc:
        print(f"train_lead_grade: error: {exc}", file=sys.stderr)
        return 1
    trained_at = args.trained_at or args.as_of[:10]
    paths = lead_grade.write_seeds(result, args.out, args.model_version, trained_at, window, training_data)
    print(f"train_lead_grade: {result['train_rows']} training / {result['holdout_rows']} holdout leads; "
          f"holdout AUC {result['holdout_auc']:.4f} (behaviour-count baseline {result['baseline_auc']:.4f}), "
          f"log loss {result['holdout_log_loss']:.4f}", file=sys.stderr)
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
