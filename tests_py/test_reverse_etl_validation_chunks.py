"""Reverse ETL validation in bounded batches (gtm_warehouse/reverse_etl/validate.py `validate_table`):
validated chunk by chunk, with key uniqueness decided over the whole table in SQL, an object gets exactly
the failing rows and reasons (in suite order) of one Great Expectations batch over all its rows, also when
duplicate keys fall in different chunks. A tiny in-memory table: no warehouse needed.
"""
from __future__ import annotations

import duckdb
import pytest

from gtm_warehouse.reverse_etl import validate as gx_validate
from gtm_warehouse.reverse_etl.config import ExportError, SyncObject

SHA = "a" * 64
# Every rule type the exposures YAML can declare, on one object.
RULES = {
    "max_rejected_share": 1.0,
    "required": ["name"],
    "required_any": [["email", "phone"]],
    "sha256": ["hashed_email"],
    "no_plaintext": ["note"],
    "must_be_true": ["consented"],
    "ranges": {"score": [0, 100]},
    "accepted_values": {"plan": ["free", "team", "business"]},
}
OBJ = SyncObject(destination="test", name="chunks", model="m", primary_key=["id"], mode="upsert", format="csv",
                 fields=[], rules=RULES)


def _table(con: duckdb.DuckDBPyConnection) -> tuple[str, list[str]]:
    """60 rows: every rule broken somewhere, duplicate keys both inside one chunk and across chunks,
    null keys (never duplicates of each other), rows breaking several rules at once."""
    rows = []
    for i in range(1, 61):
        key = f"k{i:03d}"
        if i in (7, 41):          # a duplicate across chunks (chunk size 8 below)
            key = "dup-far"
        if i in (12, 13):         # a duplicate inside one chunk
            key = "dup-near"
        if i in (20, 33):         # null keys: rejected as null, not as duplicates of each other
            key = None
        rows.append({
            "_row": i, "_key": key,
            "name": None if i % 11 == 0 else f"n{i}",
            "email": None if i % 9 == 0 else f"e{i}@x.io", "phone": None if i % 9 == 0 or i % 2 else "+1 555",
            "hashed_email": "not-a-hash" if i % 10 == 3 else SHA,
            "note": {5: "mail jane@doe.com", 6: "+44 20 7946 0958"}.get(i % 17, "fine"),
            "consented": None if i == 8 else i % 13 != 0,
            "score": 150 if i % 14 == 0 else i,
            "plan": "enterprise" if i in (7, 27) else "team",
        })
    con.execute("""create table cand (_row bigint, _key varchar, _r_name varchar, _r_any_0 varchar,
        _r_hashed_email varchar, _r_note varchar, _r_consented boolean, _r_score integer, _r_plan varchar)""")
    con.executemany("insert into cand values (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        (r["_row"], r["_key"], r["name"], r["email"] or r["phone"], r["hashed_email"], r["note"], r["consented"],
         r["score"], r["plan"]) for r in rows])
    columns = ["_row", "_key", "_r_name", "_r_any_0", "_r_hashed_email", "_r_note", "_r_consented", "_r_score",
               "_r_plan"]
    return "cand", columns


@pytest.mark.parametrize("chunk_rows", [8, 25])
def test_chunked_validation_rejects_the_same_rows_for_the_same_reasons_as_one_batch(chunk_rows):
    con = duckdb.connect()
    table, columns = _table(con)
    whole_ok, whole = gx_validate.validate(OBJ, con.execute(f"select * from {table}").df())
    chunked_ok, chunked = gx_validate.validate_table(OBJ, con, table, columns, chunk_rows=chunk_rows)
    assert chunked == whole and chunked_ok is whole_ok is False
    # the cases the fixture was built for are all there (the comparison above is not vacuous)
    assert {7, 41, 12, 13} <= {row for row, reasons in whole.items() if "primary_key_duplicate" in reasons}
    assert not any("primary_key_duplicate" in whole.get(row, []) for row in (20, 33))
    assert whole[20][0] == "primary_key_null" and whole[7][:2] == ["primary_key_duplicate", "not_accepted:plan"]
    reasons = {reason.split(":")[0] for found in whole.values() for reason in found}
    assert reasons == {"primary_key_null", "primary_key_duplicate", "required_missing", "required_any_missing",
                       "not_sha256", "plaintext_email", "plaintext_phone", "not_true", "out_of_range",
                       "not_accepted"}


def test_a_table_within_one_chunk_is_validated_in_one_batch_and_clean_rows_pass():
    con = duckdb.connect()
    con.execute("create table ok as select range + 1 as _row, 'k' || range as _key from range(5)")
    obj = SyncObject(destination="test", name="ok", model="m", primary_key=["id"], mode="upsert", format="csv",
                     fields=[], rules={})
    assert gx_validate.validate_table(obj, con, "ok", ["_row", "_key"], chunk_rows=5) == (True, {})
    assert gx_validate.validate_table(obj, con, "ok", ["_row", "_key"], chunk_rows=2) == (True, {})


def test_validation_chunk_size_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("GTM_EXPORT_VALIDATION_ROWS", raising=False)
    assert gx_validate.validation_chunk_rows() == gx_validate.DEFAULT_CHUNK_ROWS
    monkeypatch.setenv("GTM_EXPORT_VALIDATION_ROWS", "5000")
    assert gx_validate.validation_chunk_rows() == 5000
    monkeypatch.setenv("GTM_EXPORT_VALIDATION_ROWS", "lots")
    with pytest.raises(ExportError, match="GTM_EXPORT_VALIDATION_ROWS"):
        gx_validate.validation_chunk_rows()
