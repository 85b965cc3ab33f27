"""Freshness-gated builds: run only what new data or changed code reaches (`make refresh`).

A scheduled `dbt build` rebuilds every table model whatever was loaded: at 10M events a run with nothing new
costs about two thirds of a full build, because the team marts are tables over whole histories. dbt can
select what is downstream of sources loaded since the last run (`source_status:fresher+`, from `dbt source
freshness` results) and of code or seeds changed since then (`state:modified+`, from the manifest). This
module runs that cycle and keeps the state between runs:

1. `dbt source freshness` records each source table's latest load time (`loaded_at_field`) in
   target/sources.json (stale sources are reported, never an error here: a quiet source is what the gate
   is for);
2. with no saved state (first run, or `full`): `dbt build` of everything;
   otherwise `dbt build --select source_status:fresher+ state:modified+ --state <state dir>`, where a Segment
   table counts as fresher whenever any Segment table is: the per-event tables carry no freshness of their
   own (models/staging/segment/_segment__sources.yml), and a track call lands in `tracks` and in its event's
   table in the same load, so every Segment model is selected together (`source:segment+`);
3. only when the build succeeded: the manifest and the freshness results become the new state (replaced
   atomically), so a failed run is retried in full next time.

Nothing else is cached: an incremental model that runs reprocesses its lookback as in any `dbt build`, and a
model that does not run has inputs that did not change. Change of vars (`--vars`, dbt_project.yml) is not
detected by every dbt version: after changing one, run with `full`.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

DbtRunner = Callable[[list[str]], subprocess.CompletedProcess]
STATE_FILES = ("manifest.json", "sources.json")
GATE = ("source_status:fresher+", "state:modified+")


class RefreshError(RuntimeError):
    """A dbt step failed; the message says which and what to do."""


@dataclass
class RefreshResult:
    mode: str  # "full" (no state, or asked) or "gated"
    selection: list[str] = field(default_factory=list)  # dbt --select of a gated run
    fresher_sources: list[str] = field(default_factory=list)  # source_name.table_name
    nodes_run: int = 0  # models, seeds, snapshots, tests dbt ran (0: nothing to do)


def _tail(result: subprocess.CompletedProcess, lines: int = 25) -> str:
    return "\n".join((result.stdout + result.stderr).splitlines()[-lines:])


def has_state(state_dir: Path) -> bool:
    return all((state_dir / name).is_file() for name in STATE_FILES)


def record_freshness(run_dbt: DbtRunner, target: Path) -> None:
    """`dbt source freshness` into target/sources.json. Exit 1 = some source is stale: fine here."""
    result = run_dbt(["source", "freshness"])
    if result.returncode not in (0, 1) or not (target / "sources.json").is_file():
        raise RefreshError(f"dbt source freshness failed (exit {result.returncode}); fix the error below, or run "
                           f"`make build` to build without the gate:\n{_tail(result)}")


def fresher_sources(run_dbt: DbtRunner, state_dir: Path) -> list[str]:
    """Source tables whose latest load is newer than in the saved state (source_name.table_name)."""
    result = run_dbt(["ls", "--resource-type", "source", "--select", "source_status:fresher", "--state",
                      str(state_dir), "--output", "json", "--output-keys", "source_name name", "--quiet"])
    if result.returncode != 0:
        raise RefreshError(f"dbt ls of the fresher sources failed (exit {result.returncode}):\n{_tail(result)}")
    names = []
    for line in result.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            node = json.loads(line)
            names.append(f"{node['source_name']}.{node['name']}")
    return sorted(names)


def gate_selection(fresher: list[str]) -> list[str]:
    """The --select of a gated build: fresher sources' and modified nodes' downstream, Segment as a whole."""
    selection = list(GATE)
    if any(name.split(".", 1)[0] == "segment" for name in fresher):
        selection.append("source:segment+")
    return selection


def save_state(target: Path, state_dir: Path) -> None:
    """Copy the run's manifest and freshness results into state_dir, replacing the old state at once."""
    state_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".state-", dir=state_dir.parent))
    for name in STATE_FILES:
        shutil.copyfile(target / name, staging / name)
    old = state_dir.with_name(state_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if state_dir.exists():
        os.replace(state_dir, old)
    os.replace(staging, state_dir)
    shutil.rmtree(old, ignore_errors=True)


def _nodes_run(target: Path) -> int:
    path = target / "run_results.json"
    return len(json.loads(path.read_text())["results"]) if path.is_file() else 0


def refresh(run_dbt: DbtRunner, target: Path, state_dir: Path, command: str = "build",
            extra_args: list[str] | None = None, full: bool = False, record_only: bool = False,
            progress: Callable[[str], None] = lambda message: None) -> RefreshResult:
    """One gated cycle (module docstring). `run_dbt(args)` runs dbt with target path `target`.
    record_only: the warehouse was just built by other means; only record the state."""
    extra_args = list(extra_args or [])
    (target / "run_results.json").unlink(missing_ok=True)
    progress("dbt source freshness")
    record_freshness(run_dbt, target)
    if record_only:  # freshness wrote the manifest too
        save_state(target, state_dir)
        return RefreshResult(mode="recorded")
    if full or not has_state(state_dir):
        progress(f"no saved state in {state_dir}: dbt {command} of everything" if not full else f"dbt {command} (full)")
        result = run_dbt([command, *extra_args])
        outcome = RefreshResult(mode="full")
    else:
        fresher = fresher_sources(run_dbt, state_dir)
        selection = gate_selection(fresher)
        progress(f"fresher sources: {', '.join(fresher) or 'none'}; dbt {command} --select {' '.join(selection)}")
        result = run_dbt([command, "--select", *selection, "--state", str(state_dir), *extra_args])
        outcome = RefreshResult(mode="gated", selection=selection, fresher_sources=fresher)
    if result.returncode != 0:
        raise RefreshError(f"dbt {command} failed (exit {result.returncode}); the saved state is unchanged, so the "
                           f"next run retries the same work:\n{_tail(result)}")
    outcome.nodes_run = _nodes_run(target)
    save_state(target, state_dir)
    return outcome
