"""scripts/load_raw.py: contract checks, padding of optional columns, atomicity, clear errors."""
from __future__ import annotations

import shutil

from conftest import FIXTURES, query, run_script

SEGMENT_ONLY = FIXTURES / "segment_only"


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


def test_missing_segment_table_is_an_error(tmp_path):
    folder = tmp_path / "raw"
    shutil.copytree(SEGMENT_ONLY, folder)
    (folder / "groups.csv").unlink()
    result = run_script("scripts/load_raw.py", "--from", str(folder), "--database", str(tmp_path / "w.duckdb"), check=False)
    assert result.returncode == 2
    assert "groups" in result.stderr and "required" in result.stderr


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
