#!/usr/bin/env python
"""Calibrate the health score's component weights (seed health_components) on a warehouse's own churn history.

Reads the health grid (intermediate.int_account_health_days_scored) and the warehouse's churn labels
(marts.dim_accounts: first_paid_at, churned_at; never the generator's truth) of a built warehouse (--database),
takes weekly snapshots of paying accounts labelled "churns 30-90 days later" (gtm_warehouse/health_weights.py),
fits non-negative weights (logistic regression, a higher component score can only mean less churn) on the older
snapshot days and reports the AUC on the newest ones (--holdout-fraction), for the fitted and the current
weights. --write stores the fitted weights in seeds/health_components.csv; then `dbt seed && dbt build
--select int_account_health_days_scored+` rescores every account in SQL.

--generate EVENTS reproduces the committed weights from scratch: generates EVENTS events (--seed, --as-of),
loads them and builds +int_account_health_days_scored in a scratch folder, then calibrates on that warehouse.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb  # noqa: E402

from gtm_warehouse import health_weights, workflow  # noqa: E402
from gtm_warehouse.contract import PROJECT_DIR  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", type=Path, default=None, help="built warehouse to calibrate on")
    parser.add_argument("--generate", type=int, metavar="EVENTS", default=None,
                        help="generate EVENTS events, build the health grid in a scratch folder and calibrate on it")
    parser.add_argument("--seed", type=int, default=42, help="generator seed with --generate (default 42)")
    parser.add_argument("--as-of", default="2026-11-01T00:00:00Z", help="end of the simulated period with --generate")
    parser.add_argument("--workdir", type=Path, default=None, help="scratch folder for --generate (default: temp)")
    parser.add_argument("--holdout-fraction", type=float, default=0.3, help="newest share of snapshot days held out")
    parser.add_argument("--l2", type=float, default=1.0, help="L2 penalty on the weights (default 1.0)")
    parser.add_argument("--seeds", type=Path, default=PROJECT_DIR / "seeds", help="folder of health_components.csv")
    parser.add_argument("--write", action="store_true", help="write the fitted weights into health_components.csv")
    args = parser.parse_args(argv)

    if (args.database is None) == (args.generate is None):
        print("train_health_weights: error: give exactly one of --database PATH or --generate EVENTS", file=sys.stderr)
        return 2
    if not 0.05 <= args.holdout_fraction <= 0.8:
        print("train_health_weights: error: --holdout-fraction must lie between 0.05 and 0.8", file=sys.stderr)
        return 2
    seed_path = args.seeds / "health_components.csv"
    if not seed_path.exists():
        print(f"train_health_weights: error: {seed_path} does not exist: pass --seeds FOLDER", file=sys.stderr)
        return 2
    try:
        if args.generate is not None:
            workdir = args.workdir or Path(tempfile.mkdtemp(prefix="gtm_health_weights_"))
            database = workdir / "gtm.duckdb"
            database.unlink(missing_ok=True)
            print(f"train_health_weights: generating {args.generate:,} events into {workdir}", file=sys.stderr)
            workflow.generate(workdir / "raw", workdir / "truth", args.generate, args.seed, args.as_of)
            workflow.load(workdir / "raw", database)
            print("train_health_weights: dbt build --select +int_account_health_days_scored", file=sys.stderr)
            workflow.dbt(["build", "--select", "+int_account_health_days_scored", "--exclude-resource-type", "test",
                          "unit_test"], database, workdir)
        else:
            database = args.database
            if not database.exists():
                print(f"train_health_weights: error: {database} does not exist: build the warehouse first",
                      file=sys.stderr)
                return 1
        con = duckdb.connect(str(database), read_only=True)
        try:
            rows = health_weights.observations(con, "marts.dim_accounts")
        except duckdb.Error as exc:
            print(f"train_health_weights: error: {database} lacks the health grid or dim_accounts ({exc}): "
                  "build +int_account_health_days_scored first", file=sys.stderr)
            return 1
        finally:
            con.close()
        current = {row["component"]: float(row["weight"]) for row in health_weights.read_seed(seed_path)}
        result = health_weights.calibrate(rows, current, args.holdout_fraction, args.l2)
        if args.write:
            health_weights.write_weights(seed_path, result["weights"])
    except (workflow.StepFailed, health_weights.HealthWeightsError) as exc:
        print(f"train_health_weights: error: {exc}", file=sys.stderr)
        return 1
    print(f"training snapshots: {result['train_rows']} ({result['train_churned']} churned), up to "
          f"{result['trained_until']}; holdout: {result['holdout_rows']} ({result['holdout_churned']} churned)")
    print(f"holdout AUC: fitted weights {result['holdout_auc']:.4f}, "
          f"current weights {result['holdout_auc_current_weights']:.4f}")
    for component in health_weights.COMPONENTS:
        print(f"  {component:22s} weight {current[component]:g} -> {result['weights'][component]:g}  "
              f"(holdout AUC alone {result['holdout_component_auc'][component]:.4f})")
    if args.write:
        print(f"wrote {seed_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
