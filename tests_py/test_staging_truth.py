"""The warehouse built from generated data (with injected bad rows) against the generator's ground truth."""
from __future__ import annotations

import pytest

from gtm_warehouse import truth


@pytest.fixture(scope="module")
def figures(built_warehouse):
    con = truth.connect(built_warehouse["database"], built_warehouse["truth"])
    try:
        result = truth.staging_figures(con)
    finally:
        con.close()
    for name, value in result.items():
        print(f"{name}: {value}")
    return result


def test_dbt_build_passes_every_data_and_unit_test(built_warehouse):
    build = built_warehouse["build"]
    tail = "\n".join(build.stdout.splitlines()[-40:])
    assert build.returncode == 0, f"dbt build failed:\n{tail}"
    assert "Completed successfully" in build.stdout
    # the conservation tests ran (one per staged table), on data that has bad rows
    assert build.stdout.count("row_conservation") >= 41


def test_every_usable_row_is_staged_and_nothing_else(figures):
    assert figures["staging_rows_expected"] > 50_000
    assert figures["staging_recall"] == 1.0
    assert figures["staging_unexpected_rows"] == 0


def test_every_bad_row_is_quarantined_with_the_right_reason(figures):
    assert figures["quarantine_rows_expected"] > 300
    assert figures["quarantine_recall"] == 1.0
    assert figures["quarantine_unexpected_rows"] == 0


def test_duplicates_are_collapsed_and_counted(figures):
    assert figures["duplicates_expected"] > 100
    assert figures["duplicates_removed"] == figures["duplicates_expected"]


def test_event_times_are_the_true_times_despite_skewed_clocks(figures):
    assert figures["event_at_exact_share"] == 1.0
    assert figures["event_at_exact_share_skewed_or_derived"] == 1.0
