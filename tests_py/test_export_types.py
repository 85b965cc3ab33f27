"""Real exports build as they are: the same Segment events give the same staging whatever type the
timestamp columns arrive as (TIMESTAMPTZ, naive TIMESTAMP meaning UTC, ISO-8601 text with or without
an offset) and whatever the file format (parquet, CSV).

One small generated data set is written six ways; each is loaded (the loader of scripts/load_raw.py) and
its Segment base models (every raw row: staged or quarantined with its reason, event_at and all) built with
their unit tests and every other source switched off. The naive-parquet variant (what pandas and many EL
tools write, the shape that used to fail) gets the full `dbt build` (every model, data test and unit
test), once. Small data and one dbt start-up per variant keep the module at about a minute of CPU.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import ALL_SOURCES_OFF, query, run_dbt
from gtm_warehouse import workflow
from gtm_warehouse.contract import load_contract
from gtm_warehouse.loader import load_folder

EVENTS = 2500
SEED = 11
AS_OF = "2026-11-01T00:00:00Z"
KINDS = ("timestamptz", "naive", "text")
FORMATS = ("parquet", "csv")
TIMESTAMP_COLUMNS = ("timestamp", "sent_at", "original_timestamp", "received_at", "uuid_ts")
FULL_BUILD_VARIANT = "naive_parquet"
# Beside the full build, the unit tests run again where the raw columns get the other types (TIMESTAMPTZ,
# text; CSV: text device timestamps and a sniffed TIMESTAMPTZ received_at): their fixtures must not
# depend on the raw column types. The other variants only build the models (one dbt start-up less work).
UNIT_TEST_VARIANTS = ("timestamptz_parquet", "text_csv")
# Segment base models: every raw row, staged (the stg_segment__* views filter them) or quarantined.
STAGING_SELECTOR = ["path:models/staging/segment/base"]
# Custom context fields and event properties a real export carries beyond the contract.
EXTRA_COLUMNS = {
    "pages": "'enterprise' as context_traits_plan, 3 as properties_seats",
    "tracks": "'custom' as context_custom_field",
    "signed_up": "'spring' as utm_campaign_property",
}


def _text(parsed: str, original: str, key: str) -> str:
    """ISO-8601 text of a parsed timestamp in one of four shapes picked per row (Z, +02:00, -05:30, no zone
    with a space, as Postgres writes it); a value that does not parse keeps its original text."""
    iso = "%Y-%m-%dT%H:%M:%S.%f"
    return f"""coalesce(case abs(hash({key})) % 4
            when 0 then strftime({parsed}, '{iso}') || 'Z'
            when 1 then strftime({parsed} + interval 2 hour, '{iso}') || '+02:00'
            when 2 then strftime({parsed} - interval 330 minute, '{iso}') || '-05:30'
            else strftime({parsed}, '%Y-%m-%d %H:%M:%S.%f')
        end, cast({original} as varchar))"""


def write_variants(raw: Path, out: Path) -> dict[str, Path]:
    """The generator's Segment tables written as every (timestamp kind, format) pair; returns name -> folder."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    folders = {}
    segment_tables = [t.name for t in load_contract().values() if t.source == "segment"]
    try:
        for kind in KINDS:
            for fmt in FORMATS:
                folder = out / f"{kind}_{fmt}"
                folder.mkdir(parents=True)
                folders[folder.name] = folder
                for table in segment_tables:
                    path = raw / f"{table}.parquet"
                    if not path.exists():
                        continue
                    columns = [r[0] for r in con.execute(f"describe select * from '{path}'").fetchall()]
                    items = []
                    for column in columns:
                        quoted = f'"{column}"'
                        if column not in TIMESTAMP_COLUMNS:
                            items.append(quoted)
                            continue
                        parsed = f"try_cast({quoted} as timestamptz)"
                        value = {
                            "timestamptz": parsed,
                            # pandas writes nanosecond timestamps without time zone
                            "naive": f"cast(cast({parsed} as timestamp) as timestamp_ns)",
                            "text": _text(f"cast({parsed} as timestamp)", quoted, f"id || '{column}'"),
                        }[kind]
                        items.append(f"{value} as {quoted}")
                    if table in EXTRA_COLUMNS:
                        items.append(EXTRA_COLUMNS[table])
                    target = folder / f"{table}.{fmt}"
                    options = "format parquet" if fmt == "parquet" else "format csv, header true"
                    con.execute(f"copy (select {', '.join(items)} from '{path}') to '{target}' ({options})")
    finally:
        con.close()
    return folders


