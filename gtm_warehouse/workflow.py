"""Generate → load → dbt, as the CLIs and tests chain them (each step a subprocess of this Python)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from gtm_warehouse.contract import PROJECT_DIR

BIN = Path(sys.executable).parent


class StepFailed(Exception):
    """A step exited non-zero; the message carries the tail of its output."""


def _run(cmd: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, cwd=PROJECT_DIR, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-40:])
        raise StepFailed(f"{' '.join(cmd[:3])}... failed (exit {result.returncode}):\n{tail}")
    return result


def generate(out: Path, truth: Path, events: int, seed: int, as_of: str, increment_fraction: float = 0.0) -> None:
    _run([sys.executable, "scripts/generate_data.py", "--events", str(events), "--seed", str(seed),
          "--as-of", as_of, "--out", str(out), "--truth", str(truth),
          "--increment-fraction", str(increment_fraction), "--quiet"])


def load(folder: Path, database: Path, append: bool = False) -> None:
    _run([sys.executable, "scripts/load_raw.py", "--from", str(folder), "--database", str(database), "--quiet",
          *(["--append"] if append else [])])


def dbt(args: list[str], database: Path, workdir: Path, check: bool = True) -> subprocess.CompletedProcess:
    """Run dbt on `database` with its own target/log folders under `workdir`."""
    env = {**os.environ, "DUCKDB_PATH": str(database), "DBT_TARGET": "duckdb"}
    cmd = [str(BIN / "dbt"), *args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
           "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")]
    if check:
        return _run(cmd, env)
    return subprocess.run(cmd, cwd=PROJECT_DIR, capture_output=True, text=True, env=env)
