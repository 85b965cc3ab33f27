"""scripts/load_raw.py: contract checks, padding of optional columns, atomicity, clear errors."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime

import duckdb
import pytest

from conftest import FIXTURES, PROJECT_DIR, query, run_script

SEGMENT_ONLY = FIXTURES / "segment_only"
PAGES_ONLY = FIXTURES / "pages_only"


def test_loads_csv_folder_and_pads_optional_columns(tmp_path):
    db = tmp_path / "w.duckdb"
    result = run_script("scripts/load_raw.py", "--from", str(SEGMENT_ONLY), "--database", str(db))
    assert "rows into 4 tables" in result.stdout
    assert query(db, "select count(*) from raw.pages") == [(6,)]
    columns = [r[0] for r in query(db, "select column_name from information_schema.columns "
                                       "where table_schema = 'raw' and table_name = 'pages' order by ordinal_position")]
    # contract columns come first, in contract order, even those the file lacks
    assert columns[:3] == ["id", "anonymous_id", "user_id"]
    assert "context_campaign_source" in columns and "context_page_url" in columns
    assert query(db, "select count(*) from raw.pages where context_campaign_source is not null") == [(0,)]
    # per-event tables without a file exist, empty, so Segment-only projects build
    assert query(db, "select count(*) from raw.signed_up") == [(0,)]
    # other sources without files are not created
    assert query(db, "select count(*) from information_schema.tables where table_name = 'crm_leads'") == [(0,)]


def test_missing_required_column_is_named_and_nothing_is_loaded(tmp_path):
    folder = tmp_path / "raw"
    shutil.copytree(SEGMENT_ONLY, folder)
    lines = (folder / "tracks.csv").read_text().splitlines()
    header = lines[0].split(",")
    drop = header.index("received_at")
    (folder / "tracks.csv").write_text("\n".join(",".join(v for i, v in enumerate(l.split(",")) if i != drop) for l in lines))
    db = tmp_path / "w.duckdb"
    result = run_script("scripts/load_raw.py", "--from", str(folder), "--database", str(db), check=False)
    assert result.returncode == 2
    assert "missing required column(s) received_at" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    # validation happens before any write: the database holds no raw table
    assert query(db, "select count(*) from information_schema.tables where table_schema = 'raw'") == [(0,)]


def test_no_segment_table_at_all_is_an_error(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(FIXTURES / "all_sources" / "crm_leads.csv", folder)
    result = run_script("scripts/load_raw.py", "--from", str(folder), "--database", str(tmp_path / "w.duckdb"), check=False)
    assert result.returncode == 2
    assert "no file for any Segment table" in result.stderr and "at least one is required" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_page_calls_only_export_loads_as_it_is(tmp_path):
    """dbt-labs/segment's sample shape: pages only, no original_timestamp, no uuid_ts, Postgres-style times."""
    db = tmp_path / "w.duckdb"
    result = run_script("scripts/load_raw.py", "--from", str(PAGES_ONLY), "--database", str(db))
    # tracks, identifies and groups are created empty, and the summary says so
    assert "no file for Segment table(s) tracks, identifies, groups: created empty" in result.stdout
    for table in ("tracks", "identifies", "groups", "signed_up"):
        assert query(db, f"select count(*) from raw.{table}") == [(0,)]
    # uuid_ts falls back to received_at (said in the summary); original_timestamp is added as NULL
    assert "pages.uuid_ts from received_at" in result.stdout
    assert query(db, "select count(*) from raw.pages where uuid_ts is distinct from received_at") == [(0,)]
    assert query(db, "select count(*), count(original_timestamp) from raw.pages") == [(3, 0)]
    # `2015-02-23 22:28:55` (no T, no zone) loads, as text for device-set columns, typed for received_at
    types = dict(query(db, "select column_name, data_type from information_schema.columns "
                           "where table_schema = 'raw' and table_name = 'pages'"))
    assert types["received_at"] == "TIMESTAMP" and types["timestamp"] == "VARCHAR"


