"""Semantic layer (issue 14 part 3): the `mf query` examples of README.md ("Semantic layer") run against the
session warehouse, and every number they print equals plain SQL on the marts. One more query checks the
health score distribution against rpt_account_health_cohorts. MetricFlow always reads
`<project>/target/semantic_manifest.json`, so the queries run in a shadow project folder whose files link
to this project's and whose `target` is the session build's."""
from __future__ import annotations

import csv
import math
import os
import re
import shlex
import subprocess
from datetime import date, datetime

import pytest

from conftest import PROJECT_DIR, query
from gtm_warehouse.workflow import BIN

README_EXAMPLES = 3


def readme_examples() -> list[str]:
    """The `mf query` command lines of README's "Semantic layer" section, in order."""
    text = (PROJECT_DIR / "README.md").read_text()
    section = text.split("\n## Semantic layer\n", 1)[1].split("\n## ", 1)[0]
    return [line.strip() for line in section.splitlines() if line.strip().startswith(".venv/bin/mf query ")]


@pytest.fixture(scope="module")
def mf(built_warehouse, tmp_path_factory):
    """Run `mf query <args> --csv` on the session warehouse; return the CSV rows as dicts."""
    shadow = tmp_path_factory.mktemp("mf_project")
    for entry in PROJECT_DIR.iterdir():
        if entry.name not in {"target", "logs", ".venv", ".git", "data"}:
            (shadow / entry.name).symlink_to(entry)
    (shadow / "target").symlink_to(built_warehouse["workdir"] / "target")
    env = {**os.environ, "DUCKDB_PATH": str(built_warehouse["database"]), "DBT_TARGET": "duckdb",
           "DBT_PROJECT_DIR": str(shadow), "DBT_PROFILES_DIR": str(shadow)}
    counter = iter(range(1000))

    def run(args: list[str]) -> list[dict]:
        out = shadow / f"result_{next(counter)}.csv"
        result = subprocess.run([str(BIN / "mf"), *args, "--csv", str(out), "--quiet"], cwd=shadow, env=env,
                                capture_output=True, text=True)
        assert result.returncode == 0 and out.exists(), f"mf {args} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        with out.open(newline="") as f:
            return list(csv.DictReader(f))

    return run


def _num(value: str | None):
    return None if value in (None, "") else float(value)


def _month(value: str) -> date:
    return datetime.fromisoformat(value).date()


def _close(a, b, rel=1e-9) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=1e-9)


def _assert_same(got: dict, expected: dict, what: str) -> None:
    assert got.keys() == expected.keys(), f"{what}: keys differ: {sorted(set(got) ^ set(expected))[:5]}"
    bad = [(k, got[k], expected[k]) for k in expected
           if not all(_close(g, e) for g, e in zip(got[k], expected[k], strict=True))]
    assert not bad, f"{what}: {len(bad)} rows differ, e.g. {bad[:3]}"


def test_readme_shows_the_checked_examples():
    examples = readme_examples()
    assert len(examples) == README_EXAMPLES, examples
    metrics = [re.search(r"--metrics (\S+)", e).group(1) for e in examples]
    assert metrics == ["sessions,active_accounts,signups,leads,mqls",
                       "attributed_pipeline,attributed_revenue,roas,cost_per_mql",
                       "nps,nps_responses,sla_breach_rate,tickets"], metrics


def test_readme_example_monthly_funnel(mf, built_warehouse):
    rows = mf(shlex.split(readme_examples()[0])[1:])
    got = {_month(r["metric_time__month"]): tuple(_num(r[m]) for m in
                                                  ("sessions", "active_accounts", "signups", "leads", "mqls"))
           for r in rows}
    sql = """
        with sessions as (
            select date_trunc('month', started_at) as m, count(*) as n from marts.fct_sessions
            where not is_internal group by 1),
        active as (
            select date_trunc('month', event_at) as m, count(distinct account_id) as n from marts.fct_events
            where not is_internal group by 1),
        conv as (
            select date_trunc('month', converted_at) as m,
                   count(*) filter (where conversion_type = 'signed_up') as signups,
                   count(*) filter (where conversion_type = 'lead_created') as leads,
                   count(*) filter (where conversion_type = 'mql') as mqls
            from marts.fct_conversions group by 1),
        months as (select m from sessions union select m from active union select m from conv)
        select cast(months.m as date), sessions.n, active.n, conv.signups, conv.leads, conv.mqls
        from months left join sessions using (m) left join active using (m) left join conv using (m)"""
    expected = {r[0]: tuple(None if v is None else float(v) for v in r[1:])
                for r in query(built_warehouse["database"], sql)}
    # A month without a metric's rows has NULL in MetricFlow's join; plain SQL counts give NULL there too.
    _assert_same(got, expected, "monthly funnel")
    assert sum(v[0] or 0 for v in got.values()) > 0 and sum(v[4] or 0 for v in got.values()) > 0


def test_readme_example_channel_performance_by_attribution_model(mf, built_warehouse):
    example = readme_examples()[1]
    models = re.findall(r"'(\w+)'", re.search(r" in \(([^)]*)\)", example).group(1))
    rows = mf(shlex.split(example)[1:])
    got = {(r["channel_performance__attribution_model"], r["channel_performance__channel"]):
           tuple(_num(r[m]) for m in ("attributed_pipeline", "attributed_revenue", "roas", "cost_per_mql"))
           for r in rows}
    expected = {(r[0], r[1]): tuple(None if v is None else float(v) for v in r[2:])
                for r in query(built_warehouse["database"], f"""
        select attribution_model, channel, sum(attributed_pipeline), sum(attributed_revenue),
               sum(attributed_revenue) / nullif(sum(spend), 0), sum(spend) / nullif(sum(attributed_mqls), 0)
        from marts.rpt_channel_performance
        where attribution_model in ({", ".join(f"'{m}'" for m in models)})
        group by all""")}
    _assert_same(got, expected, "channel performance")
    assert {m for m, _ in got} == set(models) and len(models) >= 2
    # The models split the same pipeline differently across channels.
    by_model = {m: {c: v[0] for (mm, c), v in got.items() if mm == m} for m in models}
    assert by_model[models[0]] != by_model[models[1]]


def test_readme_example_nps_and_sla_by_month(mf, built_warehouse):
    rows = mf(shlex.split(readme_examples()[2])[1:])
    got = {_month(r["metric_time__month"]): tuple(_num(r[m]) for m in
                                                  ("nps", "nps_responses", "sla_breach_rate", "tickets"))
           for r in rows}
    sql = """
        with nps as (
            select date_trunc('month', submitted_at) as m,
                   100.0 * (count(*) filter (where nps_weight = 1) - count(*) filter (where nps_weight = -1))
                       / nullif(count(nps_weight), 0) as nps,
                   count(nps_weight) as responses
            from marts.fct_nps_responses group by 1),
        sla as (
            select date_trunc('month', created_at) as m,
                   count(*) filter (where is_sla_breached) / count(*) as rate, count(*) as tickets
            from marts.fct_support_ticket_slas group by 1),
        months as (select m from nps union select m from sla)
        select cast(months.m as date), nps.nps, nps.responses, sla.rate, sla.tickets
        from months left join nps using (m) left join sla using (m)"""
    expected = {r[0]: tuple(None if v is None else float(v) for v in r[1:])
                for r in query(built_warehouse["database"], sql)}
    _assert_same(got, expected, "nps and sla by month")
    # The same NPS as the customer-success mart rpt_nps (which rounds to 0.1).
    overall = dict(query(built_warehouse["database"], """
        select cast(response_month as date), nps from marts.rpt_nps where dimension = 'overall'"""))
    compared = [m for m, v in got.items() if v[0] is not None]
    assert compared and all(abs(got[m][0] - float(overall[m])) <= 0.05 + 1e-9 for m in compared)


def test_health_score_distribution(mf, built_warehouse):
    rows = mf(["query", "--metrics", "health_accounts,avg_health_score",
               "--group-by", "account_health__health_band"])
    got = {r["account_health__health_band"]: (_num(r["health_accounts"]), _num(r["avg_health_score"]))
           for r in rows}
    expected = {r[0]: (float(r[1]), float(r[2])) for r in query(built_warehouse["database"], """
        select health_band, count(*), avg(health_score) from marts.dim_account_health_current group by 1""")}
    _assert_same(got, expected, "health distribution")
    cohorts = query(built_warehouse["database"], """
        select sum(green_accounts), sum(yellow_accounts), sum(red_accounts) from marts.rpt_account_health_cohorts""")[0]
    assert (got.get("green", (0,))[0], got.get("yellow", (0,))[0], got.get("red", (0,))[0]) == tuple(map(float, cohorts))
