"""The benchmark machinery (gtm_warehouse.bench) end to end at a tiny scale: every step runs and the JSON
has every key with sane types. Not a timed test: no figure is compared with a target here.

To stay cheap (~35 s of CPU) every dbt step is restricted to the pages staging models; `make bench` runs them all.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from gtm_warehouse import bench
from conftest import PROJECT_DIR

NUM = (int, float)


def test_tree_sampler_sees_children_memory(tmp_path):
    # A child process that holds ~200 MB for a moment: the tree's peak must include it.
    code = "import time; b = bytearray(200 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); time.sleep(0.6)"
    step = bench.run_measured([sys.executable, "-c", f"import subprocess, sys; subprocess.run([sys.executable, '-c', {code!r}])"],
                              tmp_path / "child.log", interval=0.05)
    assert step.returncode == 0
    assert step.peak_rss_bytes > 200 * 1024 * 1024
    assert step.samples >= 3


def test_descendants_include_grandchildren():
    proc = subprocess.Popen([sys.executable, "-c", "import subprocess, sys; subprocess.run(['sleep', '2'])"])
    try:
        deadline = time.time() + 5
        while time.time() < deadline and len(bench.descendants(proc.pid)) < 2:
            time.sleep(0.05)
        assert len(bench.descendants(proc.pid)) >= 2
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.slow  # runs dbt three times (~35 s CPU; longer wall time on a loaded machine)
def test_benchmark_tiny_scale_writes_every_key(tmp_path):
    results = tmp_path / "latest.json"
    cfg = bench.BenchConfig(events=5000, workdir=tmp_path / "work", results=results,
                            dbt_select="base_segment__pages stg_segment__pages",
                            # row_conservation also reads stg_quarantine__rows, which is outside the selection.
                            dbt_exclude="test_name:row_conservation",
                            memory_limit="1GB", duckdb_threads=1, dbt_threads=2)
    bench.run_benchmark(cfg, log=lambda msg: None)
    data = json.loads(results.read_text())

    for key in ("events_requested", "events_written", "seed", "increment_fraction", "started_at", "git", "machine",
                "limits", "loadavg", "lookback_hours", "generate", "load", "references", "full_build",
                "build_with_tests", "incremental_noop", "incremental_noop_gated", "load_increment", "incremental", "export",
                "slowest_models", "ratios",
                "targets", "total_seconds", "warehouse_bytes"):
        assert key in data, key
    assert data["events_requested"] == 5000 and data["events_written"] > 4000
    assert data["limits"] == {"memory_limit": "1GB", "duckdb_threads": 1, "dbt_threads": 2,
                              "temp_directory": str((tmp_path / "work" / "duckdb_tmp").resolve())}
    assert set(data["machine"]) >= {"cpu_count", "cpu_affinity", "memory_total_bytes", "duckdb", "dbt_core", "dbt_duckdb"}
    assert data["machine"]["memory_total_bytes"] > 0
    assert len(data["loadavg"]["start"]) == 3 and len(data["loadavg"]["end"]) == 3
    assert data["git"]["commit"] is None or len(data["git"]["commit"]) == 40

    gen = data["generate"]
    assert gen["seconds"] > 0 and gen["events_per_second"] > 0 and gen["increment_events"] > 0
    for step in ("load", "full_build", "build_with_tests", "incremental_noop", "incremental_noop_gated",
                 "load_increment", "incremental"):
        assert isinstance(data[step]["seconds"], NUM) and data[step]["seconds"] > 0, step
        assert isinstance(data[step]["peak_rss_bytes"], int) and data[step]["peak_rss_bytes"] > 10 * 2**20, step
        assert data[step]["returncode"] == 0, step
    for step in ("full_build", "build_with_tests", "incremental_noop", "incremental"):
        assert data[step]["dbt_elapsed_seconds"] > 0 and data[step]["errors"] == []
    assert data["build_with_tests"]["test_failures"] == []
    assert "lookback" in data["incremental"]["note"]
    assert "gated run, 0 nodes run" in data["incremental_noop_gated"]["note"]  # nothing new: nothing built

    for ref in ("scan", "sort_window"):
        assert data["references"][ref]["seconds"] >= 0
        assert int(data["references"][ref]["result"][0]) > 4000   # every raw event counted
    assert data["export"]["seconds"] > 0 and data["export"]["returncode"] == 0

    models = {m["model"] for m in data["slowest_models"]}
    assert models == {"base_segment__pages", "stg_segment__pages"}
    assert all(isinstance(m["seconds"], NUM) and 0 <= m["share_of_full_build"] <= 1 for m in data["slowest_models"])
    # the two pages models are foundation models: the split puts all of the build's own time there
    fb = data["full_build"]
    assert fb["foundation_nodes"] == 2 and fb["rest_nodes"] == 0 and fb["rest_seconds"] == 0
    assert 0 < fb["foundation_seconds"] <= fb["seconds"]
    assert data["scope"] == "all" and data["dbt_selection"] == "base_segment__pages stg_segment__pages"
    assert set(data["ratios"]) == {"full_build_vs_scan", "full_build_vs_sort_window", "foundation_vs_sort_window",
                                   "build_with_tests_vs_full_build", "incremental_vs_full", "noop_vs_full",
                                   "noop_gated_vs_full",
                                   "append_marginal_vs_full", "export_vs_full", "foundation_noop_vs_full",
                                   "foundation_append_marginal_vs_full"}
    for step in ("incremental_noop", "incremental"):
        assert data[step]["foundation_nodes"] == 2 and data[step]["rest_nodes"] == 0
    # the append's marginal cost (incremental minus no-op) may be <= 0 at this scale: timing noise
    assert all(isinstance(v, NUM) and v > 0 for k, v in data["ratios"].items()
               if v is not None and "append_marginal" not in k)
    assert data["ratios"]["append_marginal_vs_full"] == round(
        (data["incremental"]["seconds"] - data["incremental_noop"]["seconds"]) / data["full_build"]["seconds"], 4)
    assert set(data["targets"]) == set(bench.TARGETS)
    assert all(t["status"] in ("PASS", "MISS") for t in data["targets"].values())
    assert "MISS" in bench.report(data) or "PASS" in bench.report(data)


def test_cli_rejects_bad_scale():
    result = subprocess.run([sys.executable, "scripts/bench.py", "--events", "lots"], cwd=PROJECT_DIR,
                            capture_output=True, text=True, env={**os.environ})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "not an integer" in result.stderr


def test_failing_step_still_writes_what_was_measured(tmp_path, monkeypatch):
    """A step that fails (at 10M, an hour in) leaves the results of the steps before it, and the error."""
    results = tmp_path / "latest.json"

    def loaded(cfg, work, database, raw, name, append, log):
        return {"seconds": 1.0, "peak_rss_bytes": 2**20, "returncode": 0}

    def failing(*args, **kwargs):
        raise bench.BenchError("references failed (exit 1); see references.log\nmore detail")

    monkeypatch.setattr(bench, "step_generate", lambda cfg, work, log: {"seconds": 1.0, "events_written": 10})
    monkeypatch.setattr(bench, "step_load", loaded)
    monkeypatch.setattr(bench, "step_references", failing)
    cfg = bench.BenchConfig(events=10, workdir=tmp_path / "work", results=results)
    with pytest.raises(bench.BenchError):
        bench.run_benchmark(cfg, log=lambda msg: None)
    data = json.loads(results.read_text())
    assert data["error"] == "references failed (exit 1); see references.log"
    assert data["load"]["seconds"] == 1.0 and data["events_written"] == 10
    assert "full_build" not in data and len(data["loadavg"]["end"]) == 3


def test_foundation_scope_selects_staging_core_marts_and_their_ancestors(tmp_path):
    """The foundation split (and --scope foundation): staging and core marts with every model or seed they
    stand on; a team mart, and an intermediate only team marts use, are not in it."""
    def node(path):
        return {"original_file_path": path}

    manifest = {
        "nodes": {
            "model.p.stg_a": node("models/staging/a/stg_a.sql"),
            "model.p.int_ids": node("models/intermediate/identity/int_ids.sql"),
            "model.p.fct_events": node("models/marts/core/fct_events.sql"),
            "model.p.int_team": node("models/intermediate/sales/int_team.sql"),
            "model.p.fct_team": node("models/marts/sales/fct_team.sql"),
            "seed.p.rules": node("seeds/rules.csv"),
            "seed.p.team_rules": node("seeds/team_rules.csv"),
            "test.p.not_null_x": node("models/marts/core/_core__models.yml"),
        },
        "parent_map": {
            "model.p.stg_a": ["source.p.raw.a"],
            "model.p.int_ids": ["model.p.stg_a", "seed.p.rules"],
            "model.p.fct_events": ["model.p.int_ids"],
            "model.p.int_team": ["model.p.fct_events", "seed.p.team_rules"],
            "model.p.fct_team": ["model.p.int_team"],
            "test.p.not_null_x": ["model.p.fct_events"],
        },
    }
    assert bench.foundation_nodes(manifest) == {"model.p.stg_a", "model.p.int_ids", "model.p.fct_events",
                                                "seed.p.rules"}

    results = {"results": [{"unique_id": uid, "execution_time": t} for uid, t in (
        ("model.p.stg_a", 1.0), ("model.p.int_ids", 2.0), ("model.p.fct_events", 3.0), ("seed.p.rules", 0.5),
        ("model.p.int_team", 10.0), ("model.p.fct_team", 20.0), ("seed.p.team_rules", 0.25),
        ("test.p.not_null_x", 99.0))]}
    (tmp_path / "rr.json").write_text(json.dumps(results))
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    assert bench.build_split(tmp_path / "rr.json", tmp_path / "manifest.json") == {
        "foundation_seconds": 6.5, "foundation_nodes": 4, "rest_seconds": 30.25, "rest_nodes": 3}

    cfg = bench.BenchConfig(scope="foundation", workdir=tmp_path)
    assert cfg.selection() == bench.FOUNDATION_SELECTOR
    assert "scope foundation" in bench.step_export(cfg, tmp_path, tmp_path / "x.duckdb", lambda m: None)["note"]
    assert bench.BenchConfig(scope="foundation", dbt_select="stg_a").selection() == "stg_a"
    with pytest.raises(bench.BenchError, match="unknown scope"):
        bench.BenchConfig(scope="most").selection()
