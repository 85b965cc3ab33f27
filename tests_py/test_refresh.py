"""The freshness gate of `make refresh` (gtm_warehouse/refresh.py) with a stand-in for dbt: which build it asks
for, and that the state moves only after a successful build. Its end-to-end check against a full refresh is
in test_incremental.py."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gtm_warehouse import refresh

ROOT = Path(__file__).resolve().parent.parent


class FakeDbt:
    """Records dbt invocations; writes the artifacts dbt would write into `target`."""

    def __init__(self, target: Path, fresher: list[str] = (), build_rc: int = 0, freshness_rc: int = 0):
        self.target, self.fresher, self.build_rc, self.freshness_rc = target, list(fresher), build_rc, freshness_rc
        self.calls: list[list[str]] = []
        self.generation = 0

    def __call__(self, args: list[str]) -> subprocess.CompletedProcess:
        self.calls.append(args)
        self.target.mkdir(parents=True, exist_ok=True)
        self.generation += 1
        (self.target / "manifest.json").write_text(json.dumps({"generation": self.generation}))
        stdout, rc = "", 0
        if args[:2] == ["source", "freshness"]:
            (self.target / "sources.json").write_text(json.dumps({"generation": self.generation}))
            rc = self.freshness_rc
        elif args[0] == "ls":
            stdout = "\n".join(json.dumps({"source_name": n.split(".")[0], "name": n.split(".")[1]})
                               for n in self.fresher)
        elif args[0] in ("build", "run"):
            rc = self.build_rc
            (self.target / "run_results.json").write_text(json.dumps({"results": [{}] * 3}))
        return subprocess.CompletedProcess(args, rc, stdout, "boom" if rc else "")


def test_first_run_builds_everything_and_saves_the_state(tmp_path):
    dbt = FakeDbt(tmp_path / "target")
    result = refresh.refresh(dbt, tmp_path / "target", tmp_path / "state")
    assert result.mode == "full" and result.nodes_run == 3
    assert [c[0] for c in dbt.calls] == ["source", "build"] and dbt.calls[1] == ["build"]
    assert refresh.has_state(tmp_path / "state")


def test_gated_run_selects_fresher_and_modified_and_all_of_segment(tmp_path):
    dbt = FakeDbt(tmp_path / "target")
    refresh.refresh(dbt, tmp_path / "target", tmp_path / "state", record_only=True)
    dbt.fresher, dbt.calls = ["segment.tracks", "crm.crm_leads"], []
    result = refresh.refresh(dbt, tmp_path / "target", tmp_path / "state", extra_args=["--exclude", "x"])
    assert result.mode == "gated" and result.fresher_sources == ["crm.crm_leads", "segment.tracks"]
    build = dbt.calls[-1]
    assert build[:5] == ["build", "--select", "source_status:fresher+", "state:modified+", "source:segment+"]
    assert build[5:] == ["--state", str(tmp_path / "state"), "--exclude", "x"]


def test_only_non_segment_sources_fresher_does_not_select_segment(tmp_path):
    assert refresh.gate_selection(["crm.crm_leads"]) == ["source_status:fresher+", "state:modified+"]
    assert refresh.gate_selection([]) == ["source_status:fresher+", "state:modified+"]
    assert "source:segment+" in refresh.gate_selection(["segment.pages"])


def test_failed_build_keeps_the_old_state(tmp_path):
    state = tmp_path / "state"
    dbt = FakeDbt(tmp_path / "target")
    refresh.refresh(dbt, tmp_path / "target", state)
    saved = (state / "sources.json").read_text()
    dbt.build_rc = 1
    with pytest.raises(refresh.RefreshError, match="saved state is unchanged"):
        refresh.refresh(dbt, tmp_path / "target", state)
    assert (state / "sources.json").read_text() == saved
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state", "target"]  # no half-written state folder


def test_stale_sources_are_not_an_error_but_a_broken_freshness_run_is(tmp_path):
    dbt = FakeDbt(tmp_path / "target", freshness_rc=1)  # dbt: some source past its error_after
    assert refresh.refresh(dbt, tmp_path / "target", tmp_path / "state").mode == "full"
    dbt = FakeDbt(tmp_path / "target2", freshness_rc=2)
    with pytest.raises(refresh.RefreshError, match="source freshness failed"):
        refresh.refresh(dbt, tmp_path / "target2", tmp_path / "state2")


def test_cli_help_names_the_gate():
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "refresh.py"), "--help"],
                         capture_output=True, text=True, check=True).stdout
    assert "source_status:fresher+" in out and "--record-only" in out