def test_csv_device_timestamps_are_read_as_text_so_late_garbage_never_fails_a_load(tmp_path):
    folder = tmp_path / "raw"
    shutil.copytree(SEGMENT_ONLY, folder)
    header = "id,anonymous_id,user_id,received_at,sent_at,timestamp,original_timestamp,uuid_ts\n"
    good = "2026-10-01T10:00:00Z"
    rows = [f"p{i},anon-{i},,2026-10-01 10:00:01,{good},{good},{good},2026-10-01 10:05:00\n" for i in range(30_000)]
    # beyond the CSV sniffer's sample: a device clock sending garbage
    rows.append(f"bad,anon-x,,2026-10-01 10:00:01,NaN,0000-00-00 00:00:00,NaN,2026-10-01 10:05:00\n")
    (folder / "pages.csv").write_text(header + "".join(rows))
    db = tmp_path / "w.duckdb"
    run_script("scripts/load_raw.py", "--from", str(folder), "--database", str(db), "--quiet")
    assert query(db, "select count(*) from raw.pages") == [(30_001,)]
    assert query(db, "select sent_at, timestamp from raw.pages where id = 'bad'") == [("NaN", "0000-00-00 00:00:00")]


def test_text_columns_keep_their_text_and_numeric_ids_become_text(tmp_path):
    folder = tmp_path / "raw"
    shutil.copytree(SEGMENT_ONLY, folder)
    # ids that look like numbers: CSV keeps leading zeros, parquet int64 ids are cast to text
    (folder / "groups.csv").write_text(
        "id,anonymous_id,user_id,received_at,sent_at,timestamp,uuid_ts,group_id\n"
        "g1,anon-1,007,2026-10-01 10:06:01,2026-10-01T10:06:00Z,2026-10-01T10:06:00Z,2026-10-01 10:07:00,0042\n"
    )
    con = duckdb.connect()
    con.execute(f"copy (select 'st1' as id, 'anon-1' as anonymous_id, 12345 as user_id, "
                f"timestamp '2026-10-01 10:05:01' as received_at, timestamp '2026-10-01 10:05:00' as sent_at, "
                f"timestamp '2026-10-01 10:05:00' as timestamp, timestamp '2026-10-01 10:06:00' as uuid_ts, "
                f"'signed_up' as event, 'Signed Up' as event_text) to '{folder / 'tracks.parquet'}' (format parquet)")
    con.close()
    (folder / "tracks.csv").unlink()
    db = tmp_path / "w.duckdb"
    run_script("scripts/load_raw.py", "--from", str(folder), "--database", str(db), "--quiet")
    assert query(db, "select user_id, group_id from raw.groups") == [("007", "0042")]
    assert query(db, "select user_id from raw.tracks") == [("12345",)]


def test_naive_timestamps_mean_utc_whatever_the_machine_time_zone(tmp_path):
    folder = tmp_path / "raw"
    shutil.copytree(SEGMENT_ONLY, folder)
    # one received_at with an offset, one without: the sniffer types the column TIMESTAMPTZ, and the value
    # without a zone must be read as UTC, not as the loading machine's local time
    (folder / "groups.csv").write_text(
        "id,anonymous_id,user_id,received_at,sent_at,timestamp,uuid_ts,group_id\n"
        "g1,anon-1,usr_1,2026-10-01T12:06:01+02:00,,2026-10-01T10:06:00Z,2026-10-01 10:07:00,ws_1\n"
        "g2,anon-1,usr_1,2026-10-01 10:06:01,,2026-10-01T10:06:00Z,2026-10-01 10:07:00,ws_1\n"
    )
    db = tmp_path / "w.duckdb"
    env = {**os.environ, "TZ": "America/New_York"}
    subprocess.run([sys.executable, "scripts/load_raw.py", "--from", str(folder), "--database", str(db), "--quiet"],
                   cwd=PROJECT_DIR, env=env, check=True, capture_output=True)
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("set TimeZone = 'UTC'")
        assert con.execute("select data_type from information_schema.columns where table_schema = 'raw' "
                           "and table_name = 'groups' and column_name = 'received_at'").fetchall() == [
            ("TIMESTAMP WITH TIME ZONE",)]
        assert con.execute("select distinct cast(received_at as timestamp) from raw.groups").fetchall() == [
            (datetime(2026, 10, 1, 10, 6, 1),)]
    finally:
        con.close()


