"""Monthly roundup emails: one HTML email per account, rendered from the customer-success marts.

Reads ``marts.rpt_account_monthly_metrics`` (the numbers), ``marts.rpt_account_roundup_recipients`` (who
gets it), ``marts.rpt_workspace_onboarding`` (next recommended step) and ``marts.fct_feature_adoption``
(features the account does not use yet). Marts only: an export never reads staging.

The HTML follows what mail clients accept: table layout, inline ``style`` attributes only (no ``<style>``
block, no external CSS, no scripts, no web fonts), fixed 600 px width, and every value escaped by Jinja2's
autoescape.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE = "roundup_email.html.j2"
REQUIRED_RELATIONS = ("rpt_account_monthly_metrics", "rpt_account_roundup_recipients")
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class RoundupError(Exception):
    """An error the user can act on (one line, shown without a traceback)."""


@dataclass
class Roundup:
    """Everything one account's email shows."""

    account_id: str
    account_name: str
    plan_tier: str | None
    month: date
    metrics: dict
    recipients: list[dict] = field(default_factory=list)
    next_step: dict | None = None
    features_to_try: list[dict] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        return f"{self.account_id}.html"


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _relations(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = ?", [schema]).fetchall()
    return {r[0] for r in rows}


def pick_month(con: duckdb.DuckDBPyConnection, schema: str, month: str | None) -> date:
    """The month to report: ``YYYY-MM`` if given, else the latest complete month in the mart."""
    if month is not None:
        if not MONTH_RE.match(month):
            raise RoundupError(f"--month {month!r} is not YYYY-MM (e.g. 2026-10)")
        wanted = date(int(month[:4]), int(month[5:7]), 1)
        found = con.execute(
            f"select count(*) from {schema}.rpt_account_monthly_metrics where cast(month_start as date) = ?",
            [wanted]).fetchall()[0][0]
        if not found:
            raise RoundupError(f"no roundup rows for {month} in {schema}.rpt_account_monthly_metrics: "
                               "pick a month the warehouse covers")
        return wanted
    latest = con.execute(
        f"select max(cast(month_start as date)) from {schema}.rpt_account_monthly_metrics "
        "where is_month_complete").fetchall()[0][0]
    if latest is None:
        latest = con.execute(
            f"select max(cast(month_start as date)) from {schema}.rpt_account_monthly_metrics").fetchall()[0][0]
    if latest is None:
        raise RoundupError(f"{schema}.rpt_account_monthly_metrics is empty: build the warehouse with data first")
    return latest


def load_roundups(con: duckdb.DuckDBPyConnection, month: date, schema: str = "marts",
                  accounts: list[str] | None = None, features_to_suggest: int = 2) -> list[Roundup]:
    """One :class:`Roundup` per account with a row in ``month`` (optionally only ``accounts``)."""
    missing = [r for r in REQUIRED_RELATIONS if r not in _relations(con, schema)]
    if missing:
        raise RoundupError(f"{schema}.{missing[0]} not found: build the warehouse first (make run or dbt build)")
    present = _relations(con, schema)
    where = "cast(month_start as date) = ?"
    params: list = [month]
    if accounts:
        where += f" and account_id in ({', '.join('?' for _ in accounts)})"
        params += list(accounts)
    metrics = _rows(con, f"""
        select account_id, account_name, current_plan_tier, is_month_complete, api_calls, api_calls_last_month,
               api_calls_change_pct, new_track_events, new_track_event_names, active_people, identified_people,
               identified_people_pct, events, sources_set_up, destinations_set_up
        from {schema}.rpt_account_monthly_metrics where {where} order by account_id""", params)
    if accounts:
        unknown = sorted(set(accounts) - {m["account_id"] for m in metrics})
        if unknown:
            raise RoundupError(f"account {unknown[0]} has no roundup for {month:%Y-%m}")
    recipients: dict[str, list[dict]] = {}
    for r in _rows(con, f"""
            select account_id, full_name, email, events_in_month, is_most_active, is_recently_added,
                   has_deliverable_email
            from {schema}.rpt_account_roundup_recipients where cast(month_start as date) = ?
            order by account_id, is_most_active desc, events_in_month desc, email""", [month]):
        recipients.setdefault(r["account_id"], []).append(r)
    steps: dict[str, dict] = {}
    if "rpt_workspace_onboarding" in present:
        for r in _rows(con, f"""select account_id, onboarding_state, next_step, next_step_doc_url
                                from {schema}.rpt_workspace_onboarding where account_id is not null"""):
            steps[r["account_id"]] = r
    features: dict[str, list[dict]] = {}
    if "fct_feature_adoption" in present:
        for r in _rows(con, f"""select account_id, feature_name, docs_url from {schema}.fct_feature_adoption
                                where not is_adopter order by account_id, launched_at desc, feature_name"""):
            lst = features.setdefault(r["account_id"], [])
            if len(lst) < features_to_suggest:
                lst.append(r)
    return [Roundup(account_id=m["account_id"], account_name=m["account_name"] or m["account_id"],
                    plan_tier=m["current_plan_tier"], month=month, metrics=m,
                    recipients=recipients.get(m["account_id"], []), next_step=steps.get(m["account_id"]),
                    features_to_try=features.get(m["account_id"], []))
            for m in metrics]


def _number(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def _change(value) -> str:
    if value is None:
        return "no calls last month"
    return f"{value:+.1f}%"


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html", "j2"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["number"] = _number
    env.filters["change"] = _change
    return env


def render(roundup: Roundup, env: Environment | None = None) -> str:
    """The email's HTML."""
    env = env or environment()
    return env.get_template(TEMPLATE).render(r=roundup, m=roundup.metrics,
                                             month_label=roundup.month.strftime("%B %Y"))


def write_roundups(database: Path, out: Path, month: str | None = None, accounts: list[str] | None = None,
                   schema: str = "marts") -> dict:
    """Render every account's roundup into ``out`` (one ``<account_id>.html`` each) plus ``manifest.json``."""
    if not Path(database).exists():
        raise RoundupError(f"database {database} not found: build the warehouse first (make run) or pass --database")
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.IOException as exc:
        raise RoundupError(f"cannot open {database} ({str(exc).splitlines()[0]}): is a dbt build running?") from exc
    try:
        chosen = pick_month(con, schema, month)
        roundups = load_roundups(con, chosen, schema, accounts)
    finally:
        con.close()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    env = environment()
    files = []
    for r in roundups:
        (out / r.file_name).write_text(render(r, env), encoding="utf-8")
        files.append({"account_id": r.account_id, "account_name": r.account_name, "file": r.file_name,
                      "recipients": [x["email"] for x in r.recipients if x["has_deliverable_email"]]})
    manifest = {"month": f"{chosen:%Y-%m}", "accounts": len(files), "files": files}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest
