"""Lead grade: train the logistic regression behind `fct_lead_grades` and score single leads in real time.

The model's inputs are the `f_*` columns of `intermediate.int_lead_grade_features`; its label is
`is_qualified_in_window` (an opportunity on the lead's account within `gtm__lead_grade_window_days`).
Training splits by time (older leads train, the newest `holdout_fraction` evaluate) and writes the stored
model as seeds, which the warehouse scores in SQL on any engine and :func:`score_lead` reads directly:

* ``lead_grade_coefficients.csv``: one row per input (mean, scale, coefficient) plus ``(intercept)``;
* ``lead_grade_model.csv``: one row: version, training date, rows, window, the data it was trained on;
* ``lead_grade_metrics.csv``: holdout AUC and log loss, the behaviour-count baseline's AUC, calibration by
  decile, feature importance.

``lead_grade_bands.csv`` (grade cut-offs) is a business rule edited by hand; training never writes it.
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from gtm_warehouse.contract import PROJECT_DIR

SEEDS_DIR = PROJECT_DIR / "seeds"
FEATURES_RELATION = "intermediate.int_lead_grade_features"
INTERCEPT = "(intercept)"
BASELINE_COLUMN = "behaviour_event_count"
LABEL_COLUMN = "is_qualified_in_window"
TOP_FEATURES = 3


class LeadGradeError(Exception):
    """An expected, user-fixable problem (missing table, too few labelled leads, bad input JSON)."""


@dataclass
class StoredModel:
    """The stored model as the seeds hold it."""

    features: list[str]
    mean: dict[str, float]
    scale: dict[str, float]
    coefficient: dict[str, float]
    intercept: float
    bands: list[tuple[str, float]]  # (grade, min_probability), highest lower bound first
    model_version: str


# --- training -------------------------------------------------------------------------------------

def load_features(con) -> pd.DataFrame:
    """The feature table of a built warehouse, oldest lead first."""
    try:
        frame = con.execute(f"select * from {FEATURES_RELATION} order by lead_created_at, lead_id").df()
    except Exception as exc:  # duckdb raises CatalogException for a missing relation
        raise LeadGradeError(f"{FEATURES_RELATION} not found ({exc.__class__.__name__}): build it first with "
                             "`dbt build --select +int_lead_grade_features`") from exc
    return frame


def feature_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.startswith("f_")]


def time_split(frame: pd.DataFrame, holdout_fraction: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Labelled leads split by creation time: the oldest train, the newest `holdout_fraction` evaluate."""
    labelled = frame[frame["is_label_observed"].astype(bool)].sort_values(["lead_created_at", "lead_id"])
    n_holdout = int(round(len(labelled) * holdout_fraction))
    train, holdout = labelled.iloc[: len(labelled) - n_holdout], labelled.iloc[len(labelled) - n_holdout:]
    for name, part in (("training", train), ("holdout", holdout)):
        if part[LABEL_COLUMN].nunique() < 2:
            raise LeadGradeError(f"the {name} leads have a single label value ({len(part)} rows): generate more "
                                 "data (e.g. --events 200000) or change --holdout-fraction")
    return train, holdout


def _calibration(y: np.ndarray, p: np.ndarray, buckets: int = 10) -> list[tuple[int, float, float, int]]:
    """(decile, mean predicted, observed rate, leads) by decile of the predicted probability (1 = lowest)."""
    order = np.lexsort((np.arange(len(p)), p))
    decile = np.empty(len(p), dtype=int)
    decile[order] = np.arange(len(p)) * buckets // len(p) + 1
    out = []
    for d in range(1, buckets + 1):
        mask = decile == d
        if mask.any():
            out.append((d, float(p[mask].mean()), float(y[mask].mean()), int(mask.sum())))
    return out