def staged_rows(database: Path) -> dict[str, tuple[list, list]]:
    """Every Segment base model: (column names and types, rows sorted)."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        relations = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'staging' "
            "and table_name like 'base_segment__%' order by 1").fetchall()]
        out = {}
        for relation in relations:
            columns = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'staging' and table_name = ? order by ordinal_position", [relation]).fetchall()
            rows = con.execute(f"select * from staging.{relation}").fetchall()
            out[relation] = (columns, sorted(rows, key=repr))
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def variants(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("export_types")
    workflow.generate(root / "raw", root / "truth", EVENTS, SEED, AS_OF)
    return write_variants(root / "raw", root / "variants")


@pytest.fixture(scope="module")
def built_variants(variants, tmp_path_factory) -> dict[str, dict]:
    """Each variant loaded and its Segment staging built; one database path and one target folder are
    reused (one after the other) so dbt's partial parsing saves most of its start-up."""
    workdir = tmp_path_factory.mktemp("export_types_build")
    database = workdir / "gtm.duckdb"
    results = {}
    for name, folder in variants.items():
        for stale in workdir.glob("gtm.duckdb*"):
            stale.unlink() if stale.is_file() else shutil.rmtree(stale)
        load_folder(folder, database)
        raw_types = dict(query(database, "select column_name, data_type from information_schema.columns "
                                         "where table_schema = 'raw' and table_name = 'pages'"))
        if name == FULL_BUILD_VARIANT:
            build = run_dbt(["build", "--vars", ALL_SOURCES_OFF], database, workdir)
        elif name in UNIT_TEST_VARIANTS:
            build = run_dbt(["build", "--select", *STAGING_SELECTOR, "--exclude", "test_type:data",
                             "--vars", ALL_SOURCES_OFF], database, workdir)
        else:
            build = run_dbt(["run", "--select", *STAGING_SELECTOR, "--vars", ALL_SOURCES_OFF], database, workdir)
        results[name] = {"raw_types": raw_types, "staged": staged_rows(database), "build": build}
    return results


def test_variants_really_differ_in_raw_types(built_variants):
    types = {name: result["raw_types"] for name, result in built_variants.items()}
    assert types["timestamptz_parquet"]["timestamp"] == "TIMESTAMP WITH TIME ZONE"
    assert types["naive_parquet"]["timestamp"] == "TIMESTAMP_NS"
    assert types["text_parquet"]["timestamp"] == "VARCHAR"
    # CSV: device-set columns are read as text; received_at as the sniffer types it
    assert types["naive_csv"]["received_at"] == "TIMESTAMP"
    assert types["timestamptz_csv"]["received_at"] == "TIMESTAMP WITH TIME ZONE"
    assert {types[f"{kind}_csv"]["sent_at"] for kind in KINDS} == {"VARCHAR"}
    # extra columns of the export are kept in raw
    assert "context_traits_plan" in types["text_csv"] and "properties_seats" in types["naive_parquet"]


def test_full_build_passes_on_naive_timestamps(built_variants):
    build = built_variants[FULL_BUILD_VARIANT]["build"]
    assert "Completed successfully" in build.stdout
    assert " SKIP=0 " in build.stdout


@pytest.mark.parametrize("name", UNIT_TEST_VARIANTS)
def test_unit_tests_pass_whatever_the_raw_types(built_variants, name):
    build = built_variants[name]["build"]
    assert "Completed successfully" in build.stdout
    ran = re.search(r"(\d+) unit tests", build.stdout)
    assert ran and int(ran.group(1)) >= 7  # every unit test of the Segment base models


@pytest.mark.parametrize("name", [f"{kind}_{fmt}" for kind in KINDS for fmt in FORMATS if f"{kind}_{fmt}" != "timestamptz_parquet"])
def test_same_staged_rows_and_event_at_in_every_variant(built_variants, name):
    reference = built_variants["timestamptz_parquet"]["staged"]
    staged = built_variants[name]["staged"]
    assert sorted(staged) == sorted(reference)
    for relation, (columns, rows) in reference.items():
        assert staged[relation][0] == columns, f"{relation}: column types differ in {name}"
        assert staged[relation][1] == rows, f"{relation}: rows differ in {name}"


def test_reference_staging_is_not_trivial(built_variants):
    """The comparison above means something: events staged, derived event_at, quarantined bad times."""
    database_rows = built_variants["timestamptz_parquet"]["staged"]
    assert len(database_rows) == len([t for t in load_contract().values() if t.source == "segment"])
    pages_columns, pages = database_rows["base_segment__pages"]
    column = {name: i for i, (name, _) in enumerate(pages_columns)}
    staged = [r for r in pages if r[column["_dq_reason"]] is None and r[column["_dq_copy_number"]] == 1]
    assert len(staged) > 1000
    derived = [r for r in staged if r[column["is_event_at_derived"]]]
    assert derived and all(r[column["event_at"]] is not None for r in derived)
    reasons = {r[column["_dq_reason"]] for r in pages}
    assert "unparseable_timestamp" in reasons
