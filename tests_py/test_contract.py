"""The raw contract: one source of truth (the source YAML), its rendered reference in docs/ kept in sync."""
from __future__ import annotations

from conftest import run_script

from gtm_warehouse.contract import SEGMENT_CORE_TABLES, load_contract

SEGMENT_COLUMNS = ["id", "anonymous_id", "user_id", "received_at", "sent_at", "timestamp", "original_timestamp", "uuid_ts"]


def test_segment_tables_use_segments_own_column_names():
    contract = load_contract()
    for name in SEGMENT_CORE_TABLES:
        table = contract[name]
        assert table.source == "segment"
        assert table.column_names[:8] == SEGMENT_COLUMNS
        # only what the models need: original_timestamp matters only when timestamp is missing, and uuid_ts
        # falls back to received_at (dbt-labs/segment's own sample pages has neither)
        assert set(SEGMENT_COLUMNS) - set(table.required_columns) == {"original_timestamp", "uuid_ts"}
    assert {"event", "event_text"} <= set(contract["tracks"].column_names)
    assert {"name", "path", "referrer", "search", "title", "url"} <= set(contract["pages"].column_names)
    assert {"email", "name", "role", "company_name"} <= set(contract["identifies"].column_names)
    assert "group_id" in contract["groups"].required_columns


def test_every_table_has_a_load_time_for_freshness():
    for table in load_contract().values():
        if table.source == "segment":
            # a file without uuid_ts gets received_at (required) in its place
            uuid_ts = next(c for c in table.columns if c.name == "uuid_ts")
            assert uuid_ts.fallback == "received_at" and "received_at" in table.required_columns, table.name
        else:
            assert "_loaded_at" in table.required_columns, table.name


def test_contract_reference_doc_is_up_to_date():
    assert run_script("scripts/contract_doc.py", "--check", check=False).returncode == 0, (
        "docs/RAW_CONTRACT.md is stale: run `python scripts/contract_doc.py`")
