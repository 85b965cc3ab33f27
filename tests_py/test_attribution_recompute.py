"""Every rule-based attribution model recomputed independently in pandas, straight from the touch and
conversion tables (fct_touchpoints, fct_conversions), and compared row by row with fct_attribution_credits.

Nothing is read from the intermediate attribution models: windowing, scopes, milestones and weights are
re-derived here from the rules in docs/ATTRIBUTION.md and the vars in dbt_project.yml.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
RULE_BASED = ["first_touch", "last_touch", "last_non_direct", "linear", "u_shaped", "w_shaped", "time_decay"]


def project_vars() -> dict:
    return yaml.safe_load((ROOT / "dbt_project.yml").read_text())["vars"]


def recompute(con: duckdb.DuckDBPyConnection, v: dict) -> pd.DataFrame:
    conv = con.execute(
        "select conversion_id, conversion_type, attribution_level, person_id, account_id, converted_at, "
        "opportunity_id from marts.fct_conversions").df()
    tp = con.execute("select touchpoint_id, person_id, account_id, touched_at, channel from marts.fct_touchpoints").df()
    conv["account_scope"] = (conv.attribution_level == "account") & conv.account_id.notna()

    # whose touches: the account's (account-level, known account) or the person's
    acc = conv[conv.account_scope].merge(tp.drop(columns="person_id"), on="account_id")
    per = conv[~conv.account_scope].merge(tp.drop(columns="account_id"), on="person_id")
    pairs = pd.concat([acc, per], ignore_index=True)
    lookback = pd.Timedelta(days=v["gtm__attribution_lookback_days"])
    pairs = pairs[(pairs.touched_at < pairs.converted_at) & (pairs.touched_at >= pairs.converted_at - lookback)]
    pairs = pairs[["conversion_id", "touchpoint_id", "touched_at", "channel", "converted_at"]]

    # milestones: first lead of the person/account at or before the conversion; the opportunity's creation
    leads = conv[conv.conversion_type == "lead_created"]
    lm = pd.concat([
        conv[conv.account_scope].merge(leads[["account_id", "converted_at"]], on="account_id", suffixes=("", "_lead")),
        conv[~conv.account_scope].merge(leads[["person_id", "converted_at"]], on="person_id", suffixes=("", "_lead")),
    ])
    lm = lm[lm.converted_at_lead <= lm.converted_at].groupby("conversion_id").converted_at_lead.min()
    opp = conv[conv.conversion_type == "opportunity_created"].set_index("opportunity_id").converted_at
    milestones = conv.set_index("conversion_id")[["conversion_type", "opportunity_id", "converted_at"]].copy()
    milestones["lead_at"] = lm
    milestones["opp_at"] = np.where(milestones.conversion_type == "opportunity_created", milestones.converted_at,
                                    milestones.opportunity_id.map(opp))
    milestones["opp_at"] = pd.to_datetime(milestones["opp_at"])

    df = pairs.sort_values(["conversion_id", "touched_at", "touchpoint_id"]).reset_index(drop=True)
    g = df.groupby("conversion_id")
    df["n"] = g.cumcount() + 1
    df["count"] = g.touchpoint_id.transform("size")
    df["lead_at"] = df.conversion_id.map(milestones.lead_at)
    df["opp_at"] = df.conversion_id.map(milestones.opp_at)
    direct = set(v["gtm__attribution_direct_channels"])
    df["non_direct_n"] = np.where(~df.channel.isin(direct), df.n, np.nan)
    df["last_nd"] = df.groupby("conversion_id").non_direct_n.transform("max").fillna(df["count"])
    df["lead_n"] = np.where(df.touched_at <= df.lead_at, df.n, np.nan)
    df["lead_n"] = df.groupby("conversion_id").lead_n.transform("max")
    df["opp_n"] = np.where(df.touched_at <= df.opp_at, df.n, np.nan)
    df["opp_n"] = df.groupby("conversion_id").opp_n.transform("max")

    u, w = v["gtm__attribution_u_shaped_weights"], v["gtm__attribution_w_shaped_weights"]
    raw = pd.DataFrame(index=df.index)
    raw["first_touch"] = (df.n == 1).astype(float)
    raw["last_touch"] = (df.n == df["count"]).astype(float)
    raw["last_non_direct"] = (df.n == df.last_nd).astype(float)
    raw["linear"] = 1.0
    raw["u_shaped"] = np.select(
        [df["count"] == 1, df.n == 1, df.n == df["count"]], [1.0, u["first"], u["last"]],
        u["middle"] / np.maximum(df["count"] - 2, 1))
    key = (df.n == 1) * w["first"] + (df.n == df.lead_n) * w["lead"] + (df.n == df.opp_n) * w["opportunity"]
    middle = (key == 0).groupby(df.conversion_id).transform("sum")
    raw["w_shaped"] = np.where(key > 0, key, w["middle"] / np.maximum(middle, 1))
    days = (df.converted_at - df.touched_at).dt.total_seconds() / 86400
    raw["time_decay"] = 0.5 ** (days / v["gtm__attribution_time_decay_half_life_days"])
    for model in RULE_BASED:
        df[model] = raw[model] / raw[model].groupby(df.conversion_id).transform("sum")

    # conversions without a touch in the window: one (no touch) row with credit 1
    missing = conv.loc[~conv.conversion_id.isin(df.conversion_id), ["conversion_id"]].assign(touchpoint_id="(no touch)")
    for model in RULE_BASED:
        missing[model] = 1.0
    return pd.concat([df[["conversion_id", "touchpoint_id", *RULE_BASED]], missing], ignore_index=True)


def compare(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    expected = recompute(con, project_vars())
    built = con.execute(
        f"select conversion_id, touchpoint_id, {', '.join(m + '_credit' for m in RULE_BASED)} "
        "from marts.fct_attribution_credits where not is_baseline").df()
    return expected, built


@pytest.fixture(scope="module")
def recomputed(built_warehouse):
    con = duckdb.connect(str(built_warehouse["database"]), read_only=True)
    try:
        return compare(con)
    finally:
        con.close()


def test_same_touch_conversion_rows(recomputed):
    expected, built = recomputed
    keys = ["conversion_id", "touchpoint_id"]
    assert len(expected) > 1_000
    assert expected[keys].duplicated().sum() == 0
    merged = expected[keys].merge(built[keys], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head(20)


@pytest.mark.parametrize("model", RULE_BASED)
def test_rule_based_credits_match_row_by_row(recomputed, model):
    expected, built = recomputed
    merged = expected.merge(built, on=["conversion_id", "touchpoint_id"])
    assert len(merged) == len(expected)
    diff = (merged[model] - merged[f"{model}_credit"]).abs()
    assert diff.max() < 1e-9, merged.loc[diff.idxmax()]


# --- the data-driven models' baseline (docs/DECISIONS.md "Attribution truth") -------------------------------
# Recomputed from the journeys the data-driven models learn from (int_attribution_journey_steps): each
# journey's channel set, the sets' conversion rates, the baseline (the weakest single-channel set with
# enough journeys) and each conversion's baseline share, compared with the `(baseline)` rows.
def recompute_baselines(con: duckdb.DuckDBPyConnection, min_journeys: int) -> pd.DataFrame:
    steps = con.execute(
        "select conversion_type, journey_id, channel, is_converted from intermediate.int_attribution_journey_steps"
    ).df()
    journeys = steps.groupby(["conversion_type", "journey_id"]).agg(
        channels=("channel", lambda c: tuple(sorted(set(c)))), converted=("is_converted", "max")).reset_index()
    rates = journeys.groupby(["conversion_type", "channels"]).converted.agg(["size", "mean"]).reset_index()
    single = rates[(rates.channels.map(len) == 1) & (rates["size"] >= min_journeys)]
    single = single.assign(channel=single.channels.map(lambda c: c[0])).sort_values(["conversion_type", "mean", "channel"])
    baseline = single.groupby("conversion_type")["mean"].first().rename("baseline_rate")
    rates = rates.join(baseline, on="conversion_type")
    rates["baseline_rate"] = rates.baseline_rate.fillna(0.0)
    rates["share"] = np.where(rates.baseline_rate == 0, 0.0,
                              np.minimum(rates.baseline_rate / rates["mean"].where(rates["mean"] > 0), 1.0))
    rates["share"] = rates["share"].fillna(1.0)
    converted = journeys[journeys.converted].merge(rates, on=["conversion_type", "channels"])
    return converted.rename(columns={"journey_id": "conversion_id"})[["conversion_id", "share"]]


@pytest.fixture(scope="module")
def baselines(built_warehouse):
    con = duckdb.connect(str(built_warehouse["database"]), read_only=True)
    try:
        expected = recompute_baselines(con, project_vars()["gtm__attribution_baseline_min_journeys"])
        built = con.execute(
            f"select conversion_id, is_baseline, markov_credit, shapley_credit, "
            f"{' + '.join(m + '_credit' for m in RULE_BASED)} as rule_based_credit "
            "from marts.fct_attribution_credits where not is_no_touch").df()
        return expected, built
    finally:
        con.close()


def test_baseline_rows_match_the_recomputed_baseline_share(baselines):
    expected, built = baselines
    assert (expected.share > 0).sum() > 100, "the test warehouse should have conversions with a baseline"
    rows = built[built.is_baseline]
    assert (rows.rule_based_credit == 0).all()
    assert (rows.markov_credit == rows.shapley_credit).all()
    merged = expected[expected.share > 0].merge(rows, on="conversion_id", how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head(20)
    assert (merged.share - merged.markov_credit).abs().max() < 1e-9


def test_touch_rows_share_what_the_baseline_leaves(baselines):
    expected, built = baselines
    touches = built[~built.is_baseline].groupby("conversion_id")[["markov_credit", "shapley_credit"]].sum()
    merged = expected.set_index("conversion_id").join(touches, how="inner")
    assert len(merged) == len(expected)
    for model in ("markov_credit", "shapley_credit"):
        assert (merged[model] - (1 - merged.share)).abs().max() < 1e-9

