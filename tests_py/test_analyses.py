"""analyses/: every analysis compiles and runs on the shared 60k warehouse, returns rows, and agrees with an
independent recomputation from the marts (one dbt compile, then plain DuckDB queries)."""
from __future__ import annotations

import shutil

import duckdb
import pytest

from conftest import PROJECT_DIR, run_dbt

ANALYSES = sorted(p.stem for p in (PROJECT_DIR / "analyses").glob("*.sql"))


@pytest.fixture(scope="module")
def results(built_warehouse, tmp_path_factory) -> dict[str, list[dict]]:
    """Every analysis compiled (`dbt compile --select resource_type:analysis`) and run on the warehouse."""
    workdir = tmp_path_factory.mktemp("analyses")
    # same project, database and vars as the shared build: its parse is reused (dbt partial parsing)
    parsed = built_warehouse["workdir"] / "target" / "partial_parse.msgpack"
    if parsed.exists():
        (workdir / "target").mkdir()
        shutil.copy(parsed, workdir / "target" / parsed.name)
    run_dbt(["compile", "--select", "resource_type:analysis"], built_warehouse["database"], workdir)
    compiled = workdir / "target" / "compiled" / "gtm_warehouse" / "analyses"
    con = duckdb.connect(str(built_warehouse["database"]), read_only=True)
    out = {}
    try:
        for name in ANALYSES:
            cursor = con.execute((compiled / f"{name}.sql").read_text())
            rows = cursor.fetchall()
            columns = [d[0] for d in cursor.description]
            out[name] = [dict(zip(columns, row)) for row in rows]
    finally:
        con.close()
    return out


