"""Support SLA marts against an independent computation in Python.

Every ticket of the test warehouse is recomputed from staging and the SLA seeds (read from the CSV files,
not from the warehouse): the tier at creation, the agent responses, the business-hours arithmetic (a plain
walk over the days, no cumulative calendar) and the breach flags; the mart must agree on every ticket.
"""
from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path

import duckdb
import pytest

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FALLBACK_TIER, FALLBACK_PRIORITY = "free", "normal"  # dbt_project.yml vars gtm__sla_fallback_*
DONE = {"solved", "closed"}


def _seed(name: str) -> list[dict]:
    with open(SEEDS / f"{name}.csv", newline="") as f:
        return list(csv.DictReader(f))


class BusinessClock:
    """Business time from the business_hours and holidays seeds, one day at a time."""

    def __init__(self) -> None:
        def minutes(hhmm: str) -> int:
            return int(hhmm[:2]) * 60 + int(hhmm[3:5])

        self.hours = {int(r["iso_day_of_week"]): (minutes(r["opens_at"]), minutes(r["closes_at"]))
                      for r in _seed("business_hours")}
        self.holidays = {date.fromisoformat(r["holiday_date"]) for r in _seed("holidays")}

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        if day in self.holidays or day.isoweekday() not in self.hours:
            return None
        opens, closes = self.hours[day.isoweekday()]
        start = datetime.combine(day, time()) + timedelta(minutes=opens)
        return start, datetime.combine(day, time()) + timedelta(minutes=closes)

    def elapsed(self, a: datetime, b: datetime) -> timedelta:
        total, day = timedelta(0), a.date()
        while day <= b.date():
            w = self.window(day)
            if w:
                lo, hi = max(a, w[0]), min(b, w[1])
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total

    def due(self, start: datetime, target: timedelta) -> datetime:
        left, day = target, start.date()
        while True:
            w = self.window(day)
            if w:
                lo = max(start, w[0])
                if w[1] > lo:
                    if w[1] - lo >= left:
                        return lo + left
                    left -= w[1] - lo
            day += timedelta(days=1)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _erased_support_users(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Hashes (md5 of the id as text) of the support users erased by a deletion request: their tickets, and
    their comments, are left out of the warehouse on purpose (right to erasure)."""
    return {h for (h,) in con.execute("""select identifier_hash from intermediate.int_erased_identifiers
                                         where identifier_type = 'support_user_id'""").fetchall()}


def _is_erased(user_id, erased: set[str]) -> bool:
    return user_id is not None and hashlib.md5(str(user_id).encode()).hexdigest() in erased


def expected_slas(con: duckdb.DuckDBPyConnection) -> dict[int, dict]:
    erased = _erased_support_users(con)
    tickets = [t for t in _rows(con, "select * from staging.stg_support__tickets")
               if not _is_erased(t["requester_id"], erased)]
    kept_ticket_ids = {t["ticket_id"] for t in tickets}
    users = {r["support_user_id"]: r for r in _rows(con, "select * from staging.stg_support__users")}
    orgs = {r["organization_id"]: r["workspace_id"] for r in _rows(con, "select * from staging.stg_support__organizations")}
    accounts = {r["workspace_id"]: r["account_id"] for r in _rows(
        con, "select workspace_id, account_id from marts.dim_accounts where workspace_id is not null")}
    periods = defaultdict(list)
    for r in _rows(con, "select * from marts.dim_account_plan_periods"):
        periods[r["account_id"]].append(r)
    comments = defaultdict(list)
    for r in _rows(con, "select * from staging.stg_support__ticket_comments"):
        if r["ticket_id"] in kept_ticket_ids and not _is_erased(r["author_id"], erased):
            comments[r["ticket_id"]].append(r)
    policies = {(r["plan_tier"], r["priority"], r["sla_metric"]): (int(r["target_minutes"]), r["uses_business_hours"] == "true")
                for r in _seed("sla_policies")}
    clock = BusinessClock()
    as_of = max([t["updated_at"] for t in tickets] + [c["created_at"] for cs in comments.values() for c in cs])

    out = {}
    for t in tickets:
        workspace = orgs.get(t["organization_id"]) or orgs.get((users.get(t["requester_id"]) or {}).get("organization_id"))
        account = accounts.get(workspace)
        live = [p for p in periods.get(account, []) if p["valid_from"] <= t["created_at"]
                and (p["valid_to"] is None or t["created_at"] < p["valid_to"])]
        live.sort(key=lambda p: (-p["tier_rank"], -p["valid_from"].timestamp(), p["subscription_id"]))
        tier = live[0]["plan_tier"] if live else FALLBACK_TIER
        priority = t["priority"] or FALLBACK_PRIORITY

        public = []  # (time, id, is agent response, is customer comment)
        for c in comments[t["ticket_id"]]:
            if not c["is_public"] or c["created_at"] < t["created_at"]:
                continue  # internal notes and clock errors
            role = (users.get(c["author_id"]) or {}).get("user_role")
            agent = role in ("agent", "admin")
            customer = not agent and (c["author_id"] == t["requester_id"] or c["author_id"] in users)
            public.append((c["created_at"], c["ticket_comment_id"], agent, customer))
        public.sort(key=lambda x: (x[0], x[1]))

        starts = [("first_reply_time", t["created_at"], -1)]
        for i in range(1, len(public)):
            if public[i][3] and public[i - 1][2]:
                starts.append(("next_reply_time", public[i][0], i))
        clocks = []
        for metric, started, pos in starts:
            target, business = policies[(tier, priority, metric)]
            responses = [p[0] for p in public[pos + 1:] if p[2]]
            fulfilled = min(responses) if responses else None
            if fulfilled is not None:
                until = fulfilled
            elif t["ticket_status"] in DONE:
                until = max(t["updated_at"], started)
            else:
                until = max(as_of, started)
            if business:
                due = clock.due(started, timedelta(minutes=target))
                elapsed = clock.elapsed(started, until)
            else:
                due = started + timedelta(minutes=target)
                elapsed = until - started
            clocks.append({"metric": metric, "due": due, "fulfilled": fulfilled,
                           "elapsed": elapsed.total_seconds() / 60, "breached": until > due})
        first = clocks[0]
        nexts = clocks[1:]
        out[t["ticket_id"]] = {
            "sla_plan_tier": tier, "first_reply_due_at": first["due"], "first_agent_response_at": first["fulfilled"],
            "first_reply_elapsed_minutes": first["elapsed"], "is_first_reply_breached": first["breached"],
            "next_reply_clocks": len(nexts), "next_reply_breaches": sum(c["breached"] for c in nexts),
        }
    return out


@pytest.fixture(scope="module")
def slas(built_warehouse):
    con = duckdb.connect(str(built_warehouse["database"]), read_only=True)
    try:
        expected = expected_slas(con)
        built = {r["ticket_id"]: r for r in _rows(con, "select * from marts.fct_support_ticket_slas")}
    finally:
        con.close()
    return expected, built


def test_every_ticket_has_one_sla_row(slas):
    expected, built = slas
    assert len(expected) > 100
    assert set(built) == set(expected)


def test_sla_breach_and_elapsed_time_match_an_independent_computation(slas):
    expected, built = slas
    mismatches = []
    for ticket_id, want in expected.items():
        got = built[ticket_id]
        for column, value in want.items():
            ok = (abs(got[column] - value) < 1e-6) if column == "first_reply_elapsed_minutes" else got[column] == value
            if not ok:
                mismatches.append((ticket_id, column, got[column], value))
    assert not mismatches, f"{len(mismatches)} mismatches, e.g. {mismatches[:5]}"


def test_the_data_exercises_breaches_and_business_hours(slas):
    expected, _ = slas
    breached = sum(v["is_first_reply_breached"] for v in expected.values())
    assert 0 < breached < len(expected)
    assert any(v["next_reply_clocks"] for v in expected.values())
