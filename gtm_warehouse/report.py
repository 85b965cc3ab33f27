"""The chart report (issue 14 part 6): one static HTML file, readable offline, with the charts people would
rather look at than read: traffic and sessions by channel, the funnel, channel performance side by side per
attribution model, health bands by signup cohort, SLA breaches by tier, the NPS trend and data quality
(quarantined rows by reason, source freshness).

Charts are Plotly figures (graph_objects, no pandas) rendered with plotly.js inlined once into the page
(docs/DECISIONS.md says why Plotly); the page is a Jinja2 template (templates/report.html.j2). Business
numbers come from the marts; the data-quality section reads `staging.stg_quarantine__rows` and, per raw
table, the newest value of its source's `loaded_at_field` (the query `dbt source freshness` runs), judged
against the source's own warn/error thresholds from the source YAML files.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import plotly
import plotly.graph_objects as go
import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from gtm_warehouse.contract import PROJECT_DIR, _source_files

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE = "report.html.j2"
# Colours: health bands as the CS team names them; freshness statuses as dbt prints them.
BAND_COLOURS = {"green": "#2ca02c", "yellow": "#f2c14e", "red": "#d62728"}
FRESHNESS_COLOURS = {"pass": "#2ca02c", "warn": "#f2c14e", "error": "#d62728", "no data": "#7f7f7f",
                     "not checked": "#9ecae1"}
PERIOD_HOURS = {"minute": 1 / 60, "hour": 1, "day": 24}


class ReportError(Exception):
    """An expected problem (missing database, locked file): one line for the user."""


@dataclass
class Chart:
    key: str
    title: str
    description: str
    source: str
    figure: go.Figure | None = None
    missing: str | None = None  # why the chart is absent (a mart not built, e.g. a Segment-only warehouse)
    facts: dict = field(default_factory=dict)  # the headline numbers of the chart (manifest, tests)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def _relations(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = _rows(con, "select table_schema || '.' || table_name from information_schema.tables")
    return {r[0] for r in rows}


def _layout(fig: go.Figure, **kwargs) -> go.Figure:
    settings = {"template": "plotly_white", "height": 420, "margin": {"l": 60, "r": 20, "t": 30, "b": 60},
                "legend": {"orientation": "h", "y": -0.2}, "font": {"family": "system-ui, sans-serif"}}
    fig.update_layout(**(settings | kwargs))
    return fig


def traffic_by_channel(con, schema: str) -> Chart:
    chart = Chart("traffic", "Traffic: customer sessions by channel, per week",
                  "Web sessions of customers (staff excluded) by the week they started, stacked by channel.",
                  f"{schema}.fct_sessions")
    rows = _rows(con, f"""
        select cast(date_trunc('week', started_at) as date) as week, channel, count(*) as sessions
        from {schema}.fct_sessions where not is_internal group by all order by week, channel""")
    fig = go.Figure()
    for channel in sorted({r[1] for r in rows}):
        points = [r for r in rows if r[1] == channel]
        fig.add_bar(name=channel, x=[str(r[0]) for r in points], y=[r[2] for r in points])
    chart.figure = _layout(fig, barmode="stack", yaxis_title="sessions", xaxis_title="week")
    chart.facts = {"sessions": sum(r[2] for r in rows)}
    return chart


def channel_engagement(con, schema: str) -> Chart:
    chart = Chart("channels", "Sessions, visitors and page views by channel",
                  "Per channel: customer sessions, distinct visitors (people) and page views, over the whole period.",
                  f"{schema}.fct_sessions")
    rows = _rows(con, f"""
        select channel, count(*), count(distinct person_id), sum(page_count)
        from {schema}.fct_sessions where not is_internal group by all order by 2 desc, channel""")
    fig = go.Figure()
    for i, name in enumerate(("sessions", "visitors", "page views"), start=1):
        fig.add_bar(name=name, x=[r[0] for r in rows], y=[r[i] for r in rows])
    chart.figure = _layout(fig, barmode="group")
    chart.facts = {"channels": len(rows)}
    return chart


FUNNEL_STAGES = (("signed_up", "signups"), ("lead_created", "leads"), ("mql", "MQLs"),
                 ("opportunity_created", "opportunities"), ("closed_won", "won deals"))


def funnel(con, schema: str) -> Chart:
    chart = Chart("funnel", "Funnel: people to won deals",
                  "Customer people seen (dim_people), then conversions of each type (fct_conversions): first "
                  "signups, CRM leads, MQL episodes, opportunities created, opportunities won.",
                  f"{schema}.dim_people, {schema}.fct_conversions")
    people = _rows(con, f"select count(*) from {schema}.dim_people")[0][0]
    counts = dict(_rows(con, f"select conversion_type, count(*) from {schema}.fct_conversions group by all"))
    labels = ["people"] + [label for _, label in FUNNEL_STAGES]
    values = [people] + [counts.get(kind, 0) for kind, _ in FUNNEL_STAGES]
    fig = go.Figure(go.Funnel(y=labels, x=values, textinfo="value+percent initial"))
    chart.figure = _layout(fig)
    chart.facts = dict(zip(labels, values))
    return chart


def channel_performance(con, schema: str) -> list[Chart]:
    source = f"{schema}.rpt_channel_performance"
    rows = _rows(con, f"""
        select attribution_model, channel, sum(attributed_pipeline), sum(attributed_revenue), sum(spend),
               sum(attributed_revenue) / nullif(sum(spend), 0)
        from {source} group by all order by attribution_model, channel""")
    models = sorted({r[0] for r in rows})
    channels = sorted({r[1] for r in rows})
    pipeline = Chart("pipeline_by_model", "Pipeline by channel, per attribution model",
                     "Attributed pipeline (opportunity amount × credit, reporting currency) of each channel, the "
                     "nine attribution models side by side: where the models agree and where they do not.", source)
    roas = Chart("roas_by_model", "ROAS by paid channel, per attribution model",
                 "Attributed revenue / ad spend, for the channels with spend, per attribution model.", source)
    fig_p, fig_r = go.Figure(), go.Figure()
    paid = [c for c in channels if any(r[1] == c and (r[4] or 0) > 0 for r in rows)]
    for model in models:
        by_channel = {r[1]: r for r in rows if r[0] == model}
        fig_p.add_bar(name=model, x=channels, y=[float(by_channel[c][2] or 0) if c in by_channel else 0
                                                 for c in channels])
        fig_r.add_bar(name=model, x=paid, y=[float(by_channel[c][5] or 0) if c in by_channel else 0 for c in paid])
    pipeline.figure = _layout(fig_p, barmode="group", yaxis_title="attributed pipeline")
    roas.figure = _layout(fig_r, barmode="group", yaxis_title="ROAS (revenue / spend)")
    pipeline.facts = {"attribution_models": len(models), "channels": len(channels)}
    roas.facts = {"paid_channels": len(paid)}
    return [pipeline, roas]


def health_by_cohort(con, schema: str) -> Chart:
    chart = Chart("health", "Health bands by signup cohort",
                  "Accounts of each signup month by their current health band (green, yellow, red).",
                  f"{schema}.rpt_account_health_cohorts")
    rows = _rows(con, f"""
        select cast(cohort_month as date), green_accounts, yellow_accounts, red_accounts
        from {schema}.rpt_account_health_cohorts order by 1""")
    fig = go.Figure()
    for i, band in enumerate(("green", "yellow", "red"), start=1):
        fig.add_bar(name=band, x=[str(r[0]) for r in rows], y=[r[i] for r in rows], marker_color=BAND_COLOURS[band])
    chart.figure = _layout(fig, barmode="stack", yaxis_title="accounts", xaxis_title="signup cohort")
    chart.facts = {"accounts": sum(r[1] + r[2] + r[3] for r in rows)}
    return chart


def sla_by_tier(con, schema: str) -> Chart:
    chart = Chart("sla", "SLA breaches by tier",
                  "Share of support tickets whose first reply or any next reply breached its SLA, per SLA plan "
                  "tier (the bar's label: breached of all tickets).", f"{schema}.fct_support_ticket_slas")
    rows = _rows(con, f"""
        select sla_plan_tier, count(*) filter (where is_sla_breached), count(*)
        from {schema}.fct_support_ticket_slas group by all order by sla_plan_tier""")
    fig = go.Figure(go.Bar(x=[r[0] for r in rows], y=[100.0 * r[1] / r[2] for r in rows],
                           text=[f"{r[1]} of {r[2]}" for r in rows], textposition="auto",
                           marker_color="#d62728"))
    chart.figure = _layout(fig, yaxis_title="% of tickets breached", xaxis_title="SLA plan tier")
    chart.facts = {"tickets": sum(r[2] for r in rows), "breached": sum(r[1] for r in rows)}
    return chart


def nps_trend(con, schema: str) -> Chart:
    chart = Chart("nps", "NPS trend",
                  "Net promoter score per month of response (line, left axis) and the responses it counts "
                  "(bars, right axis).", f"{schema}.rpt_nps")
    rows = _rows(con, f"""
        select cast(response_month as date), nps, responses from {schema}.rpt_nps
        where dimension = 'overall' order by 1""")
    months = [str(r[0]) for r in rows]
    fig = go.Figure()
    fig.add_bar(name="responses", x=months, y=[r[2] for r in rows], yaxis="y2", marker_color="#c7d7ea")
    fig.add_scatter(name="NPS", x=months, y=[None if r[1] is None else float(r[1]) for r in rows],
                    mode="lines+markers", line={"color": "#1f77b4", "width": 3})
    chart.figure = _layout(fig, yaxis={"title": "NPS", "range": [-100, 100]},
                           yaxis2={"title": "responses", "overlaying": "y", "side": "right", "showgrid": False})
    chart.facts = {"months": len(rows)}
    return chart


def quarantine_by_reason(con, staging: str) -> Chart:
    chart = Chart("quarantine", "Data quality: quarantined rows by reason",
                  "Raw rows that could not be used, by reason and raw table (staging.stg_quarantine__rows): "
                  "nothing is silently lost.", f"{staging}.stg_quarantine__rows")
    rows = _rows(con, f"""
        select quarantine_reason, source_table, count(*) from {staging}.stg_quarantine__rows
        group by all order by quarantine_reason, source_table""")
    reasons = sorted({r[0] for r in rows})
    fig = go.Figure()
    for table in sorted({r[1] for r in rows}):
        by_reason = {r[0]: r[2] for r in rows if r[1] == table}
        fig.add_bar(name=table, y=reasons, x=[by_reason.get(reason, 0) for reason in reasons], orientation="h")
    chart.figure = _layout(fig, barmode="stack", xaxis_title="rows", margin={"l": 180, "r": 20, "t": 30, "b": 60},
                           legend={"orientation": "v", "x": 1.02, "y": 1})
    chart.facts = {"rows": sum(r[2] for r in rows), "reasons": len(reasons)}
    return chart


def freshness_rules(project_dir: Path = PROJECT_DIR) -> list[dict]:
    """Per raw table of the contract: its loaded_at_field and warn/error thresholds in hours (table overrides
    source), from the source YAML files, as `dbt source freshness` reads them. A table whose freshness is
    off (`freshness: null`, e.g. Segment's per-event tables) is listed with no thresholds: not checked."""
    def hours(rule: dict | None):
        return None if not rule else rule["count"] * PERIOD_HOURS[rule["period"]]

    out = []
    for path in _source_files(project_dir):
        for source in yaml.safe_load(path.read_text()).get("sources", []):
            for table in source.get("tables", []):
                field_ = table.get("loaded_at_field", source.get("loaded_at_field"))
                rule = table["freshness"] if "freshness" in table else source.get("freshness")
                rule = rule or {}
                if field_:
                    out.append({"source": source["name"], "table": table["name"], "loaded_at_field": field_,
                                "warn_hours": hours(rule.get("warn_after")),
                                "error_hours": hours(rule.get("error_after"))})
    return out


def freshness(con, raw_schema: str, as_of: datetime, relations: set[str]) -> Chart:
    chart = Chart("freshness", "Data quality: source freshness",
                  f"Hours from each raw table's newest load (its source's loaded_at_field) to "
                  f"{as_of:%Y-%m-%d %H:%M} UTC, coloured by the source's warn/error thresholds.",
                  f"{raw_schema}.* (loaded_at_field of each source)")
    tables, ages, colours, labels, statuses = [], [], [], [], {}
    for rule in freshness_rules():
        if f"{raw_schema}.{rule['table']}" not in relations:
            continue  # a source switched off or not loaded
        newest = _rows(con, f'select max("{rule["loaded_at_field"]}") from {raw_schema}."{rule["table"]}"')[0][0]
        if newest is None:
            age, status = 0.0, "no data"
        else:
            newest = newest if newest.tzinfo else newest.replace(tzinfo=timezone.utc)
            age = (as_of - newest).total_seconds() / 3600
            status = ("not checked" if rule["error_hours"] is None and rule["warn_hours"] is None else
                      "error" if rule["error_hours"] is not None and age > rule["error_hours"] else
                      "warn" if rule["warn_hours"] is not None and age > rule["warn_hours"] else "pass")
        tables.append(f"{rule['source']}.{rule['table']}")
        ages.append(round(age, 1))
        colours.append(FRESHNESS_COLOURS[status])
        labels.append(f"{status} ({age:,.1f} h)" if status != "no data" else status)
        statuses[status] = statuses.get(status, 0) + 1
    # The label says the status, so a fresh table (a bar of ~0 h) is still visibly there.
    fig = go.Figure(go.Bar(x=ages, y=tables, orientation="h", marker_color=colours, text=labels,
                           textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{x} h<extra></extra>"))
    chart.figure = _layout(fig, xaxis_title="hours since the newest load", height=max(420, 20 * len(tables)),
                           margin={"l": 260, "r": 90, "t": 30, "b": 60}, showlegend=False,
                           yaxis={"autorange": "reversed"})
    chart.facts = {"tables": len(tables), **statuses}
    return chart


def build_charts(con: duckdb.DuckDBPyConnection, as_of: datetime, schema: str = "marts",
                 staging: str = "staging", raw_schema: str = "raw") -> list[Chart]:
    """Every chart of the report; a chart whose mart is absent says so instead of failing the report."""
    relations = _relations(con)
    plan = [
        ([f"{schema}.fct_sessions"], lambda: [traffic_by_channel(con, schema), channel_engagement(con, schema)],
         [("traffic", "Traffic: customer sessions by channel, per week"),
          ("channels", "Sessions, visitors and page views by channel")]),
        ([f"{schema}.dim_people", f"{schema}.fct_conversions"], lambda: [funnel(con, schema)],
         [("funnel", "Funnel: people to won deals")]),
        ([f"{schema}.rpt_channel_performance"], lambda: channel_performance(con, schema),
         [("pipeline_by_model", "Pipeline by channel, per attribution model"),
          ("roas_by_model", "ROAS by paid channel, per attribution model")]),
        ([f"{schema}.rpt_account_health_cohorts"], lambda: [health_by_cohort(con, schema)],
         [("health", "Health bands by signup cohort")]),
        ([f"{schema}.fct_support_ticket_slas"], lambda: [sla_by_tier(con, schema)],
         [("sla", "SLA breaches by tier")]),
        ([f"{schema}.rpt_nps"], lambda: [nps_trend(con, schema)], [("nps", "NPS trend")]),
        ([f"{staging}.stg_quarantine__rows"], lambda: [quarantine_by_reason(con, staging)],
         [("quarantine", "Data quality: quarantined rows by reason")]),
        ([], lambda: [freshness(con, raw_schema, as_of, relations)], [("freshness", "Data quality: source freshness")]),
    ]
    charts: list[Chart] = []
    for needs, make, placeholders in plan:
        absent = [n for n in needs if n not in relations]
        if absent:
            charts += [Chart(key, title, "", ", ".join(needs), missing=f"not built in this warehouse: {', '.join(absent)}")
                       for key, title in placeholders]
        else:
            charts += make()
    return charts


def environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html", "j2"]),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render(charts: list[Chart], database: str, as_of: datetime, generated_at: datetime) -> str:
    """The report's HTML: plotly.js inlined once, one `<section data-chart=KEY>` per chart."""
    parts = []
    for chart in charts:
        html = None
        if chart.figure is not None:
            html = Markup(chart.figure.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{chart.key}",
                                               config={"displaylogo": False, "responsive": True}))
        parts.append({"chart": chart, "html": html})
    return environment().get_template(TEMPLATE).render(
        charts=parts, database=database, as_of=f"{as_of:%Y-%m-%d %H:%M} UTC",
        generated_at=f"{generated_at:%Y-%m-%d %H:%M} UTC", plotly_version=plotly.__version__,
        plotly_js=Markup(plotly.offline.get_plotlyjs().replace("</script", "<\\/script")))


def write_report(database: Path, out: Path, as_of: datetime | None = None, schema: str = "marts",
                 staging: str = "staging", raw_schema: str = "raw") -> dict:
    """Write the report to ``out`` (an .html file, or a folder that gets index.html) and ``report.json``
    (charts and their headline numbers) beside it; return that manifest."""
    if not Path(database).exists():
        raise ReportError(f"database {database} not found: build the warehouse first (make run) or pass --database")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    as_of = (as_of or now).astimezone(timezone.utc)
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error as exc:
        raise ReportError(f"cannot open {database} ({str(exc).splitlines()[0]}): is a dbt build running?") from exc
    try:
        con.execute("set TimeZone = 'UTC'")
        charts = build_charts(con, as_of, schema, staging, raw_schema)
    finally:
        con.close()
    out = Path(out)
    path = out / "index.html" if out.suffix.lower() not in (".html", ".htm") else out
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(charts, Path(database).name, as_of, now), encoding="utf-8")
    manifest = {"report": str(path), "as_of": as_of.isoformat(),
                "charts": [{"key": c.key, "title": c.title, "source": c.source, "missing": c.missing,
                            "facts": c.facts} for c in charts]}
    (path.parent / "report.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
    return manifest