def test_extra_columns_of_a_real_export_are_kept(tmp_path):
    folder = tmp_path / "raw"
    shutil.copytree(SEGMENT_ONLY, folder)
    lines = (folder / "pages.csv").read_text().splitlines()
    # a custom context field and a custom page property, beyond the contract
    lines = [lines[0] + ",context_traits_plan,properties_seats"] + [line + ",enterprise,3" for line in lines[1:]]
    (folder / "pages.csv").write_text("\n".join(lines) + "\n")
    db = tmp_path / "w.duckdb"
    run_script("scripts/load_raw.py", "--from", str(folder), "--database", str(db), "--quiet")
    columns = [r[0] for r in query(db, "select column_name from information_schema.columns where table_schema = 'raw' "
                                       "and table_name = 'pages' order by ordinal_position")]
    # after the contract's columns, in the file's order
    assert columns[-2:] == ["context_traits_plan", "properties_seats"]
    assert query(db, "select distinct context_traits_plan, properties_seats from raw.pages") == [("enterprise", 3)]


def test_missing_folder_is_an_error(tmp_path):
    result = run_script("scripts/load_raw.py", "--from", str(tmp_path / "nope"), "--database", str(tmp_path / "w.duckdb"), check=False)
    assert result.returncode == 2
    assert "is not a folder" in result.stderr


def test_append_adds_rows_and_keeps_extra_columns(tmp_path):
    db = tmp_path / "w.duckdb"
    run_script("scripts/load_raw.py", "--from", str(SEGMENT_ONLY), "--database", str(db))
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "pages.csv").write_text(
        "id,anonymous_id,user_id,received_at,sent_at,timestamp,original_timestamp,uuid_ts,custom_prop\n"
        "p9,anon-9,,2026-10-02 10:00:01,2026-10-02T10:00:00Z,2026-10-02T10:00:00Z,2026-10-02T10:00:00Z,2026-10-02 10:05:00,x\n"
    )
    result = run_script("scripts/load_raw.py", "--from", str(batch), "--database", str(db), "--append")
    assert "1 rows into 1 tables" in result.stdout
    assert query(db, "select count(*) from raw.pages") == [(7,)]


def test_help_describes_the_cli():
    result = run_script("scripts/load_raw.py", "--help")
    assert "--from" in result.stdout and "--append" in result.stdout


def test_loader_memory_limit_from_environment(monkeypatch):
    """The loader's DuckDB memory_limit: GTM_LOADER_MEMORY_LIMIT, else DUCKDB_MEMORY_LIMIT, else 3GB; a value
    that is not a size is refused with an actionable error instead of reaching DuckDB."""
    from gtm_warehouse.loader import LoadError, loader_memory_limit

    monkeypatch.delenv("GTM_LOADER_MEMORY_LIMIT", raising=False)
    monkeypatch.delenv("DUCKDB_MEMORY_LIMIT", raising=False)
    assert loader_memory_limit() == "3GB"
    monkeypatch.setenv("DUCKDB_MEMORY_LIMIT", "4GB")
    assert loader_memory_limit() == "4GB"
    monkeypatch.setenv("GTM_LOADER_MEMORY_LIMIT", "512MiB")
    assert loader_memory_limit() == "512MiB"
    monkeypatch.setenv("GTM_LOADER_MEMORY_LIMIT", "lots")
    with pytest.raises(LoadError, match="GTM_LOADER_MEMORY_LIMIT"):
        loader_memory_limit()
