"""Shared pytest fixtures: paths, a dbt runner, and warehouses built from generated data."""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
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


# `make pytest` runs the tests on PYTEST_WORKERS pytest-xdist workers (one test file per worker at a time).
# Each worker is its own pytest session: the session data set and warehouse below are built ONCE per run by
# whichever worker needs them first (the others wait on a file lock), then each worker works on its own copy
# of the warehouse file and target folder (tests write to both: dbt compile/docs, reverse ETL state).
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")


@contextlib.contextmanager
def _file_lock(path: Path):
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _built_once(tmp_path_factory, name: str, build) -> Path:
    """Folder `name`, filled by `build(folder)` once per test run (shared by every xdist worker)."""
    if XDIST_WORKER is None:
        folder = tmp_path_factory.mktemp(name)
        build(folder)
        return folder
    folder = tmp_path_factory.getbasetemp().parent / name  # the run's folder, above each worker's
    with _file_lock(folder.parent / f"{name}.lock"):
        if not (folder / ".complete").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            (folder / ".complete").touch()
    return folder


def pytest_collection_modifyitems(config, items):
    """Under xdist, alternate test files that need the session warehouse with files that do not: the
    first worker builds the warehouse while the other runs self-contained files instead of waiting."""
    if XDIST_WORKER is None:
        return
    files: dict[str, list] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::", 1)[0], []).append(item)
    needing = [f for f, tests in files.items() if any("built_warehouse" in t.fixturenames for t in tests)]
    others = [f for f in files if f not in needing]
    order = [f for pair in zip(needing, others) for f in pair]
    order += needing[len(others):] + others[len(needing):]
    items[:] = [item for f in order for item in files[f]]


@pytest.fixture(scope="session")
def generated_dataset(tmp_path_factory) -> Path:
    """A generated raw data set (with injected bad rows) and its ground truth: <dir>/raw, <dir>/truth."""
    return _built_once(tmp_path_factory, "dataset",
                       lambda root: workflow.generate(root / "raw", root / "truth", TRUTH_EVENTS, TRUTH_SEED,
                                                      TRUTH_AS_OF))


def _build_warehouse(dataset: Path, workdir: Path) -> None:
    database = workdir / "gtm.duckdb"
    workflow.load(dataset / "raw", database)
    build = run_dbt(["build"], database, workdir, check=False)
    (workdir / "build.json").write_text(json.dumps(
        {"args": build.args, "returncode": build.returncode, "stdout": build.stdout, "stderr": build.stderr}))


@pytest.fixture(scope="session")
def built_warehouse(generated_dataset, tmp_path_factory) -> dict:
    """The warehouse built by `dbt build` (models, data tests, unit tests) from the generated data set."""
    workdir = _built_once(tmp_path_factory, "warehouse", lambda folder: _build_warehouse(generated_dataset, folder))
    if XDIST_WORKER is not None:  # this worker's own copy
        shared, workdir = workdir, tmp_path_factory.mktemp("warehouse")
        for name in ("gtm.duckdb", "build.json"):
            shutil.copyfile(shared / name, workdir / name)
        shutil.copytree(shared / "target", workdir / "target")
    build = subprocess.CompletedProcess(**json.loads((workdir / "build.json").read_text()))
    return {"database": workdir / "gtm.duckdb", "workdir": workdir, "truth": generated_dataset / "truth",
            "build": build}
