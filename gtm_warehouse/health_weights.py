"""Health score vs churn: the observation set (shared by `make truth` and the weight calibration) and the
calibration of the component weights (seed `health_components`) on a warehouse's own churn history.

An observation is an account on a snapshot day (every SNAPSHOT_EVERY_DAYS days of the health grid) while it
pays: a positive when it churns between LEAD_DAYS and HORIZON_DAYS days later (the score is taken at least
LEAD_DAYS before the churn), a negative when it stays through that window. Accounts that churn within the lead
are left out, and only snapshots whose whole window lies before the end of the data count.

The labels come from a relation with (workspace_id, first_paid_at, churned_at): the generator's truth for
`make truth` (gtm_warehouse/truth.py), the warehouse's own `marts.dim_accounts` for the calibration
(scripts/train_health_weights.py), so the weights never see the truth.
"""
from __future__ import annotations

import csv
import math
from pathlib import Path

import duckdb
import numpy as np

COMPONENTS = ("sources_set_up", "tracking_implemented", "acting_on_data", "bi_investment",
              "acting_on_intent", "support_load", "nps")
LEAD_DAYS = 30
HORIZON_DAYS = 90
SNAPSHOT_EVERY_DAYS = 7
GRID = "intermediate.int_account_health_days_scored"


class HealthWeightsError(Exception):
    """A calibration that cannot run (no observations, one class only); the message says what to do."""


def observations(con: duckdb.DuckDBPyConnection, labels: str) -> list[tuple]:
    """(snapshot_date, workspace_id, churned, health_score, <component>_score...) ordered by day and workspace.

    `labels` is a relation (table, view or subquery) with workspace_id, first_paid_at, churned_at."""
    columns = ", ".join(f"grid.{c}_score" for c in COMPONENTS)
    return con.execute(f"""
        with grid as (
            select * from {GRID}
        ),
        labels as (
            select workspace_id, first_paid_at, churned_at
            from {labels}
            where workspace_id is not null and first_paid_at is not null
        ),
        bounds as (
            select min(health_date) as first_day, max(health_date) as last_day from grid
        ),
        snapshots as (
            select cast(unnest(generate_series(
                first_day, last_day - to_days({HORIZON_DAYS}), to_days({SNAPSHOT_EVERY_DAYS})
            )) as date) as snapshot_date
            from bounds
        ),
        population as (
            select
                snapshots.snapshot_date,
                labels.workspace_id,
                coalesce(labels.churned_at < snapshots.snapshot_date + to_days({HORIZON_DAYS}), false) as churned
            from snapshots
            join labels
                on labels.first_paid_at < snapshots.snapshot_date
                and (labels.churned_at is null
                     or labels.churned_at >= snapshots.snapshot_date + to_days({LEAD_DAYS}))
        )
        select population.snapshot_date, population.workspace_id, population.churned, grid.health_score, {columns}
        from population
        join grid
            on grid.workspace_id = population.workspace_id and grid.health_date = population.snapshot_date
        order by population.snapshot_date, population.workspace_id
    """).fetchall()


def auc(scores, churned) -> float:
    """truth.auc: probability that a random churner scores LOWER than a random account that stays."""
    from gtm_warehouse.truth import auc as truth_auc  # truth imports this module: import on use

    return truth_auc([float(v) for v in scores], [bool(v) for v in churned])


def account_bootstrap_interval(rows: list[tuple], resamples: int = 200, seed: int = 0) -> tuple[float, float]:
    """5th and 95th percentile of the health score's AUC when the ACCOUNTS are resampled with replacement
    (an account's snapshots move together: they are not independent observations). Fixed seed: reproducible."""
    from scipy.stats import rankdata

    by_account: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_account.setdefault(row[1], []).append(i)
    groups = [np.array(v) for v in by_account.values()]
    scores = np.array([float(r[3]) for r in rows])
    churned = np.array([bool(r[2]) for r in rows])
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(resamples):
        pick = np.concatenate([groups[j] for j in rng.integers(0, len(groups), len(groups))])
        y, ranks = churned[pick], rankdata(-scores[pick])
        positives, negatives = int(y.sum()), int((~y).sum())
        if positives and negatives:
            values.append((ranks[y].sum() - positives * (positives + 1) / 2) / (positives * negatives))
    if not values:
        return float("nan"), float("nan")
    low, high = np.percentile(values, [5, 95])
    return float(low), float(high)


