"""Compare a built warehouse with the generator's ground truth.

Each check returns named figures (``name: value``); `scripts/truth_report.py` prints them and the
pytest suite asserts on them. The truth files are read here only, never by dbt models.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from gtm_warehouse.contract import load_contract


def connect(database: Path, truth: Path) -> duckdb.DuckDBPyConnection:
    """Read-only warehouse connection with the truth files as views `truth_<name>`."""
    con = duckdb.connect(str(database), read_only=True)
    for name in ("events", "identities", "people", "accounts", "sessions"):
        path = truth / f"{name}.parquet"
        if path.exists():
            con.execute(f"create temp view truth_{name} as select * from read_parquet('{path}')")
    return con


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    return con.execute(sql).fetchall()[0]


def staging_figures(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """How exactly staging reproduces the truth: kept rows, quarantine reasons, dedup and event times."""
    segment_tables = [t.name for t in load_contract().values() if t.source == "segment"]
    staged_union = "\nunion all\n".join(
        f"select '{t}' as table_name, message_id, event_at, duplicates_removed from staging.stg_segment__{t}"
        for t in segment_tables
    )
    con.execute(f"create or replace temp view staged_events as {staged_union}")
    staged_truth, staged_found, staged_extra = _one(con, """
        with truth as (
            select table_name, message_id from truth_events where expected_quarantine_reason is null
        )
        select
            (select count(*) from truth),
            (select count(*) from truth join staged_events using (table_name, message_id)),
            (select count(*) from staged_events anti join truth using (table_name, message_id))
    """)
    quarantine_truth, quarantine_found, quarantine_extra = _one(con, """
        with truth as (
            select table_name, message_id, expected_quarantine_reason as reason
            from truth_events where expected_quarantine_reason is not null
        ),
        found as (
            select distinct source_table as table_name, record_key as message_id, quarantine_reason as reason
            from staging.stg_quarantine__rows where source_name = 'segment'
        )
        select
            (select count(*) from truth),
            (select count(*) from truth join found using (table_name, message_id, reason)),
            (select count(*) from found anti join truth using (table_name, message_id, reason))
    """)
    dup_truth, dup_found = _one(con, """
        select
            (select coalesce(sum(n_copies - 1), 0) from truth_events where expected_quarantine_reason is null),
            (select coalesce(sum(duplicates_removed), 0) from staged_events)
    """)
    time_rows, time_exact, derived_rows, derived_exact = _one(con, """
        select
            count(*),
            count(*) filter (where abs(epoch_ms(s.event_at) - epoch_ms(t.event_time)) <= 1),
            count(*) filter (where t.defect in ('null_timestamp', 'clock_skew')),
            count(*) filter (where t.defect in ('null_timestamp', 'clock_skew')
                             and abs(epoch_ms(s.event_at) - epoch_ms(t.event_time)) <= 1)
        from staged_events as s
        join truth_events as t using (table_name, message_id)
    """)
    return {
        "staging_rows_expected": staged_truth,
        "staging_recall": staged_found / staged_truth if staged_truth else 1.0,
        "staging_unexpected_rows": staged_extra,
        "quarantine_rows_expected": quarantine_truth,
        "quarantine_recall": quarantine_found / quarantine_truth if quarantine_truth else 1.0,
        "quarantine_unexpected_rows": quarantine_extra,
        "duplicates_expected": dup_truth,
        "duplicates_removed": dup_found,
        "event_at_exact_share": time_exact / time_rows if time_rows else 1.0,
        "event_at_exact_share_skewed_or_derived": derived_exact / derived_rows if derived_rows else 1.0,
    }
