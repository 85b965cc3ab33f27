"""Docs site and chart report (issue 14 parts 5 and 6), on the session warehouse.

The docs site is built as `make docs` builds it (`dbt docs generate --static` + scripts/docs_site.py); every
model, column, source, exposure, metric and semantic model must be described (manifest + catalog). The chart
report is written by scripts/report.py. One headless Chromium session (Playwright driving Debian's chromium,
as tests_py/test_roundup.py) opens both files from disk: no console or page errors, no request leaves the
file; the docs site's lineage graph opens and draws, a mart's page shows its description and columns; every
chart of the report is drawn (an SVG with marks) and the funnel shows the marts' numbers."""
from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import duckdb
import pytest

from conftest import query, run_dbt, run_script
from gtm_warehouse.docs_site import ICON_BINDING, missing_descriptions
from gtm_warehouse.report import build_charts, render
from test_roundup import chromium_path

pytestmark = pytest.mark.slow
MART = "fct_sessions"  # the mart whose docs page is checked
REPORT_CHARTS = {"traffic", "channels", "funnel", "pipeline_by_model", "roas_by_model", "health", "sla", "nps",
                 "quarantine", "freshness"}


@pytest.fixture(scope="module")
def docs_site(built_warehouse, tmp_path_factory) -> dict:
    """`dbt docs generate --static` on the session warehouse, published with scripts/docs_site.py."""
    workdir = built_warehouse["workdir"]
    run_dbt(["docs", "generate", "--static"], built_warehouse["database"], workdir)
    out = tmp_path_factory.mktemp("docs")
    result = run_script("scripts/docs_site.py", "--target", str(workdir / "target"), "--out", str(out), "--check",
                        check=False)
    target = workdir / "target"
    return {"result": result, "index": out / "index.html",
            "manifest": json.loads((target / "manifest.json").read_text()),
            "catalog": json.loads((target / "catalog.json").read_text())}


