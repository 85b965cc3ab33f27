"""Generate → load → dbt, as the CLIs and tests chain them (each step a subprocess of this Python)."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
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


# dbt's parse costs ~16 s CPU per invocation; a saved partial-parse file (target/partial_parse.msgpack) cuts it
# to ~2 s. dbt only reuses that file when the profile (the warehouse path included) and the --vars are the
# same, so dbt runs in the warehouse's folder with a path relative to it, and one file per (project, warehouse
# file name, --vars)
# is cached here and copied into each new target folder. dbt still checks every file's checksum and
# reparses what changed, so a stale cache costs a full parse, never a wrong result.
# GTM_DBT_PARSE_CACHE=off disables the cache; another value names its folder.
_PARSE_CACHE_SETTING = os.environ.get("GTM_DBT_PARSE_CACHE", "")
PARSE_CACHE_DIR = None if _PARSE_CACHE_SETTING == "off" else Path(
    _PARSE_CACHE_SETTING or Path(tempfile.gettempdir()) / f"gtm_dbt_parse_cache_{os.getuid()}")


def _parse_cache_file(args: list[str], database_name: str) -> Path | None:
    if PARSE_CACHE_DIR is None:
        return None
    cli_vars = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--vars"]
    key = hashlib.sha256("\0".join([str(PROJECT_DIR), database_name, *cli_vars]).encode()).hexdigest()[:20]
    return PARSE_CACHE_DIR / f"{key}.msgpack"


def dbt(args: list[str], database: Path, workdir: Path, check: bool = True) -> subprocess.CompletedProcess:
    """Run dbt on `database` with its own target/log folders under `workdir` (partial parse shared, see above)."""
    database, workdir = Path(database).resolve(), Path(workdir).resolve()
    database.parent.mkdir(parents=True, exist_ok=True)
    # Relative path + cwd = the warehouse's folder: the profile is the same for every warehouse.
    env = {**os.environ, "DUCKDB_PATH": database.name, "DBT_TARGET": "duckdb"}
    target = workdir / "target"
    saved = target / "partial_parse.msgpack"
    cached = _parse_cache_file(args, database.name)
    if cached is not None and cached.exists() and not saved.exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, saved)
    cmd = [str(BIN / "dbt"), *args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
           "--target-path", str(target), "--log-path", str(workdir / "logs")]
    result = subprocess.run(cmd, cwd=database.parent, capture_output=True, text=True, env=env)
    if cached is not None and saved.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        shutil.copyfile(saved, partial)
        os.replace(partial, cached)
    if check and result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-40:])
        raise StepFailed(f"{' '.join(cmd[:3])}... failed (exit {result.returncode}):\n{tail}")
    return result
