"""A full refresh and an incremental run after appending a late batch give identical rows (the incremental runs
go through the freshness gate of `make refresh`), and a re-stitched person updates the person_id of earlier events."""
from __future__ import annotations

import duckdb
import pytest

from conftest import TRUTH_AS_OF

from gtm_warehouse import refresh, workflow

# Every model whose rows must not depend on how the warehouse was built (all materialized models).
SCHEMAS = ("staging", "intermediate", "marts")


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("incremental")
    raw, truth = root / "raw", root / "truth"
    # 5% of the Segment rows arrive in a second load, late-arriving events and re-deliveries included
    workflow.generate(raw, truth, events=30_000, seed=3, as_of=TRUTH_AS_OF, increment_fraction=0.05)
    build_args = ["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]

    # Both warehouses are named gtm.duckdb (in their own folders) so that their dbt runs share one parse.
    incremental = root / "incremental" / "gtm.duckdb"
    workflow.load(raw, incremental)
    workflow.dbt(build_args, incremental, root / "w_incremental")
    before = root / "persons_before.parquet"
    con = duckdb.connect(str(incremental))
    con.execute(f"copy (select message_id, person_id from marts.fct_events) to '{before}' (format parquet)")
    con.close()
    # The incremental runs go through the freshness gate (`make refresh`): a run with nothing new does
    # nothing, the run after the append builds what the Segment sources reach, and the comparison below
    # proves that what it skipped did not need to run.
    state, target = root / "state", root / "w_incremental" / "target"
    run = lambda args: workflow.dbt(args, incremental, root / "w_incremental", check=False)  # noqa: E731
    excludes = build_args[1:]
    refresh.refresh(run, target, state, record_only=True)
    noop = refresh.refresh(run, target, state, extra_args=excludes)
    workflow.load(raw / "increment", incremental, append=True)
    gated = refresh.refresh(run, target, state, extra_args=excludes)

    full = root / "full" / "gtm.duckdb"
    workflow.load(raw, full)
    workflow.load(raw / "increment", full, append=True)
    workflow.dbt([*build_args, "--full-refresh"], full, root / "w_full")
    return incremental, full, before, noop, gated


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str]]:
    return con.execute(f"""
        select table_schema, table_name from information_schema.tables
        where table_catalog = '{catalog}' and table_schema in {SCHEMAS} and table_type = 'BASE TABLE'
        order by 1, 2
    """).fetchall()


# KNOWN GAPS, open defects, listed so that every other relation stays checked (to be emptied, not extended).
KNOWN_GAPS: set[str] = set()


def test_incremental_run_equals_full_refresh(two_builds):
    incremental, full, *_ = two_builds
    con = duckdb.connect()
    con.execute(f"attach '{incremental}' as inc (read_only)")
    con.execute(f"attach '{full}' as ful (read_only)")
    tables = _tables(con, "inc")
    assert {"fct_events", "fct_sessions", "int_web_events_sessionized", "base_segment__pages"} <= {t for _, t in tables}
    assert tables == _tables(con, "ful")
    differences = {}
    for schema, table in tables:
        only_inc, only_full, rows = con.execute(f"""
            select
                (select count(*) from (select * from inc.{schema}.{table} except all select * from ful.{schema}.{table})),
                (select count(*) from (select * from ful.{schema}.{table} except all select * from inc.{schema}.{table})),
                (select count(*) from ful.{schema}.{table})
        """).fetchall()[0]
        if (only_inc or only_full) and f"{schema}.{table}" not in KNOWN_GAPS:
            differences[f"{schema}.{table}"] = (only_inc, only_full, rows)
    assert not differences, f"incremental vs full refresh (rows only in incremental, only in full, total): {differences}"


def test_the_gate_skips_a_run_with_nothing_new_and_builds_what_the_append_reaches(two_builds):
    *_, noop, gated = two_builds
    assert (noop.mode, noop.fresher_sources, noop.nodes_run) == ("gated", [], 0)
    assert gated.mode == "gated" and "source:segment+" in gated.selection
    assert {"segment.tracks", "segment.pages"} <= set(gated.fresher_sources)
    assert all(name.startswith("segment.") for name in gated.fresher_sources)  # the append has Segment rows only
    assert gated.nodes_run > 50


def test_the_late_batch_changed_history(two_builds):
    """The comparison above is only meaningful if the late batch really re-stitched earlier events."""
    incremental, _, before, *_ = two_builds
    con = duckdb.connect(str(incremental), read_only=True)
    restitched = con.execute(f"""
        select count(*) from read_parquet('{before}') as b
        join marts.fct_events as e using (message_id)
        where e.person_id != b.person_id
    """).fetchall()[0][0]
    print(f"events re-stitched to another person by the late batch: {restitched}")
    assert restitched > 0