@pytest.fixture(scope="module")
def report(built_warehouse, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("report")
    result = run_script("scripts/report.py", "--database", str(built_warehouse["database"]), "--out", str(out),
                        "--as-of", "2026-11-01T00:00:00Z", check=False)
    assert result.returncode == 0, result.stderr
    return {"index": out / "index.html", "manifest": json.loads((out / "report.json").read_text()),
            "stdout": result.stdout, "database": built_warehouse["database"]}


def test_everything_is_described(docs_site):
    assert docs_site["result"].returncode == 0, docs_site["result"].stderr
    gaps = missing_descriptions(docs_site["manifest"], docs_site["catalog"])
    assert gaps == [], f"{len(gaps)} undescribed: {gaps[:20]}"
    # The check saw what it should: marts in the catalog, the semantic layer and the report's exposure.
    assert f"model.gtm_warehouse.{MART}" in docs_site["catalog"]["nodes"]
    assert len(docs_site["manifest"]["metrics"]) >= 20 and len(docs_site["manifest"]["semantic_models"]) >= 8
    assert "exposure.gtm_warehouse.gtm_chart_report" in docs_site["manifest"]["exposures"]
    html = docs_site["index"].read_text()
    assert ICON_BINDING[0] not in html and "require('./assets" not in html and len(html) > 1_000_000


def test_missing_descriptions_are_named():
    manifest = {
        "nodes": {
            "model.gtm_warehouse.m": {"package_name": "gtm_warehouse", "resource_type": "model", "name": "m",
                                      "description": "", "columns": {"a": {"description": "A."},
                                                                     "b": {"description": " "}}},
            "model.other.x": {"package_name": "other", "resource_type": "model", "name": "x", "description": ""},
        },
        "sources": {"source.gtm_warehouse.s.t": {"package_name": "gtm_warehouse", "source_name": "s", "name": "t",
                                                 "description": "T.", "source_description": "S.", "columns": {}}},
        "exposures": {"exposure.gtm_warehouse.e": {"package_name": "gtm_warehouse", "name": "e", "description": ""}},
        "metrics": {"metric.gtm_warehouse.k": {"package_name": "gtm_warehouse", "name": "k", "description": "K."}},
        "semantic_models": {"semantic_model.gtm_warehouse.sm": {
            "package_name": "gtm_warehouse", "name": "sm", "description": "SM.", "entities": [{"name": "id"}],
            "dimensions": [{"name": "d", "description": None}], "measures": [{"name": "n", "description": "N."}]}},
    }
    catalog = {"nodes": {"model.gtm_warehouse.m": {"columns": {"A": {}, "C": {}}}},
               "sources": {"source.gtm_warehouse.s.t": {"columns": {"z": {}}}}}
    assert missing_descriptions(manifest, catalog) == [
        "exposure e", "model m", "model m.b", "model m.c (in the warehouse, not in YAML)",
        "semantic_model sm.d (dimension)", "source s.t.z (in the warehouse, not in YAML)"]


def test_report_numbers_are_the_marts(report):
    charts = {c["key"]: c for c in report["manifest"]["charts"]}
    assert set(charts) == REPORT_CHARTS and not any(c["missing"] for c in charts.values())
    assert f"wrote {report['index']} (10 of 10 charts)" in report["stdout"]
    db = report["database"]
    conversions = dict(query(db, "select conversion_type, count(*) from marts.fct_conversions group by all"))
    assert charts["funnel"]["facts"] == {
        "people": query(db, "select count(*) from marts.dim_people")[0][0],
        "signups": conversions.get("signed_up", 0), "leads": conversions.get("lead_created", 0),
        "MQLs": conversions.get("mql", 0), "opportunities": conversions.get("opportunity_created", 0),
        "won deals": conversions.get("closed_won", 0)}
    assert charts["sla"]["facts"] == dict(zip(("tickets", "breached"), query(db, """
        select count(*), count(*) filter (where is_sla_breached) from marts.fct_support_ticket_slas""")[0]))
    assert charts["quarantine"]["facts"]["rows"] == query(db, "select count(*) from staging.stg_quarantine__rows")[0][0]
    assert charts["traffic"]["facts"]["sessions"] == query(
        db, "select count(*) from marts.fct_sessions where not is_internal")[0][0]
    assert charts["pipeline_by_model"]["facts"]["attribution_models"] == 9
    tables = query(db, "select count(*) from information_schema.tables where table_schema = 'raw'")[0][0]
    assert charts["freshness"]["facts"]["tables"] == tables


def test_report_without_marts_says_what_is_missing(tmp_path):
    """A warehouse without the marts (e.g. before the first build): every chart names what is absent."""
    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    try:
        charts = build_charts(con, datetime(2026, 11, 1, tzinfo=timezone.utc))
    finally:
        con.close()
    missing = [c for c in charts if c.missing]
    assert {c.key for c in charts} == REPORT_CHARTS and len(missing) == 9
    assert all("not built in this warehouse" in c.missing for c in missing)
    html = render(charts, "empty.duckdb", datetime(2026, 11, 1, tzinfo=timezone.utc), datetime.now(timezone.utc))
    assert html.count('data-missing="true"') == 9 and "marts.fct_sessions" in html


def test_report_cli_errors_are_one_line(tmp_path):
    missing = run_script("scripts/report.py", "--database", str(tmp_path / "nope.duckdb"), "--out", str(tmp_path),
                         check=False)
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1 and "not found" in missing.stderr
    bad = run_script("scripts/report.py", "--as-of", "yesterday", check=False)
    assert bad.returncode == 2 and "ISO-8601" in bad.stderr and "Traceback" not in bad.stderr
    assert "--as-of" in run_script("scripts/report.py", "--help").stdout


def test_docs_site_and_report_in_headless_chromium(docs_site, report):
    from PIL import Image, ImageStat
    from playwright.sync_api import sync_playwright

    node = docs_site["manifest"]["nodes"][f"model.gtm_warehouse.{MART}"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            problems: list[str] = []
            page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text[:300]}")
                    if msg.type in ("error", "warning") else None)
            page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
            page.on("request", lambda req: problems.append(f"request: {req.url[:200]}")
                    if not req.url.startswith(("file://", "data:")) else None)
            page.on("requestfailed", lambda req: problems.append(f"failed: {req.url[:200]}"))

            # Docs site: the mart's page shows its description and every documented column.
            page.goto(f"{docs_site['index'].as_uri()}#!/model/model.gtm_warehouse.{MART}")
            page.wait_for_selector(f"h1:has-text('{MART}')", timeout=30_000)
            body = page.locator("body").inner_text()
            assert node["description"].split(".")[0].strip() in " ".join(body.split())
            shown = set(page.locator("table tr td:first-child").all_inner_texts())
            columns = set(node["columns"])
            assert columns and columns <= {c.strip() for c in shown}, columns - shown
            # The lineage graph opens and draws the mart's neighbourhood on its canvas.
            page.click('a[title="View Lineage Graph"]')
            graph = page.locator("#cy")
            graph.wait_for(state="visible", timeout=30_000)
            page.wait_for_timeout(1500)  # cytoscape's layout animation
            box = graph.bounding_box()
            assert box and box["width"] > 200 and box["height"] > 200
            shot = Image.open(io.BytesIO(graph.screenshot())).convert("L")
            assert ImageStat.Stat(shot).stddev[0] > 5, "lineage graph is blank"
            assert page.locator("canvas").count() > 0

            # Report: every chart drawn (an SVG whose traces have visible marks: bars, lines), none missing;
            # the funnel shows the marts' numbers.
            page.goto(report["index"].as_uri())
            page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length > 0")
            drawn = page.evaluate("""() => Array.from(document.querySelectorAll('section[data-chart]')).map(s => [
                s.dataset.chart,
                s.querySelectorAll('.js-plotly-plot svg.main-svg').length,
                Array.from(s.querySelectorAll('.js-plotly-plot g.trace path')).filter(m => {
                    const b = m.getBBox(); return b.width > 0 && b.height > 0; }).length])""")
            assert {k for k, _, _ in drawn} == REPORT_CHARTS
            assert all(svgs > 0 and marks > 0 for _, svgs, marks in drawn), drawn
            funnel = page.evaluate("document.getElementById('chart-funnel').data[0].x")
            facts = next(c for c in report["manifest"]["charts"] if c["key"] == "funnel")["facts"]
            assert funnel == list(facts.values())
            assert not problems, problems[:5]
        finally:
            browser.close()
