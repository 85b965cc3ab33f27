"""Shared pytest fixtures: paths, a dbt runner, and warehouses built from generated data."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from gtm_warehouse import workflow

PROJECT_DIR = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ALL_SOURCES_OFF = (
    "{using_crm: false, using_product_db: false, using_support: false, "
    "using_ads: false, using_surveys: false, using_privacy: false}"
)
# The data set the warehouse tests build on: big enough for every defect to occur many times.
TRUTH_EVENTS = int(os.environ.get("GTM_TEST_EVENTS", "60000"))
TRUTH_SEED = 7
TRUTH_AS_OF = "2026-11-01T00:00:00Z"


def run_script(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run one of the project's CLIs with the test interpreter."""
    return subprocess.run([sys.executable, *args], cwd=PROJECT_DIR, capture_output=True, text=True, check=check)


def run_dbt(args: list[str], database: Path, workdir: Path, check: bool = True) -> subprocess.CompletedProcess:
    """Run dbt against `database`, with its own target/log folders so runs never collide."""
    result = workflow.dbt(args, database, workdir, check=False)
    if check and result.returncode != 0:
        tail = "\n".join(result.stdout.splitlines()[-60:])
        pytest.fail(f"dbt {' '.join(args)} failed (exit {result.returncode}):\n{tail}\n{result.stderr[-2000:]}")
    return result


def query(database: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="session")
def generated_dataset(tmp_path_factory) -> Path:
    """A generated raw data set (with injected bad rows) and its ground truth: <dir>/raw, <dir>/truth."""
    root = tmp_path_factory.mktemp("dataset")
    workflow.generate(root / "raw", root / "truth", TRUTH_EVENTS, TRUTH_SEED, TRUTH_AS_OF)
    return root


@pytest.fixture(scope="session")
def built_warehouse(generated_dataset, tmp_path_factory) -> dict:
    """The warehouse built by `dbt build` (models, data tests, unit tests) from the generated data set."""
    workdir = tmp_path_factory.mktemp("warehouse")
    database = workdir / "gtm.duckdb"
    workflow.load(generated_dataset / "raw", database)
    build = run_dbt(["build"], database, workdir, check=False)
    return {"database": database, "workdir": workdir, "truth": generated_dataset / "truth", "build": build}