def train(frame: pd.DataFrame, holdout_fraction: float = 0.3, c: float = 1.0) -> dict:
    """Fit on the older leads, evaluate on the newer: coefficients and metrics, as plain Python data."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss, roc_auc_score
    from sklearn.preprocessing import StandardScaler

    features = feature_columns(frame)
    if not features:
        raise LeadGradeError(f"{FEATURES_RELATION} has no f_* columns")
    train_part, holdout = time_split(frame, holdout_fraction)
    x_train = train_part[features].to_numpy(dtype=float)
    y_train = train_part[LABEL_COLUMN].to_numpy(dtype=int)
    scaler = StandardScaler().fit(x_train)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)  # a constant input keeps scale 1
    model = LogisticRegression(C=c, max_iter=2000).fit((x_train - scaler.mean_) / scale, y_train)
    x_hold = holdout[features].to_numpy(dtype=float)
    y_hold = holdout[LABEL_COLUMN].to_numpy(dtype=int)
    stored = StoredModel(features=features, mean=dict(zip(features, map(float, scaler.mean_))),
                         scale=dict(zip(features, map(float, scale))),
                         coefficient=dict(zip(features, map(float, model.coef_[0]))),
                         intercept=float(model.intercept_[0]), bands=[], model_version="")
    p_hold = np.array([probability(stored, dict(zip(features, row))) for row in x_hold])
    abs_coef = np.abs(model.coef_[0])
    importance = abs_coef / abs_coef.sum() if abs_coef.sum() > 0 else abs_coef
    return {
        "model": stored,
        "train_rows": len(train_part),
        "holdout_rows": len(holdout),
        "train_until": str(pd.Timestamp(train_part["lead_created_at"].max())),
        "holdout_auc": float(roc_auc_score(y_hold, p_hold)),
        "holdout_log_loss": float(log_loss(y_hold, p_hold, labels=[0, 1])),
        "baseline_auc": float(roc_auc_score(y_hold, holdout[BASELINE_COLUMN].to_numpy(dtype=float))),
        "holdout_positive_rate": float(y_hold.mean()),
        "train_positive_rate": float(y_train.mean()),
        "calibration": _calibration(y_hold, p_hold),
        "importance": dict(zip(features, map(float, importance))),
    }


def _fmt(value: float) -> str:
    return repr(float(value))  # shortest exact round-trip: SQL and Python read the very same doubles


def write_seeds(result: dict, out_dir: Path, model_version: str, trained_at: str, window_days: int,
                training_data: str) -> list[Path]:
    """Write the stored model (coefficients, model row, metrics) as seed CSVs into `out_dir`."""
    m: StoredModel = result["model"]
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "lead_grade_coefficients.csv", out_dir / "lead_grade_model.csv",
             out_dir / "lead_grade_metrics.csv"]
    with paths[0].open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["feature_name", "feature_mean", "feature_scale", "coefficient"])
        w.writerow([INTERCEPT, _fmt(0.0), _fmt(1.0), _fmt(m.intercept)])
        for name in m.features:
            w.writerow([name, _fmt(m.mean[name]), _fmt(m.scale[name]), _fmt(m.coefficient[name])])
    with paths[1].open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["model_version", "trained_at", "training_rows", "holdout_rows", "label_window_days",
                    "trained_until", "training_data"])
        w.writerow([model_version, trained_at, result["train_rows"], result["holdout_rows"], window_days,
                    result["train_until"], training_data])
    with paths[2].open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["metric_group", "metric_name", "bucket", "metric_value"])
        for name in ("holdout_auc", "holdout_log_loss", "baseline_auc", "holdout_positive_rate",
                     "train_positive_rate"):
            w.writerow(["holdout", name, "all", _fmt(result[name])])
        for decile, predicted, observed, n in result["calibration"]:
            w.writerow(["calibration", "mean_predicted", f"decile_{decile:02d}", _fmt(predicted)])
            w.writerow(["calibration", "observed_rate", f"decile_{decile:02d}", _fmt(observed)])
            w.writerow(["calibration", "leads", f"decile_{decile:02d}", _fmt(n)])
        for name in m.features:
            w.writerow(["feature_importance", "coefficient_share", name, _fmt(result["importance"][name])])
            w.writerow(["feature_importance", "coefficient", name, _fmt(m.coefficient[name])])
    return paths


# --- scoring (the real-time path) -----------------------------------------------------------------

def load_model(seeds_dir: Path = SEEDS_DIR) -> StoredModel:
    """The stored model from the seed CSVs (no warehouse needed)."""
    try:
        coef = list(csv.DictReader((seeds_dir / "lead_grade_coefficients.csv").open()))
        bands = list(csv.DictReader((seeds_dir / "lead_grade_bands.csv").open()))
        meta = list(csv.DictReader((seeds_dir / "lead_grade_model.csv").open()))
    except FileNotFoundError as exc:
        raise LeadGradeError(f"stored model incomplete: {exc.filename} is missing; "
                             "run scripts/train_lead_grade.py") from exc
    rows = {r["feature_name"]: r for r in coef}
    if INTERCEPT not in rows:
        raise LeadGradeError("lead_grade_coefficients.csv has no (intercept) row; retrain the model")
    features = [n for n in rows if n != INTERCEPT]
    return StoredModel(
        features=features,
        mean={n: float(rows[n]["feature_mean"]) for n in features},
        scale={n: float(rows[n]["feature_scale"]) for n in features},
        coefficient={n: float(rows[n]["coefficient"]) for n in features},
        intercept=float(rows[INTERCEPT]["coefficient"]),
        bands=sorted(((b["grade"], float(b["min_probability"])) for b in bands), key=lambda b: (-b[1], b[0])),
        model_version=meta[0]["model_version"] if meta else "",
    )


def contributions(model: StoredModel, features: dict[str, float]) -> dict[str, float]:
    """Each input's contribution to the log-odds: coefficient x standardised value (same as the SQL)."""
    missing = [n for n in model.features if n not in features]
    if missing:
        raise LeadGradeError(f"missing feature(s): {', '.join(missing)}")
    unknown = sorted(set(features) - set(model.features))
    if unknown:
        raise LeadGradeError(f"unknown feature(s): {', '.join(unknown)}; expected: {', '.join(model.features)}")
    out = {}
    for n in model.features:
        value = features[n]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise LeadGradeError(f"feature {n} must be a finite number, got {value!r}")
        out[n] = model.coefficient[n] * (float(value) - model.mean[n]) / model.scale[n]
    return out


def probability(model: StoredModel, features: dict[str, float]) -> float:
    log_odds = model.intercept + sum(contributions(model, features).values())
    return 1.0 / (1.0 + math.exp(-log_odds))


def score_lead(model: StoredModel, features: dict[str, float]) -> dict:
    """Probability, grade and top contributing features of one lead (the JSON the CLI prints)."""
    contrib = contributions(model, features)
    log_odds = model.intercept + sum(contrib.values())
    p = 1.0 / (1.0 + math.exp(-log_odds))
    grade = next((g for g, lower in model.bands if p >= lower), None)
    top = sorted(contrib.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_FEATURES]
    return {"probability": p, "grade": grade, "log_odds": log_odds, "model_version": model.model_version,
            "top_features": [{"feature": n, "contribution": v} for n, v in top]}
