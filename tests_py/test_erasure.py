"""Right to erasure: a deletion request erases its person from every intermediate and mart model on the
next (incremental) build; after scripts/purge_raw.py the warehouse equals one built from data that never
held those people. Small data: three builds of a few thousand events."""
from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from conftest import TRUTH_AS_OF, run_script

from gtm_warehouse import workflow
from gtm_warehouse.purge import purge

SCHEMAS = ("intermediate", "marts")
# The erasure list itself differs by construction (its requests are gone from the never-held data).
LEDGER = {"int_erased_identifiers"}
RUN = ["run"]


def _relations(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str]]:
    rows = con.execute(f"""
        select table_schema, table_name from information_schema.tables
        where table_catalog = '{catalog}' and table_schema in {SCHEMAS}
        order by 1, 2
    """).fetchall()
    return [(s, t) for s, t in rows if t not in LEDGER]


# KNOWN GAPS, open defects, listed so that every other relation stays checked (to be emptied, not extended).
KNOWN_ERASURE_GAPS: set[str] = set()

# Deletion requests added by the test, one per kind of personal row that reaches the team marts from a
# source other than Segment: a CRM lead (sales and marketing marts), a support ticket requester (SLA marts,
# health) and an NPS respondent (NPS marts, health). Each names the person by email, as a real request does.
PLANTED_REQUESTS = """
    select 'dsr_test_lead' as id, (
        select email from raw.crm_leads
        where email like '%@%' and not coalesce(is_deleted, false) order by id limit 1) as email
    union all
    select 'dsr_test_ticket', (
        select u.email from raw.support_users as u join raw.support_tickets as t on t.requester_id = u.id
        where u.role = 'end-user' and u.email like '%@%' order by t.id limit 1)
    union all
    select 'dsr_test_survey', (
        select respondent_email from raw.survey_responses
        where survey_type = 'nps' and respondent_email like '%@%' order by id desc limit 1)
"""
# Rows of the planted people in the marts fed by those sources (raw ids of their rows, matched in the marts).
PLANTED_ROWS = {
    "int_leads_resolved": """
        select count(*) from intermediate.int_leads_resolved
        where lead_id in (select id from main.planted_ids where kind = 'lead')""",
    "fct_mql_episodes": """
        select count(*) from marts.fct_mql_episodes
        where lead_id in (select id from main.planted_ids where kind = 'lead')""",
    "fct_conversions": """
        select count(*) from marts.fct_conversions
        where lead_id in (select id from main.planted_ids where kind = 'lead')""",
    "fct_support_ticket_slas": """
        select count(*) from marts.fct_support_ticket_slas
        where cast(ticket_id as varchar) in (select id from main.planted_ids where kind = 'ticket')""",
    "fct_nps_responses": """
        select count(*) from marts.fct_nps_responses
        where response_id in (select id from main.planted_ids where kind = 'survey')""",
}
PLANTED_IDS = """
    create or replace table main.planted_ids as
    select 'lead' as kind, l.id from raw.crm_leads as l join main.planted as p on lower(l.email) = p.email
        where p.id = 'dsr_test_lead'
    union all
    select 'ticket', cast(t.id as varchar) from raw.support_tickets as t
        join raw.support_users as u on t.requester_id = u.id join main.planted as p on lower(u.email) = p.email
        where p.id = 'dsr_test_ticket'
    union all
    select 'survey', r.id from raw.survey_responses as r join main.planted as p on lower(r.respondent_email) = p.email
        where p.id = 'dsr_test_survey'
"""


def _differences(left, right) -> dict:
    con = duckdb.connect()
    con.execute(f"attach '{left}' as l (read_only)")
    con.execute(f"attach '{right}' as r (read_only)")
    relations = _relations(con, "l")
    assert relations == _relations(con, "r")
    differences = {}
    for schema, table in relations:
        only_left, only_right = con.execute(f"""
            select
                (select count(*) from (select * from l.{schema}.{table} except all select * from r.{schema}.{table})),
                (select count(*) from (select * from r.{schema}.{table} except all select * from l.{schema}.{table}))
        """).fetchall()[0]
        if (only_left or only_right) and f"{schema}.{table}" not in KNOWN_ERASURE_GAPS:
            differences[f"{schema}.{table}"] = (only_left, only_right)
    return differences


def _count(database, sql: str) -> int:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(sql).fetchall()[0][0]
    finally:
        con.close()


# fct_events rows holding an identifier that a (usable, applying) deletion request names
REQUESTED_EVENTS = """
    select count(*) from marts.fct_events as e
    join staging.stg_privacy__deletion_requests as r
        on e.user_id = r.user_id or e.anonymous_id = r.anonymous_id
    where r.request_status in ('pending', 'completed')
"""


