"""Health weight calibration (gtm_warehouse/health_weights.py) on tiny synthetic snapshots: no warehouse."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gtm_warehouse import health_weights as hw

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _rows(n: int = 1200, seed: int = 3) -> list[tuple]:
    """Snapshots where only the first component (sources) lowers churn; the fourth (bi) RAISES it."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        scores = rng.random(len(hw.COMPONENTS))
        logit = 1.0 - 4.0 * scores[0] + 2.0 * scores[3]
        churned = bool(rng.random() < 1.0 / (1.0 + np.exp(-logit)))
        day = dt.date(2026, 6, 1) + dt.timedelta(days=7 * (i % 10))
        rows.append((day, f"ws_{i}", churned, 0.0, *scores))
    return rows


def test_a_component_that_lowers_churn_gets_weight_and_one_that_raises_it_gets_none():
    weights = hw.fit_weights(_rows())
    assert weights[0] > 1.0  # sources: the only protective component
    assert weights[3] == 0.0  # bi: more of it means more churn; a health score cannot subtract it
    assert weights[0] == max(weights)


def test_time_split_holds_out_the_newest_snapshot_days():
    train, holdout = hw.time_split(_rows(), 0.3)
    assert max(r[0] for r in train) < min(r[0] for r in holdout)
    assert len({r[0] for r in holdout}) == 3  # 30% of 10 snapshot days


def test_calibrate_reports_holdout_auc_of_fitted_and_current_weights():
    current = {c: 1.0 for c in hw.COMPONENTS}
    result = hw.calibrate(_rows(), current)
    assert sum(result["weights"].values()) == pytest.approx(100.0, abs=0.5)
    # the fitted score uses the protective component only, so it beats equal weights on unseen days
    assert result["holdout_auc"] > result["holdout_auc_current_weights"]
    assert result["holdout_auc"] > 0.6


def test_one_class_only_is_an_error_not_a_silent_fit():
    rows = [(r[0], r[1], False, *r[3:]) for r in _rows(50)]
    with pytest.raises(hw.HealthWeightsError, match="one class"):
        hw.fit_weights(rows)


def test_write_weights_rewrites_only_the_weight_column(tmp_path):
    seed = tmp_path / "health_components.csv"
    shutil.copyfile(PROJECT_DIR / "seeds" / "health_components.csv", seed)
    before = hw.read_seed(seed)
    hw.write_weights(seed, {c: float(i) for i, c in enumerate(hw.COMPONENTS)})
    after = hw.read_seed(seed)
    assert [r["component"] for r in after] == [r["component"] for r in before]
    for old, new in zip(before, after):
        assert {k: v for k, v in new.items() if k != "weight"} == {k: v for k, v in old.items() if k != "weight"}
        assert float(new["weight"]) == float(hw.COMPONENTS.index(new["component"]))
    with pytest.raises(hw.HealthWeightsError, match="disagree"):
        hw.write_weights(seed, {"sources_set_up": 1.0})


def test_cli_needs_exactly_one_input():
    result = subprocess.run([sys.executable, "scripts/train_health_weights.py"], cwd=PROJECT_DIR,
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "exactly one of --database PATH or --generate EVENTS" in result.stderr


def test_bootstrap_interval_resamples_accounts_and_is_reproducible():
    day = dt.date(2026, 6, 1)
    # a score that ranks every churner below every stayer: every resample with both classes gives AUC 1
    rows = [(day, f"ws_{i}", i < 5, float(i), *([0.0] * len(hw.COMPONENTS))) for i in range(20)]
    assert hw.account_bootstrap_interval(rows) == (1.0, 1.0)
    noisy = _rows(200)
    noisy = [(r[0], f"ws_{i % 40}", r[2], float(r[4]), *r[4:]) for i, r in enumerate(noisy)]
    low, high = hw.account_bootstrap_interval(noisy)
    assert 0.0 <= low < high <= 1.0
    assert hw.account_bootstrap_interval(noisy) == (low, high)

