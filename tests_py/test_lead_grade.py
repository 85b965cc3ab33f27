"""Lead grade: training (time split, reproducibility), the stored model, and the real-time scorer against
the SQL scoring of the warehouse built from generated data."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from gtm_warehouse import lead_grade, truth
PROJECT_DIR = Path(__file__).resolve().parent.parent


def run_script(*args: str, input_text: str = "", check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=PROJECT_DIR, input=input_text, capture_output=True,
                          text=True, check=check)


def _synthetic_frame(n: int = 400, seed: int = 3) -> pd.DataFrame:
    """Leads over 200 days whose label depends on two inputs (and not on a third)."""
    rng = np.random.default_rng(seed)
    x1, x2, noise = rng.normal(size=n), rng.integers(0, 2, n).astype(float), rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(-1.5 + 1.2 * x1 + 1.0 * x2)))).astype(int)
    created = pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 200 * 86400, n), unit="s")
    return pd.DataFrame({
        "lead_id": [f"l{i:04d}" for i in range(n)], "lead_created_at": created,
        "behaviour_event_count": rng.poisson(3, n), "is_label_observed": True, "is_qualified_in_window": y,
        "f_signal": x1, "f_flag": x2, "f_noise": noise,
    })


def test_time_split_trains_on_older_leads_only():
    frame = _synthetic_frame()
    frame.loc[frame.index[:20], "is_label_observed"] = False
    train, holdout = lead_grade.time_split(frame, 0.3)
    assert len(train) + len(holdout) == 380
    assert len(holdout) == 114
    assert train["lead_created_at"].max() <= holdout["lead_created_at"].min()


def test_training_is_reproducible_and_learns_the_signal(tmp_path):
    frame = _synthetic_frame()
    first, second = lead_grade.train(frame), lead_grade.train(frame)
    assert first["model"].coefficient == second["model"].coefficient
    coef = first["model"].coefficient
    assert coef["f_signal"] > 0.5 and coef["f_flag"] > 0.2 and abs(coef["f_noise"]) < 0.3
    assert first["holdout_auc"] > 0.7
    assert [d for d, *_ in first["calibration"]] == list(range(1, 11))
    assert sum(n for *_, n in first["calibration"]) == first["holdout_rows"]


def test_seeds_round_trip_to_the_same_probabilities(tmp_path):
    result = lead_grade.train(_synthetic_frame())
    lead_grade.write_seeds(result, tmp_path, "v_test", "2026-11-01", 30, "synthetic")
    (tmp_path / "lead_grade_bands.csv").write_text((PROJECT_DIR / "seeds" / "lead_grade_bands.csv").read_text())
    stored = lead_grade.load_model(tmp_path)
    lead = {"f_signal": 1.3, "f_flag": 1.0, "f_noise": -0.2}
    assert lead_grade.probability(stored, lead) == lead_grade.probability(result["model"], lead)
    scored = lead_grade.score_lead(stored, lead)
    assert scored["top_features"][0]["feature"] == "f_signal"
    assert scored["grade"] in {"A", "B", "C", "D"}


def test_too_few_labels_is_an_actionable_error():
    frame = _synthetic_frame(40)
    frame["is_qualified_in_window"] = 0
    with pytest.raises(lead_grade.LeadGradeError, match="single label value"):
        lead_grade.train(frame)


@pytest.fixture(scope="module")
def warehouse_leads(built_warehouse):
    con = duckdb.connect(str(built_warehouse["database"]), read_only=True)
    try:
        features = lead_grade.load_features(con)
        scores = con.execute("select lead_id, probability, grade, top_feature_1 from marts.fct_lead_grades").df()
        figures = truth.lead_grade_figures(con)
    finally:
        con.close()
    return features.merge(scores, on="lead_id", how="left", validate="one_to_one"), figures


def test_python_scoring_equals_sql_scoring_for_every_lead(warehouse_leads):
    leads, _ = warehouse_leads
    model = lead_grade.load_model()
    assert len(leads) > 100 and leads["probability"].notna().all()
    for row in leads.itertuples(index=False):
        features = {n: getattr(row, n) for n in model.features}
        scored = lead_grade.score_lead(model, features)
        assert scored["probability"] == pytest.approx(row.probability, rel=1e-12, abs=1e-15)
        assert scored["grade"] == row.grade
        assert scored["top_features"][0]["feature"] == row.top_feature_1


def test_real_time_cli_scores_one_lead_like_sql(warehouse_leads):
    leads, _ = warehouse_leads
    model = lead_grade.load_model()
    # one lead per grade, the first by id
    picks = leads.sort_values("lead_id").groupby("grade", sort=True).head(1)
    for row in picks.itertuples(index=False):
        payload = json.dumps({n: float(getattr(row, n)) for n in model.features})
        result = run_script("scripts/score_lead.py", input_text=payload)
        out = json.loads(result.stdout)
        assert out["probability"] == pytest.approx(row.probability, rel=1e-12, abs=1e-15)
        assert out["grade"] == row.grade
        assert out["model_version"] == model.model_version


@pytest.mark.parametrize("payload, message", [
    ("not json", "not valid JSON"),
    ("[1, 2]", "one JSON object"),
    ('{"f_log_page_views": 1}', "missing feature"),
])
def test_real_time_cli_rejects_bad_input_in_one_line(payload, message):
    result = run_script("scripts/score_lead.py", input_text=payload, check=False)
    assert result.returncode == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_train_cli_explains_a_missing_warehouse(tmp_path):
    result = run_script("scripts/train_lead_grade.py", "--database", str(tmp_path / "none.duckdb"), check=False)
    assert result.returncode == 1 and "build the warehouse first" in result.stderr


def test_lead_grade_beats_the_behaviour_count_baseline(warehouse_leads):
    _, figures = warehouse_leads
    assert figures["lead_grade_labelled_leads"] > 100
    assert figures["lead_grade_auc"] > figures["lead_grade_baseline_auc"]
    assert figures["lead_grade_training_holdout_auc"] > figures["lead_grade_training_baseline_auc"]