@pytest.fixture(scope="module")
def erasure_builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("erasure")
    raw = root / "raw"
    workflow.generate(raw, root / "truth", events=6_000, seed=5, as_of=TRUTH_AS_OF)

    # A: built before the deletion requests arrive, then incrementally after they do (raw untouched)
    erased = root / "erased.duckdb"
    workflow.load(raw, erased)
    con = duckdb.connect(str(erased))
    con.execute("create table main.held_requests as select * from raw.privacy_deletion_requests")
    con.execute("delete from raw.privacy_deletion_requests")
    con.execute(f"create table main.planted as select id, lower(email) as email from ({PLANTED_REQUESTS})")
    con.execute("""
        insert into main.held_requests by name
        select id, email, 'pending' as status, timestamp '2026-10-15 00:00:00' as requested_at,
            timestamp '2026-10-31 00:00:00' as _loaded_at
        from main.planted where email is not null
    """)
    con.execute(PLANTED_IDS)
    con.close()
    workflow.dbt(["seed"], erased, root / "w_erased")
    workflow.dbt(RUN, erased, root / "w_erased")
    planted_before = {name: _count(erased, sql) for name, sql in PLANTED_ROWS.items()}
    con = duckdb.connect(str(erased))
    con.execute("insert into raw.privacy_deletion_requests select * from main.held_requests")
    con.execute("drop table main.held_requests")
    con.close()
    before = _count(erased, REQUESTED_EVENTS)  # built before the requests: their people are there
    workflow.dbt(RUN, erased, root / "w_erased")

    # B: a copy of A, raw purged, then another incremental run
    purged = root / "purged.duckdb"
    shutil.copy(erased, purged)
    log = root / "purge_log.jsonl"
    records = purge(purged, log=log)
    workflow.dbt(RUN, purged, root / "w_purged")

    # C: data that never held those people (nor their requests), built from scratch
    never = root / "never.duckdb"
    shutil.copy(purged, never)
    con = duckdb.connect(str(never))
    con.execute("delete from raw.privacy_deletion_requests")
    con.close()
    workflow.dbt([*RUN, "--full-refresh"], never, root / "w_never")
    return {"erased": erased, "purged": purged, "never": never, "records": records, "log": log,
            "requested_events_before": before, "planted_before": planted_before}


def test_requests_resolve_and_erase_rows(erasure_builds):
    """The comparisons below are only meaningful if the requests erased something on the incremental run."""
    assert erasure_builds["requested_events_before"] > 0
    assert _count(erasure_builds["erased"], "select count(distinct deletion_request_id) "
                                            "from intermediate.int_erased_identifiers") > 0
    assert sum(r["rows"] for r in erasure_builds["records"]) > 0
    assert _count(erasure_builds["erased"], REQUESTED_EVENTS) == 0


def test_team_marts_erase_leads_tickets_and_survey_responses(erasure_builds):
    """A lead, a support ticket and an NPS response, rows that enter from the CRM, the support desk and the
    survey tool (not Segment), are in the team marts before their person's request and gone after the
    incremental run that applies it (raw untouched)."""
    before = erasure_builds["planted_before"]
    assert all(before[name] > 0 for name in ("int_leads_resolved", "fct_support_ticket_slas", "fct_nps_responses")), before
    after = {name: _count(erasure_builds["erased"], sql) for name, sql in PLANTED_ROWS.items()}
    assert after == {name: 0 for name in PLANTED_ROWS}, after


def test_erasure_in_the_warehouse_equals_data_that_never_held_them(erasure_builds):
    """Requests applied by an incremental run, raw untouched == raw without those people, full refresh."""
    differences = _differences(erasure_builds["erased"], erasure_builds["never"])
    assert not differences, f"rows only in the erased build, only in the never-held build: {differences}"


def test_build_after_purge_equals_data_that_never_held_them(erasure_builds):
    differences = _differences(erasure_builds["purged"], erasure_builds["never"])
    assert not differences, f"rows only in the purged build, only in the never-held build: {differences}"


def test_purge_log_has_request_ids_and_counts_only(erasure_builds):
    lines = [json.loads(line) for line in erasure_builds["log"].read_text().splitlines()]
    assert lines and all(set(line) == {"purged_at", "deletion_request_id", "relation", "rows"} for line in lines)
    # nothing to purge the second time: the rows are gone (the requests themselves are kept)
    assert sum(r["rows"] for r in purge(erasure_builds["purged"], dry_run=True)) == 0
    assert _count(erasure_builds["purged"], "select count(*) from raw.privacy_deletion_requests") > 0


def test_unusable_request_erases_nobody_and_stays_in_quarantine(erasure_builds):
    database = erasure_builds["erased"]
    quarantined = _count(database, """
        select count(*) from staging.stg_quarantine__rows
        where source_table = 'privacy_deletion_requests' and quarantine_reason = 'missing_identifier'
    """)
    assert quarantined >= 2  # the generator plants a placeholder anonymous id and a malformed email
    assert _count(database, """
        select count(*) from intermediate.int_erased_identifiers
        where deletion_request_id like 'dsr_unusable%'
    """) == 0


def test_purge_cli_dry_run_and_errors(erasure_builds, tmp_path):
    dry = run_script("scripts/purge_raw.py", "--database", str(erasure_builds["never"]), "--dry-run")
    assert "would erase 0 rows" in dry.stdout
    missing = run_script("scripts/purge_raw.py", "--database", str(tmp_path / "none.duckdb"), check=False)
    assert missing.returncode == 1 and missing.stderr.startswith("purge_raw: error:")