def time_split(rows: list[tuple], holdout_fraction: float) -> tuple[list[tuple], list[tuple]]:
    """Oldest snapshot days train, the newest `holdout_fraction` of snapshot days evaluate."""
    days = sorted({row[0] for row in rows})
    if len(days) < 2:
        raise HealthWeightsError("fewer than 2 snapshot days: build a longer period (more events or days)")
    cut = days[min(len(days) - 1, max(1, round(len(days) * (1 - holdout_fraction))))]
    return [r for r in rows if r[0] < cut], [r for r in rows if r[0] >= cut]


def _matrix(rows: list[tuple]) -> tuple[np.ndarray, np.ndarray]:
    x = np.array([[float(v) for v in row[4:4 + len(COMPONENTS)]] for row in rows], dtype=float)
    y = np.array([bool(row[2]) for row in rows], dtype=float)
    return x, y


def fit_weights(rows: list[tuple], l2: float = 1.0) -> np.ndarray:
    """Non-negative weight per component: logistic regression of churn on the component scores (0-1) with
    every coefficient constrained to "a higher score means less churn" (a health score adds, it never
    subtracts), L2-penalised. A component the data does not support gets weight 0."""
    from scipy.optimize import minimize

    x, y = _matrix(rows)
    if y.sum() == 0 or y.sum() == len(y):
        raise HealthWeightsError("the training snapshots hold only one class (churned or stayed): more data needed")
    k = x.shape[1]

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        intercept, weights = params[0], params[1:]
        z = intercept - x @ weights  # logit of churn
        p = 1.0 / (1.0 + np.exp(-z))
        eps = 1e-12
        value = -np.sum(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)) + 0.5 * l2 * np.sum(weights ** 2)
        residual = p - y
        grad = np.r_[residual.sum(), -(x.T @ residual) + l2 * weights]
        return float(value), grad

    start = np.r_[math.log(max(y.mean(), 1e-6) / max(1 - y.mean(), 1e-6)), np.zeros(k)]
    result = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=[(None, None)] + [(0.0, None)] * k)
    return np.maximum(result.x[1:], 0.0)


def health_score(rows: list[tuple], weights: np.ndarray) -> np.ndarray:
    """The 0-100 health score of the grid with these weights (as the dbt model computes it)."""
    x, _ = _matrix(rows)
    return 100.0 * (x @ weights) / weights.sum()


def calibrate(rows: list[tuple], current: dict[str, float], holdout_fraction: float = 0.3,
              l2: float = 1.0) -> dict:
    """Fit on the older snapshots, report the newer ones: AUC of the fitted and of the `current` weights."""
    train, holdout = time_split(rows, holdout_fraction)
    fitted = fit_weights(train, l2)
    if fitted.sum() <= 0:
        raise HealthWeightsError("no component predicts churn on the training snapshots: keep the current weights")
    scale = 100.0 / fitted.sum()
    weights = {c: round(float(w) * scale, 1) for c, w in zip(COMPONENTS, fitted)}
    current_w = np.array([current[c] for c in COMPONENTS], dtype=float)
    fitted_w = np.array([weights[c] for c in COMPONENTS], dtype=float)
    churned = [bool(r[2]) for r in holdout]
    return {
        "weights": weights,
        "train_rows": len(train),
        "train_churned": sum(bool(r[2]) for r in train),
        "holdout_rows": len(holdout),
        "holdout_churned": sum(churned),
        "trained_until": str(max(r[0] for r in train)),
        "holdout_auc": auc(health_score(holdout, fitted_w), churned),
        "holdout_auc_current_weights": auc(health_score(holdout, current_w), churned),
        "holdout_component_auc": {c: auc([r[4 + i] for r in holdout], churned) for i, c in enumerate(COMPONENTS)},
    }


def read_seed(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def write_weights(path: Path, weights: dict[str, float]) -> None:
    """Rewrite the weight column of seed health_components (other columns and the row order kept)."""
    rows = read_seed(path)
    missing = {r["component"] for r in rows} ^ set(weights)
    if missing:
        raise HealthWeightsError(f"{path} and the calibration disagree on the components: {sorted(missing)}")
    for row in rows:
        row["weight"] = f"{weights[row['component']]:g}"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
