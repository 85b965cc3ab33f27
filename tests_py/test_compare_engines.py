"""scripts/compare_engines.py catches a silent engine difference.

A copy of the project gets one planted change in a `spark__` macro (url_decode upper-cases its result,
which changes the `gclid` click id); DuckDB is built from the real project. The comparison must fail
and name the affected models. Marked `spark`: runs in `make test-spark`, deselected by `make test`.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ALL_SOURCES_OFF, FIXTURES, PROJECT_DIR, run_script

BIN = Path(sys.executable).parent

pytestmark = pytest.mark.spark

PLANT_FILE = "macros/cross_db/regex.sql"
REAL_SPARK_URL_DECODE = "try_url_decode({{ expression }})"
PLANTED_SPARK_URL_DECODE = "upper(try_url_decode({{ expression }}))"
MODELS = ["base_segment__pages", "stg_segment__pages"]


def _copy_project(destination):
    ignore = shutil.ignore_patterns(".git", ".venv", "data", "target*", "logs*", "dbt_packages", "__pycache__",
                                    ".pytest_cache", "*.egg-info", "spark_state")
    shutil.copytree(PROJECT_DIR, destination, ignore=ignore)
    macro = destination / PLANT_FILE
    text = macro.read_text()
    assert text.count(REAL_SPARK_URL_DECODE) == 1, f"{PLANT_FILE} changed: update the planted difference"
    macro.write_text(text.replace(REAL_SPARK_URL_DECODE, PLANTED_SPARK_URL_DECODE))


def _dbt(project, target, env, *args):
    cmd = [str(BIN / "dbt"), *args, "--project-dir", str(project), "--profiles-dir", str(project),
           "--target", target, "--target-path", str(env["WORK"] / f"target_{target}"),
           "--log-path", str(env["WORK"] / "logs")]
    result = subprocess.run(cmd, cwd=project, capture_output=True, text=True, env=env["ENV"])
    assert result.returncode == 0, f"dbt {' '.join(args)} on {target} failed:\n{result.stdout[-4000:]}"


def test_comparison_names_tables_changed_by_a_planted_spark_macro(tmp_path):
    pytest.importorskip("pyspark")
    planted = tmp_path / "project"
    _copy_project(planted)
    database = tmp_path / "w.duckdb"
    env = {
        "WORK": tmp_path,
        "ENV": {**os.environ, "DUCKDB_PATH": str(database), "SPARK_STATE_DIR": str(tmp_path / "spark_state")},
    }
    select = ["--select", *MODELS, "--vars", ALL_SOURCES_OFF]

    # DuckDB from the real project.
    run_script("scripts/load_raw.py", "--from", str(FIXTURES / "segment_only"), "--database", str(database), "--quiet")
    _dbt(PROJECT_DIR, "duckdb", env, "run", *select)

    # Spark from the planted copy.
    load = subprocess.run(
        [sys.executable, "scripts/load_raw.py", "--engine", "spark", "--from", str(FIXTURES / "segment_only"),
         "--only", "pages", "--quiet"],
        cwd=planted, capture_output=True, text=True, env=env["ENV"],
    )
    assert load.returncode == 0, load.stderr[-3000:]
    _dbt(planted, "spark", env, "run", *select)

    result = subprocess.run(
        [sys.executable, "scripts/compare_engines.py", "--database", str(database), "--schemas", "staging"],
        cwd=planted, capture_output=True, text=True, env=env["ENV"],
    )
    assert result.returncode == 1, result.stdout + result.stderr[-3000:]
    verdict = result.stdout.strip().splitlines()[-1]
    for model in MODELS:
        assert f"staging.{model}" in verdict
        assert any(line.startswith(f"DIFF staging.{model} ") for line in result.stdout.splitlines())
    # the sample rows show the planted change: the click id upper-cased on Spark only
    assert "gclid='abc123'" in result.stdout and "gclid='ABC123'" in result.stdout

    # nothing planted in the real project
    assert PLANTED_SPARK_URL_DECODE not in (PROJECT_DIR / PLANT_FILE).read_text()
