"""A company with Segment data only: every other source switched off, the project still builds."""
from __future__ import annotations

from datetime import datetime

from conftest import ALL_SOURCES_OFF, FIXTURES, query, run_dbt, run_script


def test_builds_on_segment_data_alone(tmp_path):
    database = tmp_path / "gtm.duckdb"  # one name for every Segment-only build: they share a dbt parse
    run_script("scripts/load_raw.py", "--from", str(FIXTURES / "segment_only"), "--database", str(database), "--quiet")
    result = run_dbt(["build", "--vars", ALL_SOURCES_OFF], database, tmp_path)
    assert "Completed successfully" in result.stdout
    # raw p1 is delivered twice, p3 has placeholder ids only, p4 an unparseable and p5 a far-future timestamp
    assert query(database, "select message_id, duplicates_removed from staging.stg_segment__pages order by 1") == [
        ("p1", 1), ("p2", 0)]
    assert query(database, "select record_key, quarantine_reason from staging.stg_quarantine__rows order by 1") == [
        ("p3", "missing_identity"), ("p4", "unparseable_timestamp"), ("p5", "timestamp_in_future")]
    # no model of a switched-off source exists
    assert query(database, "select count(*) from information_schema.tables where table_name like 'stg_crm__%'") == [(0,)]


def test_builds_on_page_calls_alone(tmp_path):
    """dbt-labs/segment's sample shape: pages only, no original_timestamp, no uuid_ts, Postgres-style times."""
    database = tmp_path / "gtm.duckdb"
    run_script("scripts/load_raw.py", "--from", str(FIXTURES / "pages_only"), "--database", str(database), "--quiet")
    result = run_dbt(["build", "--vars", ALL_SOURCES_OFF], database, tmp_path)
    assert "Completed successfully" in result.stdout
    # loaded_at falls back to received_at; event_at is the timestamp, read as UTC
    assert query(database, "select message_id, event_at, loaded_at = received_at from staging.stg_segment__pages "
                           "order by 1") == [
        ("ajs-0001", datetime(2015, 2, 23, 22, 28, 54), True), ("ajs-0002", datetime(2015, 2, 23, 22, 31, 1), True)]
    # without timestamp and original_timestamp the time of ajs-0003 cannot be known
    assert query(database, "select record_key, quarantine_reason from staging.stg_quarantine__rows") == [
        ("ajs-0003", "unparseable_timestamp")]
    assert query(database, "select count(*), count(distinct person_id) from marts.fct_events") == [(2, 1)]
