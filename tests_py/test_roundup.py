"""Monthly roundup emails (issue 12 part 2): the CLI renders one HTML email per account from the warehouse
built from generated data, and a real headless browser (Playwright driving Debian's chromium, installed by
`make browser`) loads every email: no console or page errors, no external requests, the key numbers of the
mart on the page, and a screenshot with content."""
from __future__ import annotations

import io
import json
import os
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from conftest import query, run_script
from gtm_warehouse.roundup import Roundup, render

pytestmark = pytest.mark.slow
SCREENSHOTS = 8  # screenshots are the slow part: a sample of the emails; DOM checks run on every email


def chromium_path() -> str:
    path = os.environ.get("GTM_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("chromium not found: run `make browser` (apt-get install -y chromium) or set GTM_CHROMIUM")
    return path


@pytest.fixture(scope="module")
def roundups(built_warehouse, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("roundups")
    result = run_script("scripts/render_roundup.py", "--database", str(built_warehouse["database"]),
                        "--out", str(out), check=False)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    return {"out": out, "manifest": manifest, "database": built_warehouse["database"], "stdout": result.stdout}


def test_one_email_per_account_of_the_month(roundups):
    m = roundups["manifest"]
    expected = query(roundups["database"], f"""
        select account_id from marts.rpt_account_monthly_metrics
        where strftime(month_start, '%Y-%m') = '{m["month"]}' order by account_id""")
    assert m["accounts"] == len(expected) > 0
    assert sorted(f["account_id"] for f in m["files"]) == [r[0] for r in expected]
    for f in m["files"]:
        assert (roundups["out"] / f["file"]).stat().st_size > 1000
    assert f"wrote {m['accounts']} roundup emails for {m['month']}" in roundups["stdout"]


def test_latest_complete_month_is_the_default(roundups):
    latest = query(roundups["database"], """
        select max(strftime(month_start, '%Y-%m')) from marts.rpt_account_monthly_metrics where is_month_complete""")
    assert roundups["manifest"]["month"] == latest[0][0]


def test_emails_are_mail_client_safe(roundups):
    for f in roundups["manifest"]["files"]:
        html = (roundups["out"] / f["file"]).read_text()
        assert not re.search(r"<script|<style|<link|<iframe|@import|url\(", html, re.I), f["file"]
        assert 'style="' in html and 'width="600"' in html


def test_values_are_escaped():
    r = Roundup(account_id="a1", account_name="<script>alert(1)</script> & Co", plan_tier="team",
                month=date(2026, 10, 1),
                metrics={"is_month_complete": True, "api_calls": 1234567, "api_calls_last_month": 1000000,
                         "api_calls_change_pct": 23.5, "new_track_events": 2, "new_track_event_names": "A, B",
                         "identified_people_pct": 50.0, "identified_people": 1, "active_people": 2,
                         "sources_set_up": 3, "destinations_set_up": 1},
                recipients=[{"full_name": "Jo", "email": "jo@x.com", "has_deliverable_email": True}])
    html = render(r)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; Co" in html
    assert "1,234,567" in html and "+23.5%" in html and "jo@x.com" in html


def test_cli_errors_are_one_line(tmp_path, roundups):
    missing = run_script("scripts/render_roundup.py", "--database", str(tmp_path / "nope.duckdb"),
                         "--out", str(tmp_path / "o"), check=False)
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1 and "not found" in missing.stderr
    bad = run_script("scripts/render_roundup.py", "--database", str(roundups["database"]), "--month", "2026-13",
                     "--out", str(tmp_path / "o"), check=False)
    assert bad.returncode == 1 and "YYYY-MM" in bad.stderr and "Traceback" not in bad.stderr
    help_ = run_script("scripts/render_roundup.py", "--help")
    assert "--month" in help_.stdout and "--account" in help_.stdout


def test_emails_render_in_headless_chromium(roundups):
    from PIL import Image, ImageStat
    from playwright.sync_api import sync_playwright

    month = roundups["manifest"]["month"]
    rows = query(roundups["database"], f"""
        select account_id, account_name, api_calls, new_track_events, sources_set_up, destinations_set_up
        from marts.rpt_account_monthly_metrics where strftime(month_start, '%Y-%m') = '{month}'""")
    expected = {r[0]: r for r in rows}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 700, "height": 900})
            problems: list[str] = []
            page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
                    if msg.type in ("error", "warning") else None)
            page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
            page.on("request", lambda req: problems.append(f"request: {req.url}")
                    if not req.url.startswith("file://") else None)
            for i, f in enumerate(roundups["manifest"]["files"]):
                page.goto((roundups["out"] / f["file"]).as_uri())
                account_id, name, api_calls, new_tracks, sources, destinations = expected[f["account_id"]]
                assert page.locator('[data-field="account_name"]').inner_text() == name
                assert page.locator('[data-metric="api_calls"]').inner_text() == f"{api_calls:,}"
                assert page.locator('[data-metric="new_track_events"]').inner_text() == f"{new_tracks:,}"
                assert page.locator('[data-metric="sources_set_up"]').inner_text() == f"{sources:,}"
                assert page.locator('[data-metric="destinations_set_up"]').inner_text() == f"{destinations:,}"
                width = page.evaluate("document.querySelector('table[width=\"600\"]').getBoundingClientRect().width")
                assert 590 <= width <= 610, width
                if i < SCREENSHOTS:
                    shot = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("L")
                    assert shot.height > 500
                    stat = ImageStat.Stat(shot)
                    assert stat.stddev[0] > 20, "screenshot is (nearly) blank"
                    assert len(shot.getcolors(maxcolors=1 << 16) or range(1 << 16)) > 16
            assert not problems, problems[:5]
        finally:
            browser.close()