@pytest.fixture(scope="module")
def con(built_warehouse):
    connection = duckdb.connect(str(built_warehouse["database"]), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def one(con):
    return lambda sql: con.execute(sql).fetchall()[0][0]


def test_every_analysis_is_documented_and_returns_rows(results):
    documented = (PROJECT_DIR / "analyses" / "_analyses.yml").read_text()
    for name in ANALYSES:
        assert f"- name: {name}\n" in documented, f"{name} is not in analyses/_analyses.yml"
        assert results[name], f"analysis {name} returned no rows"


def test_funnel_by_channel(results, one):
    rows = results["funnel_by_channel"]
    assert sum(r["visitors"] for r in rows) == one(
        "select count(distinct person_id) from marts.fct_sessions where not is_internal")
    assert sum(r["leads"] for r in rows) == one("""
        select count(distinct person_id) from marts.fct_conversions
        where conversion_type = 'lead_created'
            and person_id in (select person_id from marts.fct_sessions where not is_internal)""")
    assert all(r["signups"] <= r["visitors"] and r["wins"] <= r["visitors"] for r in rows)
    assert sum(r["leads"] for r in rows) > 0


def test_pipeline_by_attribution_model(results, one):
    rows = results["pipeline_by_attribution_model"]
    # every model spreads each opportunity's whole amount (no-touch conversions included): same total
    opportunity_total = one("select sum(amount) from marts.fct_conversions where conversion_type = 'opportunity_created'")
    won_total = one("select sum(amount) from marts.fct_conversions where conversion_type = 'closed_won'")
    models = {r["attribution_model"] for r in rows}
    assert len(models) == 9
    for model in models:
        pipeline = sum(r["pipeline"] for r in rows if r["attribution_model"] == model)
        revenue = sum(r["revenue"] for r in rows if r["attribution_model"] == model)
        assert pipeline == pytest.approx(opportunity_total, rel=1e-6), model
        assert revenue == pytest.approx(won_total, rel=1e-6), model
        assert sum(r["pipeline_share"] for r in rows if r["attribution_model"] == model) == pytest.approx(1.0)


def test_channel_efficiency_by_attribution_model(results, one):
    rows = results["channel_efficiency_by_attribution_model"]
    spend = {}
    for r in rows:
        spend.setdefault(r["channel"], set()).add(round(r["spend"] or 0.0, 6))
        if r["mqls"]:
            assert r["cost_per_mql"] == pytest.approx(r["spend"] / r["mqls"])
    # spend does not depend on the attribution model
    assert all(len(values) == 1 for values in spend.values())
    assert sum(next(iter(v)) for v in spend.values()) == pytest.approx(one(
        "select sum(spend) from marts.rpt_channel_performance where attribution_model = 'linear'"), rel=1e-6)


def test_cohort_retention_by_health_band(results, one):
    rows = results["cohort_retention_by_health_band"]
    assert all(0 < r["retention_rate"] <= 1 and r["months_since_cohort"] >= 0 for r in rows)
    # independent: account-months active since the cohort month, counted with date_diff
    assert sum(r["active_accounts"] for r in rows) == one("""
        select count(*) from (
            select distinct a.account_id, date_trunc('month', e.event_at)
            from marts.dim_account_health_current as a
            join marts.fct_events as e on a.account_id = e.account_id and not e.is_internal
            where a.cohort_month is not null and date_diff('month', a.cohort_month, e.event_at) >= 0
        )""")


def test_sla_breach_by_tier(results, one):
    rows = results["sla_breach_by_tier"]
    assert sum(r["tickets"] for r in rows) == one("select count(*) from marts.fct_support_ticket_slas")
    assert sum(r["breached_tickets"] for r in rows) == one(
        "select count(*) from marts.fct_support_ticket_slas where is_sla_breached")
    assert all(0 <= r["breach_rate"] <= 1 for r in rows)


def test_nps_trend(results, one):
    rows = results["nps_trend"]
    # independent: categories from the raw 0-10 score (promoter 9-10, detractor 0-6)
    expected = one("""
        select 100.0 * (count(*) filter (where score >= 9) - count(*) filter (where score <= 6)) / count(*)
        from marts.fct_nps_responses where score between 0 and 10""")
    responses = sum(r["responses"] for r in rows)
    overall = 100.0 * (sum(r["promoters"] for r in rows) - sum(r["detractors"] for r in rows)) / responses
    assert overall == pytest.approx(expected)
    assert all(-100 <= r["nps"] <= 100 and -100 <= r["nps_rolling_3m"] <= 100 for r in rows)


def test_mql_conversion_by_trigger(results, one):
    rows = results["mql_conversion_by_trigger"]
    assert sum(r["mql_episodes"] for r in rows) == one("select count(*) from marts.fct_mql_episodes")
    assert all(0 <= r["mql_to_opportunity_rate"] <= 1 for r in rows)


def test_onboarding_activation_by_path(results, one):
    rows = results["onboarding_activation_by_path"]
    assert sum(r["workspaces"] for r in rows) == one("select count(*) from marts.rpt_workspace_onboarding")
    assert sum(r["activated_workspaces"] for r in rows) == one(
        "select count(*) from marts.rpt_workspace_onboarding where is_activated")


def test_data_quality_quarantine(results, one):
    rows = results["data_quality_quarantine"]
    assert sum(r["quarantined_rows"] for r in rows) == one("select count(*) from staging.stg_quarantine__rows")


def test_identity_merge_paths_end_at_the_anchor(results, con):
    rows = results["identity_merge_paths"]
    anchored = [r for r in rows if r["link_status"] == "linked_to_anchor" and not r["is_path_truncated"]]
    assert anchored
    for r in anchored:
        hops = [(r[f"hop_{i}_type"], r[f"hop_{i}_value"]) for i in range(1, 5) if r[f"hop_{i}_value"] is not None]
        # as many hops as the graph says, ending at a user_id (the anchor) of the same person
        assert len(hops) == r["hops_to_anchor"], r
        assert hops[-1][0] == "user_id", r
    anchors = dict(con.execute("""select identifier_value, person_id from marts.dim_person_identifiers
                                   where identifier_type = 'user_id'""").fetchall())
    assert all(anchors.get(r[f"hop_{r['hops_to_anchor']}_value"]) == r["person_id"] for r in anchored)
